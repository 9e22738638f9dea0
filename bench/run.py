"""Measure the build against a bare WeasyPrint render of the same HTML (issue 8).

    python bench/run.py              # demo and large edition, median of 3 runs (~20 minutes)
    python bench/run.py --quick      # 1 run, a ~105-page 'large' edition: a smoke check (~5 min)

Writes outputs/bench/results.json (--quick: results-quick.json) and prints a table. Every build
runs on a copy in a temporary folder; nothing under inputs/ or outputs/<year>/ is touched.
Benchmarks are not tests: nothing here asserts a time. bench/README.md says what each number means.
"""

import argparse
import ctypes.util
import datetime as dt
import json
import os
import platform
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

import generate
from breakdown import breakdown, read

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEMO_EDITION = PROJECT_ROOT / "inputs" / "2025"
YEAR = 2025
RESULTS = PROJECT_ROOT / "outputs" / "bench" / "results.json"
QUICK_RESULTS = RESULTS.with_name("results-quick.json")  # a smoke check never replaces results
_HERE = Path(sys.executable).parent
BIN = _HERE if (_HERE / "agenda2030").exists() else PROJECT_ROOT / ".venv" / "bin"
MEASURES = ("reference", "build_first", "build_cold", "build_served", "incremental")
BUILDS = MEASURES[1:]  # the measures that run `agenda2030 build` (and have a timeline)
CACHES = (".parts-cache", ".prefect-cache")  # under an outputs folder: what a build reuses

# The targets, for the table and the JSON. Nothing checks them.
TARGETS = {
    "demo": {"ratio_served": 1.0, "ratio_cold": 1.6, "ratio_incremental": 0.35, "watch_s": 1.5},
    "large": {"ratio_served": 0.8, "peak_rss_mb": 400},
}

# A cold process that imports WeasyPrint and renders: the floor the pipeline is compared with.
# The HTML links its stylesheet and carries its @font-face rules, so WeasyPrint loads exactly
# what the pipeline loaded.
REFERENCE_SCRIPT = """
import sys
import weasyprint
html, base_url, pdf = sys.argv[1:4]
weasyprint.HTML(filename=html, base_url=base_url).write_pdf(pdf, pdf_variant="pdf/ua-1")
"""


class BenchError(Exception):
    """A measured command failed: its numbers would mean nothing."""


@dataclass
class Run:
    seconds: float  # wall time
    cpu_s: float  # user + system of the command and its reaped descendants (+ server's share)
    other_cpu_s: float  # CPU time the rest of the machine used meanwhile: contention
    max_rss_mb: float  # ru_maxrss (KiB on Linux) from wait4: the largest single process of the
    #                    command and its reaped descendants
    tree_rss_mb: float  # sampled every 50 ms: the sum over the command and all its descendants
    stages: dict[str, float] = field(default_factory=dict)  # the build's manifest timings
    waited_s: float = 0.0  # waited for the machine to be quiet before starting
    split: dict = field(default_factory=dict)  # typesetting_s, overhead_s and its breakdown


@dataclass
class Edition:
    name: str
    inputs: Path  # holds <YEAR>/
    outputs: Path
    logs: Path
    published: dict = field(default_factory=dict)  # the first cold build's manifest

    @property
    def folder(self) -> Path:
        return self.inputs / str(YEAR)

    @property
    def html(self) -> Path:
        return self.outputs / str(YEAR) / f"agenda2030-{YEAR}.html"

    @property
    def manifest(self) -> dict:
        return json.loads((self.outputs / str(YEAR) / "manifest.json").read_text("utf-8"))


# --- what the machine is doing ------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _process_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (parent pid, resident pages, CPU ticks incl. reaped children), from /proc."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                fields = file.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        ticks = sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
        table[int(entry)] = (int(fields[1]), int(fields[21]), ticks)
    return table


