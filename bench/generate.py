"""Write benchmark editions: a large one (~240 pages) or many small submissions.

    python bench/generate.py DEST                      # large edition: the demo plus many sections
    python bench/generate.py DEST --sections-per-goal 4   # a smaller one, for a smoke check
    python bench/generate.py DEST --submissions 1000   # 1,000 small valid submissions

DEST is an edition folder (for example /tmp/x/inputs/2025): it gets the demo's rapport.yaml and
one folder per department. The text is recombined from the demo edition's own paragraphs, so it
reads like the real thing; titles, key figures and projects are drawn from fixed lists with a
seeded random generator, so the same arguments always write the same bytes.
"""

import argparse
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from schemas import GOALS, slugify

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEMO_EDITION = PROJECT_ROOT / "inputs" / "2025"

# Calibrated on the demo's layout (41 pages): 15 sections per goal gives about 240 pages.
DEFAULT_SECTIONS_PER_GOAL = 15
DEFAULT_SEED = 2030

TOPICS = [
    "Samverkan med civilsamhället",
    "Digitala tjänster för invånarna",
    "Uppföljning och analys",
    "Kompetensutveckling för medarbetarna",
    "Dialog med invånarna",
    "Upphandling med hållbarhetskrav",
    "Tillgänglighet och delaktighet",
    "Förebyggande arbete",
    "Lokala initiativ",
    "Kunskapsunderlag och kartläggning",
    "Pilotprojekt",
    "Samordning inom kommunkoncernen",
    "Information och kommunikation",
    "Barns och ungas perspektiv",
    "Jämställdhetsintegrering",
    "Utbildningsinsatser",
    "Investeringar och underhåll",
    "Regional samverkan",
    "Nätverk och partnerskap",
    "Besöksnäring och evenemang",
    "Föreningsbidrag och stöd",
    "Trygghetsvandringar",
]
PLACES = [
    "i Västervik",
    "i Gamleby",
    "i Ankarsrum",
    "i Överum",
    "i Loftahammar",
    "i Edsbruk",
    "i Totebo",
    "i Almvik",
    "i Helgenäs",
    "i Hjorted",
    "i skärgården",
    "på landsbygden",
    "i tätorterna",
]
SUBHEADINGS = [
    "Resultat under året",
    "Erfarenheter",
    "Fortsatt arbete",
    "Samarbetspartner",
    "Uppföljning",
    "Nästa steg",
]
LIST_ITEMS = [
    "fler deltagare än föregående år",
    "nya samarbeten med föreningar och företag",
    "en gemensam plan för uppföljning",
    "informationsmaterial på lätt svenska och flera andra språk",
    "utbildning för chefer och medarbetare",
    "en kartläggning som blir underlag för nästa års budget",
    "mätbara mål för de kommande tre åren",
]
# (name, unit, start value, yearly change, better direction, source)
INDICATORS = [
    (
        "Andel invånare som är nöjda med verksamheten",
        "%",
        68.0,
        1.2,
        "högre",
        "SCB:s medborgarundersökning",
    ),
    (
        "Antal deltagare i kommunens aktiviteter",
        "antal",
        820.0,
        45.0,
        "högre",
        "Verksamhetsstatistik",
    ),
    ("Energianvändning i kommunens lokaler", "kWh/m²", 182.0, -4.5, "lägre", "Energiuppföljning"),
    ("Andel ekologiska livsmedel", "%", 31.0, 1.8, "högre", "Kolada"),
    ("Utsläpp av växthusgaser från tjänsteresor", "ton CO₂e", 412.0, -18.0, "lägre", "Resebokslut"),
    ("Andel medarbetare med heltidsanställning", "%", 72.0, 2.1, "högre", "Personalsystemet"),
    ("Antal besök på biblioteken", "tusental", 188.0, 6.0, "högre", "Kungliga biblioteket"),
    ("Sjukfrånvaro bland medarbetarna", "%", 8.1, -0.2, "lägre", "Personalsystemet"),
    ("Andel elever som känner sig trygga i skolan", "%", 83.0, 0.7, "högre", "Skolenkäten"),
    ("Hushållsavfall per invånare", "kg/invånare", 455.0, -7.0, "lägre", "Avfall Sverige"),
    ("Antal ärenden hos kundtjänst", "antal", 5400.0, 210.0, "lägre", "Kontaktcenter"),
    (
        "Andel fossilfria fordon i kommunens fordonsflotta",
        "%",
        41.0,
        5.5,
        "högre",
        "Fordonsregistret",
    ),
]
PROJECTS = [
    ("Hållbar skärgård", "EU-projekt", "Region Kalmar län"),
    ("Tryggare tillsammans", "Samverkansprojekt", "Polisen"),
    ("Gröna jobb", "ESF-projekt", "Arbetsförmedlingen"),
    ("Klimatsmart mat", "Utvecklingsprojekt", "Linnéuniversitetet"),
    ("Vatten för framtiden", "Interreg-projekt", "Länsstyrelsen i Kalmar län"),
    ("Unga röster", "Demokratiprojekt", "Studieförbundet Vuxenskolan"),
]
FIRST_NAMES = ["Anna", "Erik", "Maria", "Johan", "Lena", "Per", "Sara", "Mats", "Ingrid", "Ali"]
LAST_NAMES = ["Berg", "Holm", "Nyström", "Ek", "Sjöberg", "Karlsson", "Falk", "Wallin"]
VISION_PHRASES = {
    1: ["lokal samverkan", "nya arbetssätt", "stöd till föreningar", "innovationsprojekt"],
    2: ["bättre kollektivtrafik", "digitala möten", "nya cykelvägar", "regionala nätverk"],
}
SENTENCE = "Arbetet har följts upp under året och redovisats för nämnden."


