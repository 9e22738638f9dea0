"""Where things are. One place for paths, so nothing relies on the working directory."""

from dataclasses import dataclass
from importlib.metadata import version
from importlib.resources import files
from pathlib import Path

DISTRIBUTION = "agenda2030-rapport"


def _templates_dir() -> Path:
    """The installed templates: the repository's templates/ folder, shipped as the package
    ``flows.templates`` (see pyproject.toml). A wheel installs it as plain files and the editable
    install maps it to the checkout's folder, so the resource is a real folder on disk in both;
    Jinja, WeasyPrint and the allowed-files check need one, a temporary copy (``as_file``) would
    not do."""
    folder = files("flows.templates")
    if not isinstance(folder, Path) or not (folder / "report.html").is_file():
        raise RuntimeError(f"the report templates are not installed as files: {folder!r}")
    return folder


TEMPLATES_DIR = _templates_dir()

# The checkout holding this code. Only meaningful when running from the repository (tests, bench,
# the demo inputs/): an installed package has no project root, and flows code must not use it.
PROJECT_ROOT = Path(__file__).resolve().parents[1]


def installed_version() -> str:
    """The version of the installed distribution, as ``agenda2030 --version`` prints it."""
    return version(DISTRIBUTION)


# A file changed more recently than this may still be being copied into the drop folder.
DEFAULT_SETTLE_SECONDS = 60.0


@dataclass(frozen=True)
class Paths:
    """The folders of one build: ``inputs`` and ``outputs`` hold one folder per year."""

    inputs: Path
    outputs: Path
    year: int

    @property
    def edition_dir(self) -> Path:
        return self.inputs / str(self.year)

    @property
    def output_dir(self) -> Path:
        return self.outputs / str(self.year)

    @property
    def parts_cache(self) -> Path:
        """Typeset parts (flows/part_cache.py), shared by the editions beside it."""
        return (self.outputs / ".parts-cache").resolve()

    @property
    def edition_config(self) -> Path:
        return self.edition_dir / "rapport.yaml"
