"""Gather: every entry is accounted for, nothing outside the drop folder is read, and the drop
folder is left as it was (real links, pipes and sockets in tmp_path; nothing mocked)."""

import hashlib
import os
import socket
import stat
import time

import pytest

from flows.gather import Disposition, Reason, Settling, gather, read_entry

CANARY = b"hemlig text utanf\xc3\xb6r inl\xc3\xa4mningsmappen"


def drop(folder, name, content=b"x"):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def tree(folder) -> dict[bytes, tuple]:
    """Every entry below ``folder``, by bytes name, with its kind, mode, times and content,
    found without following any link (the tests' own drop folders hold links and pipes)."""
    result = {}

    def walk(path: bytes, relative: bytes) -> None:
        for entry in os.scandir(path):
            name = relative + entry.name
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(info.st_mode):
                content = os.readlink(entry.path)
            elif stat.S_ISREG(info.st_mode):
                with open(entry.path, "rb") as file:
                    content = hashlib.sha256(file.read()).hexdigest()
            else:
                content = None
            result[name] = (info.st_mode, info.st_size, info.st_mtime_ns, info.st_nlink, content)
            if stat.S_ISDIR(info.st_mode):
                walk(entry.path, name + b"/")

    walk(os.fsencode(folder), b"")
    return result


@pytest.fixture
def edition(tmp_path):
    """An edition folder with rapport.yaml and one good file, beside a canary outside it."""
    (tmp_path / "utanfor").mkdir()
    drop(tmp_path, "utanfor/hemlig.md", CANARY)
    folder = tmp_path / "2025"
    drop(folder, "rapport.yaml")
    drop(folder, "klk/bidrag.md", b"hej")
    return folder


def gathered(folder, **options) -> dict:
    """gather() by relative path, checking on the way that the drop folder is unchanged
    and that nothing of the canary was read."""
    before = tree(folder)
    files = gather(folder, **options)
    assert tree(folder) == before
    assert all(CANARY not in f.content for f in files)
    assert hashlib.sha256(CANARY).hexdigest() not in {f.sha256 for f in files}
    assert [f.relative.split("/") for f in files] == sorted(f.relative.split("/") for f in files)
    return {f.relative: f for f in files}


def ignored_because(files: dict, relative: str) -> str:
    dropped = files[relative]
    assert dropped.disposition is Disposition.IGNORED
    assert dropped.content == b"" and dropped.sha256 == ""
    return dropped.reason


def test_files_are_classified_and_hashed(tmp_path):
    drop(tmp_path, "rapport.yaml")
    drop(tmp_path, "klk/bidrag.md", b"hej")
    drop(tmp_path, "klk/bild.png")
    drop(tmp_path, "klk/~$bidrag.docx")
    drop(tmp_path, "klk/.~lock.bidrag.md#")
    drop(tmp_path, "klk/.DS_Store")
    drop(tmp_path, "klk/bilder/karta.png")
    files = gathered(tmp_path)
    assert set(files) == {
        "klk/bidrag.md",
        "klk/bild.png",
        "klk/bilder/karta.png",
        "klk/~$bidrag.docx",
        "klk/.~lock.bidrag.md#",
        "klk/.DS_Store",
    }
    assert files["klk/bidrag.md"].disposition is Disposition.SUBMISSION
    assert files["klk/bidrag.md"].sha256 == hashlib.sha256(b"hej").hexdigest()
    assert files["klk/bidrag.md"].reason is None
    assert files["klk/bild.png"].disposition is Disposition.ASSET
    assert files["klk/bilder/karta.png"].folder == "klk"  # subfolders belong to the department
    for lock in ("klk/~$bidrag.docx", "klk/.~lock.bidrag.md#", "klk/.DS_Store"):
        assert ignored_because(files, lock) == Reason.LOCK