def _tree(table: dict[int, tuple[int, int, int]], root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        if pid in table:
            found.append(pid)
            stack += children.get(pid, [])
    return found


def tree_cpu_s(root: int) -> float:
    table = _process_table()
    return sum(table[pid][2] for pid in _tree(table, root)) / TICK


def machine_busy_s() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    with open("/proc/stat") as file:
        values = [int(v) for v in file.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


MAX_WAIT_S = 30.0  # set by --max-wait


def wait_until_quiet(threshold: float = 0.3, window: float = 2.0) -> float:
    """Wait (at most MAX_WAIT_S) until the rest of the machine uses less than ``threshold`` of
    a core, so another job (a test run, say) does not share the 2 cores with a measurement.
    Returns the seconds waited."""
    started = time.perf_counter()
    while True:
        before = machine_busy_s()
        time.sleep(window)
        if (machine_busy_s() - before) / window < threshold:
            break
        if time.perf_counter() - started > MAX_WAIT_S:
            break
    return time.perf_counter() - started - window


class TreeSampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants (Prefect's embedded server is
    a child process, which ru_maxrss would report only as a maximum, never as a sum)."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_bytes = 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            table = _process_table()
            resident = sum(table[pid][1] for pid in _tree(table, self.pid))
            self.peak_bytes = max(self.peak_bytes, resident * PAGE)
            self._done.wait(self.interval)

    def stop(self) -> float:
        self._done.set()
        self.join()
        return self.peak_bytes / 2**20


# --- measuring one command ----------------------------------------------------------------


def measure(
    command: list[str],
    env: dict[str, str],
    log: Path,
    cwd: Path,
    server: "PrefectServer | None" = None,
) -> Run:
    """Run ``command`` to its end: wall and CPU time, its peak RSS (wait4) and its tree's.

    With ``server``, the CPU the server spent meanwhile counts as the command's."""
    log.parent.mkdir(parents=True, exist_ok=True)
    timeline = log.with_suffix(".timeline.jsonl")  # flows/timeline.py writes the build's spans
    timeline.unlink(missing_ok=True)
    env = {**env, "AGENDA2030_TIMELINE": str(timeline)}
    waited = wait_until_quiet() if MAX_WAIT_S > 0 else 0.0
    busy, own = machine_busy_s(), resource.getrusage(resource.RUSAGE_SELF)
    served = server.cpu_s() if server else 0.0
    with log.open("wb") as out:
        started_at = time.time()
        start = time.perf_counter()
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        sampler = TreeSampler(process.pid)
        sampler.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            seconds = time.perf_counter() - start
            tree_mb = sampler.stop()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    if process.returncode != 0:
        tail = log.read_text("utf-8", errors="replace")[-3000:]
        raise BenchError(f"{' '.join(command[:3])} … exited {process.returncode}:\n{tail}")
    served = server.cpu_s() - served if server else 0.0
    cpu = usage.ru_utime + usage.ru_stime + served
    after = resource.getrusage(resource.RUSAGE_SELF)  # the sampler's own cost is not contention
    mine = after.ru_utime + after.ru_stime - own.ru_utime - own.ru_stime
    other = max(0.0, machine_busy_s() - busy - cpu - mine)
    spans = read(timeline)
    split = breakdown(spans, started_at, started_at + seconds) if spans else {}
    return Run(seconds, cpu, other, usage.ru_maxrss / 1024, tree_mb, waited_s=waited, split=split)


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without any PREFECT_* setting, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_SERVER_ANALYTICS_ENABLED="false", **extra)
    return env


def build(
    edition: Edition, env: dict[str, str], label: str, server: "PrefectServer | None" = None
) -> Run:
    command = [str(BIN / "agenda2030"), "build", "--year", str(YEAR)]
    command += ["--inputs", str(edition.inputs), "--outputs", str(edition.outputs)]
    command += ["--settle", "0"]  # the files were copied a moment ago
    run = measure(command, env, edition.logs / f"{label}.log", edition.logs, server)
    run.stages = edition.manifest.get("timings_s", {})
    return run


# --- the measures -------------------------------------------------------------------------


def first_build(edition: Edition, scratch: Path) -> Run:
    """The first build on a machine: a fresh PREFECT_HOME, so Prefect creates its database.
    Reported, not a ratio: every later build finds the database."""
    home = scratch / f"prefect-home-{edition.name}"
    run = build(edition, clean_env(PREFECT_HOME=str(home)), "first")
    _progress(edition.name, "build_first", run)
    return run


def cold_builds(edition: Edition, runs: int, scratch: Path) -> list[Run]:
    """`agenda2030 build` as it starts from the command line with nothing running: a new
    process, Prefect's temporary server, the database of earlier builds (first_build), and
    empty caches, so every submission is validated and every part typeset."""
    home = scratch / f"prefect-home-{edition.name}"
    results = []
    for index in range(runs):
        clear_caches(edition)
        results.append(build(edition, clean_env(PREFECT_HOME=str(home)), f"cold-{index}"))
        _progress(edition.name, "build_cold", results[-1])
    return results


def clear_caches(edition: Edition) -> None:
    for name in CACHES:
        shutil.rmtree(edition.outputs / name, ignore_errors=True)


def reference_renders(edition: Edition, runs: int, later: bool = False) -> list[Run]:
    """A cold `python -c` that renders the pipeline's own final HTML, as PDF/UA-1.

    Run before the builds and again after them (``later``), and the median taken over both:
    the machine's speed drifts within one sitting, and a reference measured only at the start
    would make every ratio after it better or worse than it is."""
    html = edition.logs / "reference.html"
    if not later:
        shutil.copy2(edition.html, html)  # later builds rewrite the published one
    base_url = edition.folder.resolve().as_uri() + "/"
    results = []
    for index in range(runs):
        name = f"reference-{'after-' if later else ''}{index}"
        pdf = edition.logs / f"{name}.pdf"
        command = [sys.executable, "-c", REFERENCE_SCRIPT, str(html), base_url, str(pdf)]
        log = edition.logs / f"{name}.log"
        results.append(measure(command, clean_env(), log, edition.logs))
        _progress(edition.name, "reference", results[-1])
    return results


def served_builds(
    edition: Edition, runs: int, env: dict[str, str], server: "PrefectServer"
) -> list[Run]:
    """Against a running `prefect server`, with empty caches: everything typeset anew."""
    results = []
    for index in range(runs):
        clear_caches(edition)
        results.append(build(edition, env, f"served-{index}", server))
        _progress(edition.name, "build_served", results[-1])
    return results


def incremental_builds(
    edition: Edition, runs: int, env: dict[str, str], server: "PrefectServer"
) -> list[Run]:
    """Change one submission (a sentence appended, different each time), then rebuild against
    the running server, with the caches the previous build left."""
    changed = changed_file(edition.folder)
    results = []
    for index in range(runs):
        with changed.open("a", encoding="utf-8") as file:
            file.write(f"\nUppföljningen redovisades för nämnden (tillägg {index + 1}).\n")
        results.append(build(edition, env, f"incremental-{index}", server))
        _progress(edition.name, "incremental", results[-1])
    return results


def watch_builds(edition: Edition, runs: int, env: dict[str, str], scratch: Path) -> dict:
    """`agenda2030 serve` watching the edition (against the running server): after one warm-up
    change, each run appends a sentence to a section and times from the moment the file has
    settled (its last write + the watcher's stable time) to the new draft PDF on disk.

    The watcher polls every 0.2 s here (the service's default is 5 s): what is measured is the
    warm build, not the poll interval."""
    stable = 1.0
    log = edition.logs / "serve.log"
    timeline = edition.logs / "serve.timeline.jsonl"
    command = [str(BIN / "agenda2030"), "serve", "--inputs", str(edition.inputs)]
    command += ["--outputs", str(edition.outputs), "--settle", "0"]
    command += ["--stable", f"{stable:g}", "--poll", "0.2"]
    draft = edition.outputs / str(YEAR) / f"agenda2030-{YEAR}-utkast.pdf"
    changed = changed_file(edition.folder)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            env={**env, "AGENDA2030_TIMELINE": str(timeline)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        _wait_for_text(log, "Avsluta med Ctrl+C.", process, 120)
        time.sleep(5)  # the watcher's first look, and the typesetting workers warmed up
        times, runs_s = [], []
        for index in range(runs + 1):  # the first draft typesets every part: not counted
            before = _identity(draft)
            with changed.open("a", encoding="utf-8") as file:
                file.write(f"\nNämnden följde upp arbetet (bevakning {index + 1}).\n")
            settled = changed.stat().st_mtime + stable
            seen = _wait_for_new(draft, before, process, log, 300)
            if index:
                times.append(seen - settled)
                runs_s.append(round(seen - settled, 2))
            print(
                f"  {edition.name:<6} watch{' (warm-up)' if not index else ''}"
                f"{seen - settled:8.2f} s",
                flush=True,
            )
            time.sleep(3)  # the flow run ends (artifacts, teardown) before the next change
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return {"watch_s": round(statistics.median(times), 2), "watch_runs_s": runs_s}


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_ino, stat.st_mtime_ns)


def _wait_for_new(
    path: Path, before, process: subprocess.Popen, log: Path, timeout: float
) -> float:
    """The moment (epoch s) ``path`` is another file than ``before``, polled every 10 ms."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = time.time()
        if _identity(path) not in (None, before):
            return now
        if process.poll() is not None:
            raise BenchError(f"serve exited {process.returncode}; see {log}")
        time.sleep(0.01)
    raise BenchError(f"no new draft after {timeout:.0f} s; see {log}")


def _wait_for_text(log: Path, text: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if text in log.read_text("utf-8", errors="replace"):
            return
        if process.poll() is not None:
            raise BenchError(f"serve exited {process.returncode}; see {log}")
        time.sleep(0.1)
    raise BenchError(f"serve did not start in {timeout:.0f} s; see {log}")


def changed_file(folder: Path) -> Path:
    """The submission the incremental measure edits: the first Markdown section by path."""
    for path in sorted(folder.glob("*/*.md")):
        if "typ: inledning" not in path.read_text("utf-8"):
            return path
    raise BenchError(f"no Markdown section to change in {folder}")


def validate_throughput(folder: Path, count: int, runs: int) -> dict:
    """Submissions per second through the plain stage functions, in this process, without
    Prefect: gather (read and hash every file), then read and validate each submission and
    apply the edition-wide rules (flows.validate.validate_all: validate_file + check_edition)."""
    from flows.gather import gather
    from flows.readers.edition import load_edition
    from flows.validate import validate_all

    edition_dir = folder / str(YEAR)
    generate.write_submissions(edition_dir, count)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        edition = load_edition(edition_dir / "rapport.yaml")
        checked = validate_all(gather(edition_dir, settle_seconds=0.0), edition)
        times.append(time.perf_counter() - start)
        accepted = sum(c.accepted for c in checked)
        if accepted != count:
            raise BenchError(f"only {accepted} of {count} generated submissions were accepted")
    median = statistics.median(times)
    return {
        "submissions": count,
        "median_s": round(median, 3),
        "runs_s": _rounded(times),
        "per_s": round(count / median, 1),
    }


# --- a Prefect server of our own ----------------------------------------------------------


class PrefectServer:
    """`prefect server start` on a free port with its own PREFECT_HOME; stop() always ends it."""

    def __init__(self, home: Path, log: Path):
        self.home, self.log = home, log
        self.process: subprocess.Popen | None = None
        self.port = 0
        self.start_s = 0.0

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self, timeout: float = 240.0) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.home.mkdir(parents=True, exist_ok=True)
        command = [str(BIN / "prefect"), "server", "start"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        started = time.perf_counter()
        with self.log.open("wb") as out:
            # A session of its own, so stop() can end the server and its workers by group id.
            self.process = subprocess.Popen(
                command,
                env=clean_env(PREFECT_HOME=str(self.home)),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        while time.perf_counter() - started < timeout:
            if self.process.poll() is not None:
                raise BenchError(f"prefect server exited {self.process.returncode}; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        self.start_s = time.perf_counter() - started
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.5)
        raise BenchError(f"prefect server did not answer /api/health in {timeout:.0f} s")

    def cpu_s(self) -> float:
        return tree_cpu_s(self.process.pid) if self.process else 0.0

    def rss_mb(self) -> float:
        table = _process_table()
        return sum(table[pid][1] for pid in _tree(table, self.process.pid)) * PAGE / 2**20

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        group = self.process.pid  # == its process group: started with start_new_session
        os.killpg(group, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(group, signal.SIGKILL)
            self.process.wait()


# --- putting it together ------------------------------------------------------------------


def machine() -> dict:
    def first(path: str, prefix: str, default: str = "") -> str:
        lines = Path(path).read_text().splitlines() if Path(path).exists() else []
        return next(
            (line.split(":", 1)[1].strip() for line in lines if line.startswith(prefix)), default
        )

    memory_kb = first("/proc/meminfo", "MemTotal", "0 kB").split()[0]
    return {
        "cpus": os.cpu_count(),
        "cpu_model": first("/proc/cpuinfo", "model name", platform.processor()),
        "memory_gb": round(int(memory_kb) / 2**20, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "weasyprint": version("weasyprint"),
        "prefect": version("prefect"),
        "fonttools": version("fonttools"),
        "harfbuzz_subset": ctypes.util.find_library("harfbuzz-subset") is not None,
    }


def prepare(scratch: Path, quick: bool) -> dict[str, Edition]:
    editions = {}
    for name in ("demo", "large"):
        base = scratch / name
        edition = Edition(name, base / "inputs", base / "outputs", base / "logs")
        edition.logs.mkdir(parents=True)
        if name == "demo":
            shutil.copytree(DEMO_EDITION, edition.folder)
        else:
            per_goal = 5 if quick else generate.DEFAULT_SECTIONS_PER_GOAL
            generate.write_large(edition.folder, per_goal)
        editions[name] = edition
    return editions


def summary(edition: Edition, measured: dict[str, list[Run]]) -> dict:
    measured = {key: measured[key] for key in MEASURES if key in measured}

    def median(key: str, attribute: str = "seconds") -> float:
        return statistics.median(getattr(run, attribute) for run in measured[key])

    files = edition.published["inputs"]
    result: dict = {
        "pages": edition.published["pdf"]["pages"],
        "submissions": sum(1 for f in files if f.get("disposition") == "bidrag"),
    }
    for key in measured:
        result[f"{key}_s"] = round(median(key), 2)
    for key in measured:
        if key != "reference":
            ratio = "ratio_" + key.removeprefix("build_")
            result[ratio] = round(median(key) / median("reference"), 2)
    result["peak_rss_mb"] = {k: round(max(r.max_rss_mb for r in v)) for k, v in measured.items()}
    result["peak_tree_rss_mb"] = {
        k: round(max(r.tree_rss_mb for r in v)) for k, v in measured.items()
    }
    result["cpu_s"] = {key: round(median(key, "cpu_s"), 2) for key in measured}
    # The same ratios in CPU time: less disturbed when other jobs share the machine, but blind
    # to waiting and to work done in parallel (the served build's server runs beside it).
    result["cpu_ratios"] = {
        "ratio_" + key.removeprefix("build_"): round(
            median(key, "cpu_s") / median("reference", "cpu_s"), 2
        )
        for key in measured
        if key != "reference"
    }
    result["other_cpu_s"] = {k: _rounded(r.other_cpu_s for r in v) for k, v in measured.items()}
    result["waited_s"] = {k: _rounded(r.waited_s for r in v) for k, v in measured.items()}
    result["stages_s"] = {
        key: {
            stage: round(statistics.median(r.stages.get(stage, 0.0) for r in runs), 2)
            for stage in runs[0].stages
        }
        for key, runs in measured.items()
        if runs[0].stages
    }
    result["runs_s"] = {key: _rounded(r.seconds for r in runs) for key, runs in measured.items()}
    # Build time minus the time spent typesetting, and where it went (bench/breakdown.py).
    timed = {key: runs for key, runs in measured.items() if key in BUILDS and runs[0].split}
    result["typesetting_s"] = {
        key: round(statistics.median(r.split["typesetting_s"] for r in runs), 2)
        for key, runs in timed.items()
    }
    result["overhead_s"] = {
        key: round(statistics.median(r.split["overhead_s"] for r in runs), 2)
        for key, runs in timed.items()
    }
    result["overhead_breakdown_s"] = {
        key: {
            phase: round(
                statistics.median(r.split["overhead_breakdown_s"].get(phase, 0.0) for r in runs),
                2,
            )
            for phase in runs[0].split["overhead_breakdown_s"]
        }
        for key, runs in timed.items()
    }
    return result


def main(argv: list[str] | None = None) -> int:
    global MAX_WAIT_S
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, help="runs per measure; the median is kept (3; --quick 1)"
    )
    parser.add_argument(
        "--quick", action="store_true", help="1 run, a smaller 'large' edition, 200 submissions"
    )
    parser.add_argument(
        "--output", type=Path, help="where the JSON goes (default: outputs/bench/results.json)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder and its logs")
    parser.add_argument(
        "--max-wait",
        type=float,
        default=MAX_WAIT_S,
        metavar="S",
        help="before each run, wait up to S seconds for other processes to go quiet (0: never)",
    )
    parser.add_argument(
        "--show", action="store_true", help="only print the table of an earlier --output"
    )
    args = parser.parse_args(argv)
    args.output = args.output or (QUICK_RESULTS if args.quick else RESULTS)
    if args.show:
        shown = json.loads(args.output.read_text("utf-8"))
        print(table(shown) + "\n\noverhead, by phase:\n" + breakdown_table(shown))
        return 0
    runs = args.runs or (1 if args.quick else 3)
    MAX_WAIT_S = args.max_wait

    results: dict = {
        "machine": machine(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "runs": runs,
        "quick": args.quick,
        "targets": TARGETS,
    }
    scratch = Path(tempfile.mkdtemp(prefix="agenda2030-bench-"))
    try:
        # In this process and quick: first, so a broken stage shows before the long part.
        validation = validate_throughput(scratch / "validate", 200 if args.quick else 1000, runs)
        print(f"  validate {validation['per_s']:.0f} submissions/s", flush=True)
        measured = run_builds(scratch, args.quick, runs, results)
    finally:
        if args.keep:
            print(f"scratch kept: {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    results["editions"] = measured
    results["validate_per_s"] = validation["per_s"]
    results["validate"] = validation

    output = args.output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", "utf-8")
    print()
    print(table(results))
    print("\noverhead, by phase:\n" + breakdown_table(results))
    print(f"\n{output}")
    return 0


def run_builds(scratch: Path, quick: bool, runs: int, results: dict) -> dict:
    editions = prepare(scratch, quick)
    measured: dict[str, dict[str, list[Run]]] = {name: {} for name in editions}
    # Cold first: the reference renders the HTML that the first build published.
    for edition in editions.values():
        measured[edition.name]["build_first"] = [first_build(edition, scratch)]
        edition.published = edition.manifest
        measured[edition.name]["reference"] = reference_renders(edition, runs)
        measured[edition.name]["build_cold"] = cold_builds(edition, runs, scratch)
    server = PrefectServer(scratch / "server-home", scratch / "prefect-server.log")
    try:
        server.start()
        print(f"  prefect server answered after {server.start_s:.1f} s", flush=True)
        results["server"] = {"start_s": round(server.start_s, 1)}
        env = clean_env(PREFECT_HOME=str(scratch / "client-home"), PREFECT_API_URL=server.api_url)
        watched = {}
        for edition in editions.values():
            measured[edition.name]["build_served"] = served_builds(edition, runs, env, server)
            measured[edition.name]["incremental"] = incremental_builds(edition, runs, env, server)
        # The warm path on the demo edition, as the issue measures it.
        watched["demo"] = watch_builds(editions["demo"], runs, env, scratch)
        results["server"]["rss_mb_at_end"] = round(server.rss_mb())
    finally:
        server.stop()
    for edition in editions.values():
        before = measured[edition.name]["reference"]
        after = reference_renders(edition, runs, later=True)
        measured[edition.name]["reference"] = before + after
        results.setdefault("reference_drift_s", {})[edition.name] = {
            "before": _rounded(r.seconds for r in before),
            "after": _rounded(r.seconds for r in after),
        }
    return {
        name: summary(editions[name], measured[name]) | watched.get(name, {}) for name in editions
    }


def table(results: dict) -> str:
    editions = results["editions"]
    names = list(editions)
    rows: list[tuple[str, list[str], str]] = []

    def row(label: str, value, target: str = "") -> None:
        rows.append((label, [value(editions[name]) for name in names], target))

    def target(key: str) -> str:
        goals = [(n, TARGETS.get(n, {}).get(key)) for n in names]
        return ", ".join(f"{n} ≤ {goal:g}" for n, goal in goals if goal is not None)

    row("pages", lambda e: str(e["pages"]))
    row("submissions", lambda e: str(e["submissions"]))
    for key in MEASURES:
        row(f"{key}_s", lambda e, k=key: f"{e[f'{k}_s']:.2f}")
    for key in ("ratio_cold", "ratio_served", "ratio_incremental"):
        row(key, lambda e, k=key: f"{e[k]:.2f}", target(key))
    row("watch_s", lambda e: f"{e['watch_s']:.2f}" if "watch_s" in e else "–", target("watch_s"))
    for key in BUILDS:
        row(f"overhead_s {key}", lambda e, k=key: _get(e, "overhead_s", k))
        row(f"typesetting_s {key}", lambda e, k=key: _get(e, "typesetting_s", k))
    for key in MEASURES:
        row(f"cpu_s {key}", lambda e, k=key: f"{e['cpu_s'][k]:.2f}")
    for key in MEASURES[1:]:
        ratio = "ratio_" + key.removeprefix("build_")
        row(f"cpu {ratio}", lambda e, k=key: f"{e['cpu_s'][k] / e['cpu_s']['reference']:.2f}")
    for key in MEASURES:
        row(
            f"peak_rss_mb {key}",
            lambda e, k=key: f"{e['peak_rss_mb'][k]} ({e['peak_tree_rss_mb'][k]})",
            target("peak_rss_mb") if key.startswith("build") else "",
        )
    row("other_cpu_s (max)", lambda e: f"{max(max(v) for v in e['other_cpu_s'].values()):.1f}")
    width = max(len(label) for label, _, _ in rows)
    columns = [max(len(n), *(len(values[i]) for _, values, _ in rows)) for i, n in enumerate(names)]
    header = [" " * width, *(n.rjust(c) for n, c in zip(names, columns, strict=True)), " target"]
    lines = [" ".join(header)]
    for label, values, goal in rows:
        cells = [label.ljust(width), *(v.rjust(c) for v, c in zip(values, columns, strict=True))]
        lines.append(" ".join([*cells, " " + goal]).rstrip())
    v, m = results["validate"], results["machine"]
    for name, drift in results.get("reference_drift_s", {}).items():
        lines.append(
            f"reference_s of {name} before the builds {drift['before']}, after them "
            f"{drift['after']} (reference_s is the median of both)"
        )
    lines += [
        f"validate_per_s: {v['per_s']:.0f} submissions/s "
        f"({v['submissions']} files, median {v['median_s']:.2f} s)",
        "peak RSS: largest single process (in brackets: the whole process tree, summed); "
        "other_cpu_s: CPU time other processes used during a run (contention)",
        f"{m['cpus']} × {m['cpu_model']}, {m['memory_gb']} GB; Python {m['python']}, "
        f"WeasyPrint {m['weasyprint']}, Prefect {m['prefect']}; median of {results['runs']} run(s)",
    ]
    return "\n".join(lines)


def _get(edition: dict, key: str, measure: str) -> str:
    value = edition.get(key, {}).get(measure)
    return "–" if value is None else f"{value:.2f}"


def breakdown_table(results: dict) -> str:
    """Where the overhead went, per edition and build kind (seconds no typesetting overlapped)."""
    lines = []
    for name, edition in results["editions"].items():
        for kind, phases in edition.get("overhead_breakdown_s", {}).items():
            shares = ", ".join(f"{phase} {value:.2f}" for phase, value in phases.items() if value)
            lines.append(f"{name} {kind}: {shares}")
    return "\n".join(lines)


def _rounded(values) -> list[float]:
    return [round(v, 2) for v in values]


def _progress(edition: str, what: str, run: Run) -> None:
    print(
        f"  {edition:<6} {what:<13} {run.seconds:7.2f} s  cpu {run.cpu_s:6.2f} s  "
        f"rss {run.max_rss_mb:4.0f} MB  tree {run.tree_rss_mb:4.0f} MB  "
        f"others {run.other_cpu_s:5.1f} cpu-s"
        + (f"  (waited {run.waited_s:.0f} s)" if run.waited_s >= 1 else ""),
        flush=True,
    )


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"bench: {error}", file=sys.stderr)
        sys.exit(1)
