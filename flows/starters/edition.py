"""Start next year's edition from this year's: the config carried forward, texts on request."""

import datetime as dt
import shutil
from pathlib import Path

import yaml

from flows.gather import ASSET_SUFFIXES, SUBMISSION_SUFFIXES, is_ignored

UPDATE_LINE = (
    "uppdatera: ja   # Texten är från {year}. Uppdatera den och ta sedan bort den här raden."
)


class NewEditionError(Exception):
    """The new edition cannot be started; the message is Swedish."""


def next_year(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year + years)
    except ValueError:  # 29 February
        return date.replace(year=date.year + years, day=28)


def new_edition(inputs: Path, year: int, source_year: int, with_texts: bool) -> list[Path]:
    """Create inputs/<year>/ from inputs/<source_year>/; returns the files written.

    The source edition is only read. Dates move forward by the years between them, the status
    goes back to 'förslag', and decision data is cleared. With ``with_texts``, last year's
    Markdown and YAML submissions (and their images) are copied and marked 'uppdatera: ja' so
    nothing old slips through unread; Word, Excel and Kolada files are not copied.
    """
    source, target = inputs / str(source_year), inputs / str(year)
    if not (source / "rapport.yaml").is_file():
        raise NewEditionError(f"{source / 'rapport.yaml'} finns inte")
    if target.exists():
        raise NewEditionError(f"{target} finns redan; ingenting skrevs över")
    step = year - source_year
    config = yaml.safe_load((source / "rapport.yaml").read_text(encoding="utf-8"))
    config = carry_forward(config, step)
    target.mkdir(parents=True)
    written = [target / "rapport.yaml"]
    header = f"# Utgåva {year}, startad från utgåva {source_year}. Kontrollera datum och titel.\n"
    written[0].write_text(
        header + yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=100),
        encoding="utf-8",
    )
    for department in config.get("förvaltningar", []):
        folder = target / department["id"]
        folder.mkdir()
        if with_texts:
            written += copy_texts(source / department["id"], folder, source_year)
    return written


def carry_forward(config: dict, step: int) -> dict:
    config = dict(config)
    old_year = config.get("år")
    config["år"] = old_year + step if isinstance(old_year, int) else old_year
    for key in ("titel", "undertitel"):
        if isinstance(config.get(key), str) and isinstance(old_year, int):
            config[key] = config[key].replace(str(old_year), str(old_year + step))
    for key in ("datum", "sista_dag"):
        if isinstance(config.get(key), dt.date):
            config[key] = next_year(config[key], step)
    config["status"] = "förslag"
    config["diarienummer"] = None
    config["beslutsdatum"] = None
    return config


def copy_texts(source: Path, target: Path, source_year: int) -> list[Path]:
    written = []
    if not source.is_dir():
        return written
    for path in sorted(p for p in source.iterdir() if p.is_file() and not is_ignored(p.name)):
        destination = target / path.name
        suffix = path.suffix.lower()
        if suffix in SUBMISSION_SUFFIXES:
            destination.write_text(mark_for_update(path.read_text("utf-8"), source_year), "utf-8")
        elif suffix in ASSET_SUFFIXES:
            shutil.copyfile(path, destination)
        else:
            # Word, Excel and Kolada files cannot carry the 'uppdatera' mark, and copied
            # unmarked they would pass as this year's: the department brings them over itself.
            continue
        written.append(destination)
    return written


def mark_for_update(text: str, source_year: int) -> str:
    line = UPDATE_LINE.format(year=source_year)
    if text.startswith("---\n"):
        return f"---\n{line}\n{text[4:]}"
    return f"{line}\n{text}"
