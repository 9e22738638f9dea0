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
