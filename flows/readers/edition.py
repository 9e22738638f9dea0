"""Read the edition config, inputs/<year>/rapport.yaml."""

import logging
import os
from pathlib import Path

from pydantic import ValidationError

from flows.readers.problems import problems_from
from flows.readers.raw import RawSubmission, ReadError, decode
from flows.readers.text import load_yaml_mapping
from schemas import Edition, Problem
from schemas.messages import PROJECT_MESSAGES

logger = logging.getLogger(__name__)


class EditionError(Exception):
    """The edition config is missing or wrong: nothing can be built."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self):
        # Rebuilt from its problems when it crosses a process boundary (Dask workers).
        return (EditionError, (self.problems,))


def load_edition(config: Path) -> Edition:
    return read_edition(config)[0]


def read_edition(config: Path) -> tuple[Edition, bytes]:
    """The edition config and the bytes it was read from (read once: the manifest hashes them).

    Whatever is wrong with the file, the owner gets a located Swedish EditionError, never a
    traceback; an error in our own code says so, and is logged for the maintainer."""
    name = f"{config.parent.name}/{config.name}"

    def problem(code: str, message: str, **where) -> EditionError:
        return EditionError([Problem(file=name, code=code, message=message, **where)])

    if config.is_symlink() or not config.is_file():
        raise problem("missing_edition", "filen saknas; varje utgåva behöver en rapport.yaml")
    try:
        content = _read_no_link(config)
    except OSError as error:
        raise problem("unreadable", f"filen kunde inte läsas ({error.strerror})") from None
    try:
        data, key_lines = load_yaml_mapping(decode(content), first_line=1)
    except ReadError as error:
        raise problem(
            error.code, error.message, line=error.line, column=error.column, place=error.place
        ) from None
    except (RecursionError, MemoryError):
        raise problem("edition_too_deep", PROJECT_MESSAGES["edition_too_deep"]) from None
    try:
        return Edition.model_validate(data), content
    except ValidationError as error:
        raw = RawSubmission(data, key_lines)
        raise EditionError(problems_from(error, raw, name, model=Edition)) from None
    except Exception:  # noqa: BLE001  (our fault, not the owner's: said so, and logged)
        logger.exception("internal error while reading %s", config)
        raise problem("internal_error", PROJECT_MESSAGES["internal_error"]) from None


def _read_no_link(path: Path) -> bytes:
    """The file's bytes, refusing a link even if one replaced the file since it was checked."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(descriptor, "rb") as file:
        return file.read()
