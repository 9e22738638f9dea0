"""Where a build's time goes: import costs, one cold build under cProfile, and the render split
into layout and PDF writing (with font subsetting).

    python bench/profile_build.py [--edition demo|large]

Writes outputs/bench/build-<edition>.prof and render-<edition>.prof (open them with
`python -m pstats` or snakeviz) and prints the top costs. cProfile slows pure-Python code
(WeasyPrint's layout most of all) more than C code and waiting, so read the shares, not the
absolute times; run.py gives the real times.
"""

import argparse
import cProfile
import io
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import generate
from run import BIN, DEMO_EDITION, PROJECT_ROOT, YEAR, clean_env

OUT = PROJECT_ROOT / "outputs" / "bench"

IMPORT_PROBE = "import time, importlib; t = time.perf_counter(); importlib.import_module({!r}); print(time.perf_counter() - t)"


def import_seconds(module: str) -> float:
    """A cold process's import time for ``module`` (the median of three)."""
    times = []
    for _ in range(3):
        probe = [sys.executable, "-c", IMPORT_PROBE.format(module)]
        done = subprocess.run(probe, env=clean_env(), capture_output=True, text=True, check=True)
        times.append(float(done.stdout.strip()))
    return sorted(times)[1]


def top(profile: Path, sort: str, limit: int, only: str = "") -> str:
    stream = io.StringIO()
    stats = pstats.Stats(str(profile), stream=stream).strip_dirs().sort_stats(sort)
    if only:
        stats.print_stats(only, limit)
    else:
        stats.print_stats(limit)
    lines = stream.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if "ncalls" in line)
    return "\n".join(lines[start:])


def profile_build(inputs: Path, outputs: Path, home: Path, profile: Path) -> float:
    command = [sys.executable, "-m", "cProfile", "-o", str(profile), str(BIN / "agenda2030")]
    command += ["build", "--year", str(YEAR), "--inputs", str(inputs)]
    command += ["--outputs", str(outputs), "--settle", "0"]
    start = time.perf_counter()
    subprocess.run(command, env=clean_env(PREFECT_HOME=str(home)), check=True, capture_output=True)
    return time.perf_counter() - start


def profile_render(html: Path, base_url: str, profile: Path) -> dict[str, float]:
    """The reference render in this process, once plain (the times returned: layout, then the
    PDF with font subsetting) and once under cProfile."""
    import weasyprint

    times = {}
    start = time.perf_counter()
    document = weasyprint.HTML(filename=str(html), base_url=base_url).render()
    times["layout (render)"] = time.perf_counter() - start
    start = time.perf_counter()
    document.write_pdf(pdf_variant="pdf/ua-1")
    times["write_pdf"] = time.perf_counter() - start
    profiler = cProfile.Profile()
    profiler.enable()
    weasyprint.HTML(filename=str(html), base_url=base_url).render().write_pdf(
        pdf_variant="pdf/ua-1"
    )
    profiler.disable()
    profiler.dump_stats(str(profile))
    return times


def by_package(profile: Path, limit: int = 12) -> str:
    """Own time summed per installed package (or stdlib / built-in), largest first."""
    totals: dict[str, float] = {}
    for (filename, _, function), (_, _, own, *_) in pstats.Stats(str(profile)).stats.items():
        if "site-packages/" in filename:
            package = filename.split("site-packages/", 1)[1].split("/", 1)[0]
        elif filename.startswith(str(PROJECT_ROOT)):
            package = "(this project)"
        elif filename == "~":
            package = f"(built-in) {function}"
        else:
            package = "(stdlib)"
        totals[package] = totals.get(package, 0.0) + own
    total = sum(totals.values())
    rows = sorted(totals.items(), key=lambda item: -item[1])[:limit]
    return "\n".join(f"  {own:7.2f} s {own / total:5.0%}  {name}" for name, own in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edition", choices=("demo", "large"), default="demo")
    parser.add_argument("--limit", type=int, default=25, help="rows per table")
    args = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)

    print("import time in a cold process (median of 3):")
    for module in ("weasyprint", "prefect", "flows.orchestration.build"):
        print(f"  {module:<18} {import_seconds(module):6.2f} s")

    scratch = Path(tempfile.mkdtemp(prefix="agenda2030-profile-"))
    try:
        edition_dir = scratch / "inputs" / str(YEAR)
        if args.edition == "demo":
            shutil.copytree(DEMO_EDITION, edition_dir)
        else:
            generate.write_large(edition_dir, generate.DEFAULT_SECTIONS_PER_GOAL)
        build_prof = OUT / f"build-{args.edition}.prof"
        home = scratch / "prefect-home"
        home.mkdir()
        seconds = profile_build(scratch / "inputs", scratch / "outputs", home, build_prof)
        print(f"\ncold build under cProfile: {seconds:.1f} s -> {build_prof}")
        print("main thread, by cumulative time (tasks that Prefect runs in worker threads, such")
        print("as read-and-validate, are not in it):")
        print(top(build_prof, "cumulative", args.limit))
        print("\nby own time:")
        print(top(build_prof, "tottime", args.limit))

        print("\nown time by package (the main process only):")
        print(by_package(build_prof))

        html = scratch / "outputs" / str(YEAR) / f"agenda2030-{YEAR}.html"
        render_prof = OUT / f"render-{args.edition}.prof"
        split = profile_render(html, edition_dir.resolve().as_uri() + "/", render_prof)
        print("\nthe reference render in this process (imports done), without the profiler:")
        for part, value in split.items():
            print(f"  {part:<16} {value:6.1f} s")
        print(f"under cProfile -> {render_prof}; own time by package:")
        print(by_package(render_prof))
        print("\nby own time:")
        print(top(render_prof, "tottime", args.limit))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