def test_recently_changed_file_is_pending_and_not_read(tmp_path):
    old = drop(tmp_path, "klk/gammal.md")
    drop(tmp_path, "klk/ny.md")
    os.utime(old, (1_000_000, 1_000_000))
    files = gathered(tmp_path, settle_seconds=60)
    assert files["klk/ny.md"].disposition is Disposition.PENDING
    assert files["klk/ny.md"].content == b""
    assert files["klk/gammal.md"].disposition is Disposition.SUBMISSION


def test_symlink_to_a_file_outside_is_not_followed(edition):
    (edition / "klk" / "lank.md").symlink_to(edition.parent / "utanfor" / "hemlig.md")
    files = gathered(edition)
    assert ignored_because(files, "klk/lank.md") == Reason.SYMLINK
    assert files["klk/bidrag.md"].disposition is Disposition.SUBMISSION


def test_dangling_symlink_is_accounted_for(edition):
    (edition / "klk" / "borta.md").symlink_to(edition / "finns-inte.md")
    assert ignored_because(gathered(edition), "klk/borta.md") == Reason.SYMLINK


def test_symlink_loop_is_accounted_for(edition):
    (edition / "klk" / "a.md").symlink_to("b.md")
    (edition / "klk" / "b.md").symlink_to("a.md")
    (edition / "klk" / "sig-själv.md").symlink_to("sig-själv.md")
    files = gathered(edition)
    for name in ("a.md", "b.md", "sig-själv.md"):
        assert ignored_because(files, f"klk/{name}") == Reason.SYMLINK


def test_symlink_to_a_folder_inside_a_department_is_not_walked(edition):
    (edition / "klk" / "mer").symlink_to(edition.parent / "utanfor", target_is_directory=True)
    files = gathered(edition)
    assert ignored_because(files, "klk/mer") == Reason.SYMLINK
    assert not any(name.startswith("klk/mer/") for name in files)


def test_fifo_is_not_opened(edition):
    os.mkfifo(edition / "klk" / "ror.md")
    files = gathered(edition)  # opening a pipe for reading would wait for a writer forever
    assert ignored_because(files, "klk/ror.md") == Reason.FIFO


def test_unix_socket_is_accounted_for(edition):
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(edition / "klk" / "uttag.md"))
        assert ignored_because(gathered(edition), "klk/uttag.md") == Reason.SOCKET
    finally:
        server.close()


def test_hard_link_to_a_file_outside_is_not_read(edition):
    os.link(edition.parent / "utanfor" / "hemlig.md", edition / "klk" / "lank.md")
    assert ignored_because(gathered(edition), "klk/lank.md") == Reason.HARD_LINK


def test_symlinked_department_folder_is_one_ignored_entry(edition):
    (edition / "socialforvaltningen").symlink_to(edition.parent / "utanfor")
    files = gathered(edition)
    assert ignored_because(files, "socialforvaltningen") == Reason.SYMLINKED_FOLDER
    assert files["socialforvaltningen"].folder == "socialforvaltningen"  # on its own receipt
    assert not any(name.startswith("socialforvaltningen/") for name in files)


def test_file_directly_in_the_edition_folder_is_accounted_for(edition):
    drop(edition, "bidrag.md", b"fel plats")
    files = gathered(edition)
    assert "rapport.yaml" not in files
    assert ignored_because(files, "bidrag.md") == Reason.AT_EDITION_LEVEL
    assert files["bidrag.md"].folder == ""


