"""Publishing (issues 5 and the one-build-together issue): a build's files replace the year
folder in one step, an earlier PDF is kept, and what a killed build left is tidied. Real files
and folders, no Prefect."""

import hashlib
import os

import pytest

from flows import publish as publishing
from flows.publish import edition_lock, lock_file, publish, ready_folder, write_atomically


def tree(folder):
    """{relative path: bytes} of every file below ``folder``."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def beside(out):
    """The names beside the year folder, the year folder itself left out."""
    return sorted(p.name for p in out.parent.iterdir() if p != out)


def test_the_first_publish_makes_the_year_folder_with_nothing_beside(tmp_path):
    out = tmp_path / "2025"
    publish(out, {"rapport.pdf": b"ett", "validering/index.html": b"<p>"}, ["rapport.pdf"])
    assert tree(out) == {"rapport.pdf": b"ett", "validering/index.html": b"<p>"}
    assert beside(out) == []
    assert oct(out.stat().st_mode & 0o777) == "0o755"


def test_a_publish_replaces_what_it_writes_and_keeps_the_rest_as_it_was(tmp_path):
    out = tmp_path / "2025"
    publish(
        out,
        {"utkast.pdf": b"utkast", "validering.json": b"{1}", "validering/a.html": b"a"},
        ["utkast.pdf"],
    )
    publish(out, {"rapport.pdf": b"ett"}, ["rapport.pdf"])
    draft_inode = (out / "utkast.pdf").stat().st_ino
    publish(
        out, {"rapport.pdf": "två".encode(), "validering.json": b"{2}", "validering/b.html": b"b"}
    )
    # validering/ comes whole from the new build: a.html of a department gone is gone.
    assert tree(out) == {
        "utkast.pdf": b"utkast",
        "rapport.pdf": "två".encode(),
        "validering.json": b"{2}",
        "validering/b.html": b"b",
    }
    assert (out / "utkast.pdf").stat().st_ino == draft_inode  # linked, not copied
    assert beside(out) == []


def test_an_earlier_pdf_is_kept_before_it_is_replaced(tmp_path):
    out = tmp_path / "2025"
    publish(out, {"rapport.pdf": b"first"}, ["rapport.pdf"])
    publish(out, {"rapport.pdf": b"first"}, ["rapport.pdf"])  # same bytes: nothing to keep
    assert tree(out) == {"rapport.pdf": b"first"}
    publish(out, {"rapport.pdf": b"second"}, ["rapport.pdf", "rapport-arkiv.pdf"])
    kept = f"arkiv/{hashlib.sha256(b'first').hexdigest()[:12]}/rapport.pdf"
    assert tree(out) == {"rapport.pdf": b"second", kept: b"first"}


def test_an_archive_copy_not_made_again_moves_to_the_archive_folder(tmp_path):
    out = tmp_path / "2025"
    names = ["rapport.pdf", "rapport-arkiv.pdf"]
    publish(out, {"rapport.pdf": b"ett", "rapport-arkiv.pdf": b"ett/A"}, names)
    publish(out, {"rapport.pdf": b"ett"}, names)
    kept = f"arkiv/{hashlib.sha256(b'ett/A').hexdigest()[:12]}/rapport-arkiv.pdf"
    assert tree(out) == {"rapport.pdf": b"ett", kept: b"ett/A"}


def test_a_failed_publish_leaves_the_folder_as_it_was_and_nothing_beside(tmp_path, monkeypatch):
    out = tmp_path / "2025"
    publish(out, {"rapport.pdf": b"ett", "manifest.json": b"{1}"}, ["rapport.pdf"])

    def full_disk(*args):
        raise OSError("disken är full")

    monkeypatch.setattr(publishing, "_write_new", full_disk)
    with pytest.raises(OSError):
        publish(out, {"rapport.pdf": "två".encode(), "manifest.json": b"{2}"}, ["rapport.pdf"])
    assert tree(out) == {"rapport.pdf": b"ett", "manifest.json": b"{1}"}
    assert beside(out) == []


def test_without_exchange_two_renames_do_it(tmp_path, monkeypatch):
    monkeypatch.setattr(publishing, "exchange", lambda first, second: False)
    out = tmp_path / "2025"
    publish(out, {"rapport.pdf": b"ett"})
    publish(out, {"rapport.pdf": "två".encode()})
    assert tree(out) == {"rapport.pdf": "två".encode()} and beside(out) == []


@pytest.mark.parametrize("renames_before_the_kill", [1, 2])
def test_a_swap_killed_between_its_renames_is_finished_by_the_next_lock_holder(
    tmp_path, monkeypatch, renames_before_the_kill
):
    """Without exchange, the new folder is first marked complete (renamed to .2025.klar), then
    the old one moved away, then the new one moved in. Killed after the first or the second
    rename, the next build's `recover` finishes the swap: the complete new folder wins."""
    out = tmp_path / "2025"
    publish(out, {"rapport.pdf": b"ett", "manifest.json": b"{1}"})
    monkeypatch.setattr(publishing, "exchange", lambda first, second: False)
    rename, done = os.rename, []

    def killed(source, target):
        if len(done) == renames_before_the_kill:
            raise KeyboardInterrupt  # as good as SIGKILL here: nothing after it runs
        done.append(target)
        rename(source, target)

    monkeypatch.setattr(os, "rename", killed)
    with pytest.raises(KeyboardInterrupt):
        publish(out, {"rapport.pdf": "två".encode(), "manifest.json": b"{2}"})
    monkeypatch.setattr(os, "rename", rename)
    assert ready_folder(out).is_dir()
    assert out.is_dir() == (renames_before_the_kill == 1)
    with edition_lock(out):
        pass
    assert tree(out) == {"rapport.pdf": "två".encode(), "manifest.json": b"{2}"}
    assert beside(out) == [lock_file(out).name]


def test_the_next_lock_holder_removes_a_killed_builds_staging_and_temporary_files(tmp_path):
    out = tmp_path / "2025"
    publish(out, {"rapport.pdf": b"ett"})
    staging = tmp_path / ".2025.neu-x1y2"  # a build killed while it made the new folder
    (staging / "validering").mkdir(parents=True)
    (staging / "validering" / "a.html").write_bytes(b"halv")
    (out / ".status.html.abc.tmp").write_bytes(b"halv")  # write_atomically killed
    (out / ".bygge.lock").write_bytes(b"")  # the lock of an earlier version, inside the folder
    with edition_lock(out):
        assert not staging.exists() and tree(out) == {"rapport.pdf": b"ett", ".bygge.lock": b""}
        publish(out, {"validering.json": b"{}"})
    assert tree(out) == {"rapport.pdf": b"ett", "validering.json": b"{}"}
    assert beside(out) == [lock_file(out).name]


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "fil.json"
    write_atomically(path, b"gammal")

    def broken_replace(*args):
        raise OSError("disken är full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(path, b"ny")
    assert path.read_bytes() == b"gammal"
    assert [p.name for p in tmp_path.iterdir()] == ["fil.json"]
