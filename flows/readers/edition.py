"""Read the edition config, inputs/<year>/rapport.yaml."""

from pathlib import Path

from pydantic import ValidationError

from flows.readers.problems import problems_from
from flows.readers.raw import RawSubmission, ReadError, decode
from flows.readers.text import load_yaml_mapping
from schemas import Edition, Problem


class EditionError(Exception):
    """The edition config is missing or wrong: nothing can be built."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def __reduce__(self):
        # Rebuilt from its problems when it crosses a process boundary (Dask workers).
        return (EditionError, (self.problems,))


def load_edition(config: Path) -> Edition:
    name = f"{config.parent.name}/{config.name}"
    if not config.is_file():
        raise EditionError(
            [
                Problem(
                    file=name,
                    code="missing_edition",
                    message="filen saknas; varje utgåva behöver en rapport.yaml",
                )
            ]
        )
    try:
        data, key_lines = load_yaml_mapping(decode(config.read_bytes()), first_line=1)
    except ReadError as error:
        raise EditionError(
            [
                Problem(
                    file=name,
                    code=error.code,
                    message=error.message,
                    line=error.line,
                    column=error.column,
                )
            ]
        ) from None
    try:
        return Edition.model_validate(data)
    except ValidationError as error:
        raw = RawSubmission(data, key_lines)
        raise EditionError(problems_from(error, raw, name, model=Edition)) from None