def test_name_that_is_not_utf8_is_ignored_with_a_printable_name(edition):
    for name in (b"klk/bidr\xe4g.md", b"kult\xf6r/bidrag.md"):
        path = os.path.join(os.fsencode(edition), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(handle, b"---\nmal: 1\n---\n")
        os.close(handle)
    files = gathered(edition)
    assert ignored_because(files, "klk/bidr\ufffdg.md") == Reason.FILE_NAME
    assert ignored_because(files, "kult\ufffdr/bidrag.md") == Reason.FOLDER_NAME
    assert files["kult\ufffdr/bidrag.md"].folder == "kult\ufffdr"
    for dropped in files.values():
        (dropped.relative + dropped.folder).encode("utf-8")  # no lone surrogate anywhere


@pytest.mark.parametrize("settle", [0, 60])
def test_file_dated_in_the_future_is_read_not_pending(edition, settle):
    future = drop(edition, "klk/framtid.md", b"text")
    ahead = time.time() + 86_400
    os.utime(future, (ahead, ahead))
    files = gathered(edition, settle_seconds=settle)
    assert files["klk/framtid.md"].disposition is Disposition.SUBMISSION
    assert files["klk/framtid.md"].content == b"text"


def test_file_a_few_seconds_ahead_may_still_be_copied(edition):
    # A share whose clock runs ahead stamps a copy in progress a little in the future.
    ahead = time.time() + 5
    os.utime(edition / "klk" / "bidrag.md", (ahead, ahead))
    files = gathered(edition, settle_seconds=60)
    assert files["klk/bidrag.md"].disposition is Disposition.PENDING


def listed(folder):
    """The open folder and its entries, as gather lists them before it reads them."""
    handle = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    with os.scandir(handle) as listing:
        return handle, {entry.name: entry for entry in listing}


def test_file_that_vanishes_between_listing_and_reading(edition):
    drop(edition, "klk/~$bidrag.docx", b"lock")
    handle, entries = listed(edition / "klk")
    try:
        (edition / "klk" / "bidrag.md").unlink()
        (edition / "klk" / "~$bidrag.docx").unlink()
        settling = Settling(0, time.time())
        vanished = read_entry(entries["bidrag.md"], handle, ("klk", "bidrag.md"), settling)
        lock = read_entry(entries["~$bidrag.docx"], handle, ("klk", "~$bidrag.docx"), settling)
    finally:
        os.close(handle)
    assert vanished.disposition is Disposition.IGNORED and vanished.reason == Reason.VANISHED
    assert vanished.relative == "klk/bidrag.md" and vanished.folder == "klk"
    assert lock.disposition is Disposition.IGNORED and lock.reason == Reason.LOCK


def test_file_replaced_by_a_link_between_listing_and_reading_is_not_followed(edition):
    path = edition / "klk" / "bidrag.md"
    handle, entries = listed(edition / "klk")
    try:
        entries["bidrag.md"].stat(follow_symlinks=False)  # listed as a plain file
        path.unlink()
        path.symlink_to(edition.parent / "utanfor" / "hemlig.md")
        dropped = read_entry(entries["bidrag.md"], handle, ("klk", "bidrag.md"), Settling(0, 0))
    finally:
        os.close(handle)
    assert dropped.disposition is Disposition.IGNORED and dropped.reason == Reason.VANISHED
    assert dropped.content == b""


def test_file_replaced_by_a_pipe_between_listing_and_reading_is_not_read(edition):
    path = edition / "klk" / "bidrag.md"
    handle, entries = listed(edition / "klk")
    try:
        entries["bidrag.md"].stat(follow_symlinks=False)
        path.unlink()
        os.mkfifo(path)
        dropped = read_entry(entries["bidrag.md"], handle, ("klk", "bidrag.md"), Settling(0, 0))
    finally:
        os.close(handle)
    assert dropped.disposition is Disposition.IGNORED and dropped.reason == Reason.VANISHED


def test_every_kind_at_once_each_accounted_for_once(edition):
    outside = edition.parent / "utanfor"
    (edition / "klk" / "lank.md").symlink_to(outside / "hemlig.md")
    (edition / "klk" / "borta.md").symlink_to("finns-inte.md")
    os.mkfifo(edition / "klk" / "ror.md")
    os.link(outside / "hemlig.md", edition / "klk" / "hard.md")
    (edition / "samhallsbyggnad").symlink_to(outside)
    drop(edition, "lös.md")
    drop(edition, "kultur-fritid/bidrag.md")
    files = gathered(edition)
    assert set(files) == {
        "klk/bidrag.md",
        "klk/borta.md",
        "klk/hard.md",
        "klk/lank.md",
        "klk/ror.md",
        "kultur-fritid/bidrag.md",
        "lös.md",
        "samhallsbyggnad",
    }
