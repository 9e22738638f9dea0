"""The drop-folder watcher: a draft build once dropped files have settled, one at a time."""

from flows.orchestration.watch import DropFolderWatcher


def test_the_watcher_waits_for_still_files_and_for_the_running_build(tmp_path):
    now = [0.0]
    asked: list[int] = []
    busy = {2025: False}
    edition = tmp_path / "2025"
    (edition / "kultur").mkdir(parents=True)
    (edition / "rapport.yaml").write_text("år: 2025\n")
    watcher = DropFolderWatcher(
        tmp_path, asked.append, lambda year: busy[year], stable_seconds=10, clock=lambda: now[0]
    )

    def poll(at: float) -> list[int]:
        now[0] = at
        return watcher.poll()

    assert poll(0) == []  # what is there at the start counts as built
    (edition / "kultur" / "bidrag.md").write_text("ett")
    assert poll(1) == []  # just changed
    (edition / "kultur" / "~$bidrag.docx").write_text("lås")  # lock files do not count
    assert poll(5) == []  # still for 4 s
    assert poll(11.5) == [2025]  # still for 10.5 s: one draft build
    assert poll(30) == []  # nothing new
    (edition / "kultur" / "bidrag.md").write_text("ett, två")
    busy[2025] = True
    assert poll(31) == [] and poll(50) == []  # settled, but the last build still runs
    busy[2025] = False
    assert poll(51) == [2025] and asked == [2025, 2025]


def test_a_build_that_left_files_pending_gets_one_more_build(tmp_path):
    now = [0.0]
    asked: list[int] = []
    pending = {2025: False}
    edition = tmp_path / "2025"
    (edition / "kultur").mkdir(parents=True)
    (edition / "rapport.yaml").write_text("år: 2025\n")
    watcher = DropFolderWatcher(
        tmp_path,
        asked.append,
        has_pending=lambda year: pending[year],
        stable_seconds=10,
        clock=lambda: now[0],
    )

    def poll(at: float) -> list[int]:
        now[0] = at
        return watcher.poll()

    poll(0)
    (edition / "kultur" / "bidrag.md").write_text("ett")
    assert poll(1) == [] and poll(12) == [2025]
    pending[2025] = True  # the build found the file still being written
    assert poll(13) == [2025]  # the same files once more
    assert poll(30) == [] and poll(60) == []  # only once for the same files


def test_the_watchers_draft_never_calls_its_own_trigger_pending():
    from flows.orchestration.serve import DraftTrigger

    assert DraftTrigger(settle_seconds=60, stable_seconds=2).settle_seconds == 2
    assert DraftTrigger(settle_seconds=5, stable_seconds=120).settle_seconds == 5


def test_the_watcher_looks_again_when_the_files_will_have_settled_not_a_poll_later(tmp_path):
    now = [0.0]
    edition = tmp_path / "2025"
    (edition / "kultur").mkdir(parents=True)
    (edition / "rapport.yaml").write_text("år: 2025\n")
    busy = {2025: False}
    watcher = DropFolderWatcher(
        tmp_path,
        lambda year: None,
        lambda year: busy[year],
        stable_seconds=2,
        poll_seconds=5,
        clock=lambda: now[0],
    )
    watcher.poll()
    assert watcher.next_look_in() == 5  # nothing changed: the poll interval
    (edition / "kultur" / "bidrag.md").write_text("ett")
    now[0] = 1.0
    watcher.poll()  # seen at 1 s: still from then, settled at 3 s
    now[0] = 1.5
    assert abs(watcher.next_look_in() - 1.51) < 1e-3  # (the file's own time: a hair earlier)
    busy[2025] = True
    now[0] = 3.1
    assert watcher.poll() == []  # settled, but a build of it runs
    assert watcher.next_look_in() == 5  # the moment has passed: no busy loop


def test_files_are_still_from_the_moment_they_were_written_not_from_the_next_look(tmp_path):
    import os

    now = [100.0]
    wall = [1_000_000.0]
    asked: list[int] = []
    edition = tmp_path / "2025"
    (edition / "kultur").mkdir(parents=True)
    (edition / "rapport.yaml").write_text("år: 2025\n")
    watcher = DropFolderWatcher(
        tmp_path,
        asked.append,
        stable_seconds=2,
        poll_seconds=5,
        clock=lambda: now[0],
        wall_clock=lambda: wall[0],
    )

    def write(name: str, seconds_after_look: float) -> None:
        path = edition / "kultur" / name
        path.write_text(name)
        os.utime(path, ns=(0, int((wall[0] + seconds_after_look) * 1e9)))

    def look(after: float) -> list[int]:
        now[0] += after
        wall[0] += after
        return watcher.poll()

    watcher.poll()
    write("ett.md", 1)  # written 1 s after that look, seen 1.5 s after it
    assert look(1.5) == []
    assert abs(watcher.next_look_in() - 1.51) < 1e-9  # still since it was written: 1.5 s left
    assert look(1.51) == [2025]
    write("tva.md", 0.5)  # written, then seen 3 s later: settled already, built at once
    assert look(3) == [2025]
    # A copy that kept an old modification time is still only from when it was seen.
    write("gammal.md", -3600)
    assert look(3) == [] and watcher.next_look_in() == 2.01
    assert asked == [2025, 2025]
