"""The typesetting workers never outlive the process that started them."""

import subprocess
import sys
import time

PARENT = """
import os, signal
from flows.typesetting.workers import PartRenderer

if __name__ == "__main__":
    renderer = PartRenderer(workers=2).start()
    for future in [renderer._ensure_pool().submit(os.getpid) for _ in range(4)]:
        future.result(timeout=120)  # both workers up
    print(" ".join(str(pid) for pid in renderer._pool._processes), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no atexit, no pool shutdown: as a killed Dask worker
"""


def test_workers_end_when_their_parent_is_killed(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=180
    )
    workers = [int(pid) for pid in done.stdout.split()]
    assert len(workers) == 2, done.stdout + done.stderr
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
