"""Where things are. One place for paths, so nothing relies on the working directory."""

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = PROJECT_ROOT / "templates"

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
