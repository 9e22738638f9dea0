"""The demo edition and the files the tests drop into it: constants and plain helpers shared by
conftest.py and the test modules (fixtures stay in conftest.py)."""

import datetime as dt
import shutil
from pathlib import Path

from flows.settings import PROJECT_ROOT

DEMO_YEAR = 2025
# Status pages count days to the deadline from here, so tests do not depend on the clock.
TODAY = dt.date(2026, 2, 1)
DEMO_INPUTS = PROJECT_ROOT / "inputs"

BROKEN_FILE = """---
förvaltning: kultur-och-fritid
mål: 18
rubrik: Ett trasigt bidrag
---
Den här filen har ett mål som inte finns.
"""


# The data folders stay at the top of tests/ (README names tests/bad_inputs/).
TESTS_DIR = Path(__file__).resolve().parent.parent
BAD_INPUTS = TESTS_DIR / "bad_inputs"
BAD_INPUTS_FOLDER = "kultur-och-fritid"


def drop_bad_inputs(folder: Path) -> list[str]:
    """Copy the bad-input corpus (and the image one of them uses) into a department folder."""
    names = []
    for path in sorted(BAD_INPUTS.iterdir()):
        if path.name != "expected.yaml":
            shutil.copy2(path, folder / path.name)
            names.append(path.name)
    return names


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every file and folder below ``folder`` with its bytes' hash, size, mtime and mode."""
    import hashlib

    result = {}
    for path in sorted(folder.rglob("*")):
        stat = path.stat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
        result[path.relative_to(folder).as_posix()] = (
            digest,
            stat.st_size,
            stat.st_mtime_ns,
            stat.st_mode,
        )
    return result


# The seed's vision sentences for goal 17, word for word (test_merge, test_end_to_end).
SEED_VISION_SENTENCES = [
    "Visionsmål 1 Samverkan och innovation – för en tryggad välfärd, främjas av Västerviks "
    "kommuns medlemskap i Sveriges Ekokommuner.",
    "Visionsmål 2 Kommunikationer – Närmare varandra och omvärlden, främjas av vänortsbesök, "
    "skolutbyten och internationella projekt.",
]