@dataclass
class Demo:
    """What the generator reuses from the demo edition."""

    paragraphs: list[str]
    departments: dict[str, list[int]]  # id -> goals it covers
    section_ids: dict[int, set[str]] = field(default_factory=dict)  # goal -> ids already taken


def read_demo(edition_dir: Path = DEMO_EDITION) -> Demo:
    config = yaml.safe_load((edition_dir / "rapport.yaml").read_text("utf-8"))
    departments = {d["id"]: [int(g) for g in d.get("mål", [])] for d in config["förvaltningar"]}
    paragraphs: list[str] = []
    section_ids: dict[int, set[str]] = {}
    for path in sorted(edition_dir.glob("*/*")):
        data, text = _read(path)
        if data is None:
            continue
        if data.get("typ", "avsnitt") != "avsnitt":
            continue  # an opening speaks of its goal; it reads oddly anywhere else
        if data.get("rubrik"):
            ids = section_ids.setdefault(int(data["mål"]), set())
            ids.add(str(data.get("id") or slugify(str(data["rubrik"]))))
        paragraphs += [p.strip() for p in text.split("\n\n") if _is_paragraph(p)]
    return Demo(paragraphs, departments, section_ids)


def _read(path: Path) -> tuple[dict | None, str]:
    """Front matter and text of a demo Markdown or YAML file; Word, Excel and the rest are
    copied into the large edition but not mined for paragraphs."""
    if path.suffix not in (".md", ".yaml", ".yml"):
        return None, ""
    text = path.read_text("utf-8")
    if path.suffix == ".md" and text.startswith("---\n"):
        front, _, body = text[4:].partition("\n---\n")
        return yaml.safe_load(front), body
    if path.suffix in (".yaml", ".yml"):
        data = yaml.safe_load(text)
        return data, str(data.get("text", ""))
    return None, ""


def _is_paragraph(text: str) -> bool:
    text = text.strip()
    return len(text) > 120 and not text.startswith(("#", "-", "*", "!", "|"))


def write_large(dest: Path, sections_per_goal: int, seed: int = DEFAULT_SEED) -> int:
    """The demo edition plus ``sections_per_goal`` generated sections in every goal.

    Returns the number of files written besides the demo's."""
    demo = read_demo()
    _copy_demo(dest)
    rng = random.Random(seed)
    written = 0
    for goal in GOALS:
        owners = [d for d, goals in demo.departments.items() if goal.number in goals]
        taken = set(demo.section_ids.get(goal.number, set()))
        generated: list[str] = []  # ids of this goal's generated top-level sections
        for index in range(sections_per_goal):
            department = owners[index % len(owners)]
            title = _unique_title(rng, taken)
            data = _front_matter(rng, department, goal.number, title, order=100 + 10 * index)
            if generated and rng.random() < 0.3:
                data = {**dict(list(data.items())[:3]), "under": rng.choice(generated), **data}
            else:
                generated.append(slugify(title))
            if rng.random() < 0.45:
                data["nyckeltal"] = [_key_figure(rng) for _ in range(rng.choice((1, 1, 2)))]
            if rng.random() < 0.15:
                data["projekt"] = [_project(rng) for _ in range(rng.choice((1, 2)))]
            text = _long_text(rng, demo.paragraphs)
            suffix = ".yaml" if rng.random() < 0.2 else ".md"
            name = f"mal-{goal.number:02d}-{slugify(title)}{suffix}"
            _write_submission(dest / department / name, data, text)
            written += 1
    return written


