"""Gather: every dropped file is accounted for, lock and temporary files are ignored."""

import hashlib
import os

from flows.gather import Disposition, gather


def drop(folder, name, content=b"x"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_files_are_classified_and_hashed(tmp_path):
    drop(tmp_path, "rapport.yaml")
    drop(tmp_path, "klk/bidrag.md", b"hej")
    drop(tmp_path, "klk/bild.png")
    drop(tmp_path, "klk/~$bidrag.docx")
    drop(tmp_path, "klk/.~lock.bidrag.md#")
    drop(tmp_path, "klk/.DS_Store")
    files = {f.relative: f for f in gather(tmp_path)}
    assert set(files) == {
        "klk/bidrag.md",
        "klk/bild.png",
        "klk/~$bidrag.docx",
        "klk/.~lock.bidrag.md#",
        "klk/.DS_Store",
    }
    assert files["klk/bidrag.md"].disposition is Disposition.SUBMISSION
    assert files["klk/bidrag.md"].sha256 == hashlib.sha256(b"hej").hexdigest()
    assert files["klk/bild.png"].disposition is Disposition.ASSET
    assert files["klk/~$bidrag.docx"].disposition is Disposition.IGNORED
    assert files["klk/.DS_Store"].disposition is Disposition.IGNORED


def test_recently_changed_file_is_pending_and_not_read(tmp_path):
    old = drop(tmp_path, "klk/gammal.md")
    drop(tmp_path, "klk/ny.md")
    os.utime(old, (1_000_000, 1_000_000))
    files = {f.relative: f for f in gather(tmp_path, settle_seconds=60)}
    assert files["klk/ny.md"].disposition is Disposition.PENDING
    assert files["klk/ny.md"].content == b""
    assert files["klk/gammal.md"].disposition is Disposition.SUBMISSION
