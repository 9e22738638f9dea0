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
    """Every entry below ``folder`` with its bytes' hash (or a link's target), size, mtime and
    mode, found without following any link: links, FIFOs and sockets are entries too."""
    import hashlib
    import os
    import stat as kinds

    result = {}
    for root, folders, files in os.walk(folder):  # os.walk never follows links by default
        for name in sorted(folders + files):
            path = Path(root) / name
            stat = path.lstat()
            if kinds.S_ISLNK(stat.st_mode):
                digest = "link:" + os.readlink(path)
            elif kinds.S_ISREG(stat.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = "dir" if kinds.S_ISDIR(stat.st_mode) else "special"
            result[path.relative_to(folder).as_posix()] = (
                digest,
                stat.st_size,
                stat.st_mtime_ns,
                stat.st_mode,
            )
    return dict(sorted(result.items()))


# The seed's vision sentences for goal 17, word for word (test_merge, test_end_to_end).
SEED_VISION_SENTENCES = [
    "Visionsmål 1 Samverkan och innovation – för en tryggad välfärd, främjas av Västerviks "
    "kommuns medlemskap i Sveriges Ekokommuner.",
    "Visionsmål 2 Kommunikationer – Närmare varandra och omvärlden, främjas av vänortsbesök, "
    "skolutbyten och internationella projekt.",
]


def shared_corpus() -> Path:
    """The founders' shared corpus of real files, read in place, never copied: beside the
    checkout (../shared), or where AGENDA2030_SHARED says, or at the machine's /work/shared
    (a clean clone elsewhere on this machine, as CI makes)."""
    import os

    candidates = [
        os.environ.get("AGENDA2030_SHARED"),
        TESTS_DIR.parent.parent / "shared",
        "/work/shared",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "corpus").is_dir():
            return Path(candidate) / "corpus"
    raise FileNotFoundError("the shared corpus is not found: set AGENDA2030_SHARED to its folder")


def build_with(root: Path, files: dict[str, str | bytes]):
    """The real flow run once on a copy of the demo edition under ``root``, with ``files``
    (edition path: text or bytes) dropped in. Returns the BuildResult and the receipt's
    entries by file. Needs the session's Prefect harness."""
    import json

    from flows.orchestration.build import build_report

    edition = root / "inputs" / str(DEMO_YEAR)
    shutil.copytree(DEMO_INPUTS / str(DEMO_YEAR), edition)
    for name, content in files.items():
        path = edition / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = build_report(
        year=DEMO_YEAR,
        inputs=root / "inputs",
        outputs=root / "outputs",
        settle_seconds=0,
        today=TODAY,
    )
    receipt = json.loads((root / "outputs" / str(DEMO_YEAR) / "validering.json").read_text())
    return result, {entry["fil"]: entry for entry in receipt["filer"]}