def write_submissions(dest: Path, count: int, seed: int = DEFAULT_SEED) -> int:
    """``count`` small, valid submissions spread over the departments and all 17 goals."""
    demo = read_demo()
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy2(DEMO_EDITION / "rapport.yaml", dest / "rapport.yaml")
    rng = random.Random(seed)
    departments = sorted(demo.departments)
    taken: dict[int, set[str]] = {}
    for index in range(count):
        goal = index % 17 + 1
        department = departments[index % len(departments)]
        title = _unique_title(rng, taken.setdefault(goal, set()))
        data = _front_matter(rng, department, goal, title, order=10 * (index // 17 + 1))
        if index % 3 == 0:
            data["nyckeltal"] = [_key_figure(rng)]
        text = rng.choice(demo.paragraphs)
        suffix = ".yaml" if index % 5 == 0 else ".md"
        name = f"mal-{goal:02d}-{slugify(title)}{suffix}"
        _write_submission(dest / department / name, data, text)
    return count


def _copy_demo(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for path in sorted(DEMO_EDITION.rglob("*")):
        target = dest / path.relative_to(DEMO_EDITION)
        if path.is_dir():
            target.mkdir(exist_ok=True)
        else:
            shutil.copy2(path, target)


def _unique_title(rng: random.Random, taken: set[str]) -> str:
    for _ in range(50):
        title = f"{rng.choice(TOPICS)} {rng.choice(PLACES)}"
        if slugify(title) not in taken:
            break
    else:
        title = f"{title} {len(taken) + 1}"
    taken.add(slugify(title))
    return title


def _front_matter(rng: random.Random, department: str, goal: int, title: str, order: int) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    data: dict = {"förvaltning": department, "mål": goal, "rubrik": title, "ordning": order}
    if rng.random() < 0.2:
        number = rng.choice((1, 2))
        data["visionsmål"] = [{"nummer": number, "genom": rng.choice(VISION_PHRASES[number])}]
    email = slugify(f"{first}.{last}").replace("-", ".")
    data["kontakt"] = {"namn": f"{first} {last}", "epost": f"{email}@vastervik.se"}
    return data


def _key_figure(rng: random.Random) -> dict:
    name, unit, start, step, better, source = rng.choice(INDICATORS)
    value, values = start * rng.uniform(0.85, 1.15), {}
    for year in range(2021, 2026):
        values[year] = round(value, 1) if unit in ("%", "kWh/m²") else round(value)
        value += step * rng.uniform(-0.5, 1.5)
    figure = {"namn": name, "enhet": unit, "värden": values, "riktning": better, "källa": source}
    if rng.random() < 0.4:
        figure["målvärde"] = round(values[2025] + 4 * step, 1)
    if rng.random() < 0.3:
        figure["kolada"] = f"N{rng.randrange(10000, 99999):05d}"
    return figure


def _project(rng: random.Random) -> dict:
    name, kind, partner = rng.choice(PROJECTS)
    start = rng.randrange(2022, 2026)
    return {
        "namn": name,
        "typ": kind,
        "period": f"{start}–{start + rng.choice((1, 2, 3))}",
        "partner": [partner, "Västerviks kommun"],
        "roll": rng.choice(("Projektägare", "Partner", "Medfinansiär")),
    }


def _long_text(rng: random.Random, paragraphs: list[str]) -> str:
    """Three to six demo paragraphs, sometimes with subheadings and a bullet list."""
    parts = rng.sample(paragraphs, rng.randrange(3, 7))
    if rng.random() < 0.35:
        parts.insert(rng.randrange(1, len(parts)), f"### {rng.choice(SUBHEADINGS)}")
    if rng.random() < 0.25:
        items = rng.sample(LIST_ITEMS, rng.randrange(2, 5))
        parts.insert(len(parts) - 1, "Insatserna under året gav bland annat:")
        parts.insert(len(parts) - 1, "\n".join(f"- {item}" for item in items))
    return "\n\n".join(parts)


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block (``text: |``), the way people write it."""


_Dumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:str", value, style="|" if "\n" in value else None
    ),
)


def _write_submission(path: Path, data: dict, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix != ".md":
        data = {**data, "text": text + "\n"}
    dump = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=1000)
    content = f"---\n{dump}---\n{text}\n" if path.suffix == ".md" else dump
    path.write_text(content, "utf-8")


def main(argv: list[str] | None = None) -> int:
    args = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    args.add_argument("dest", type=Path, help="the edition folder to write (new or empty)")
    args.add_argument("--sections-per-goal", type=int, default=DEFAULT_SECTIONS_PER_GOAL)
    args.add_argument("--submissions", type=int, metavar="N", help="write N small submissions")
    args.add_argument("--seed", type=int, default=DEFAULT_SEED)
    options = args.parse_args(argv)
    dest = options.dest.resolve()
    if dest.is_relative_to(PROJECT_ROOT / "inputs"):
        print(f"refusing to write into the project's inputs: {dest}", file=sys.stderr)
        return 2
    if dest.exists() and any(dest.iterdir()):
        print(f"not empty, refusing to write into it: {dest}", file=sys.stderr)
        return 2
    if options.submissions is not None:
        count = write_submissions(dest, options.submissions, options.seed)
    else:
        count = write_large(dest, options.sections_per_goal, options.seed)
    print(f"{count} generated submissions in {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
