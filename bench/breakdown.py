"""One build's time, split from its timeline (flows/timeline.py): how long was spent typesetting,
how long was everything else (``overhead_s``), and where that went.

    python bench/breakdown.py TIMELINE.jsonl [--started EPOCH] [--ended EPOCH]

Typesetting is wall time during which at least one part was being typeset in a worker or the
parts were being assembled: the union of those spans, wherever they ran. Overhead is the rest
of the build's wall time. Its breakdown takes the command's own phases (process start, ahead (the
files read and the parts handed to the workers before Prefect is imported), imports, server
wait, the flow's stages, flow bookkeeping, artifacts, publish, logs, server stop,
process end) and counts for each only the time no part was being typeset, so the shares add up
to ``overhead_s``.
"""

import argparse
import json
import sys
from pathlib import Path

TYPESETTING = ("typeset ", "assemble")
STAGES = ("gather", "validate", "merge", "render", "publish")


def read(path: Path) -> list[dict]:
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def union(intervals: list[tuple[float, float]]) -> list[tuple[float, float]]:
    merged: list[list[float]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def covered(start: float, end: float, busy: list[tuple[float, float]]) -> float:
    """How much of [start, end] lies inside the (merged) busy intervals."""
    return sum(max(0.0, min(end, b) - max(start, a)) for a, b in busy)


def phases(spans: list[dict], started: float) -> list[tuple[str, float, float]]:
    """The command's own phases, in order: (name, start, end). Flow bookkeeping is the flow's
    time outside its stages, given a span of that length from the flow's start (breakdown()
    spreads it over the flow). What lies between the phases is left to "other"."""
    first = {}
    for item in spans:
        first.setdefault(item["span"], item)
    points: list[tuple[str, float, float]] = []
    command = first.get("command")
    begun = command["start"] if command else started
    points.append(("process start", started, begun))
    for name in ("ahead", "imports", "server wait"):
        if name in first:
            points.append((name, first[name]["start"], first[name]["end"]))
    flow = first.get("flow")
    if flow:
        inside = [first[name] for name in (*STAGES, "artifacts") if name in first]
        inside = [item for item in inside if flow["start"] <= item["start"] <= flow["end"]]
        points.extend((item["span"], item["start"], item["end"]) for item in inside)
        bookkeeping = (flow["end"] - flow["start"]) - sum(i["end"] - i["start"] for i in inside)
        points.append(("flow bookkeeping", flow["start"], flow["start"] + max(0.0, bookkeeping)))
    for name in ("logs sent", "server stop"):
        if name in first:
            points.append((name, first[name]["start"], first[name]["end"]))
    return points


def breakdown(spans: list[dict], started: float, ended: float) -> dict:
    """``typesetting_s``, ``overhead_s`` and ``overhead_breakdown_s`` of one build."""
    busy = union(
        [
            (max(started, item["start"]), min(ended, item["end"]))
            for item in spans
            if item["span"].startswith(TYPESETTING) and item["end"] > started
        ]
    )
    typesetting = sum(end - start for start, end in busy)
    wall = ended - started
    shares: dict[str, float] = {}
    command = phases(spans, started)
    for name, start, end in command:
        if name == "flow bookkeeping":
            # Spread over the flow: count what of it no typesetting overlapped, pro rata.
            flow = next(item for item in spans if item["span"] == "flow")
            length = flow["end"] - flow["start"]
            free = length - covered(flow["start"], flow["end"], busy)
            share = (end - start) * (free / length if length else 0.0)
        else:
            share = (end - start) - covered(start, end, busy)
        shares[name] = shares.get(name, 0.0) + max(0.0, share)
    overhead = wall - typesetting
    # Between the phases and after them: output printed, interpreter exit.
    shares["other"] = max(0.0, overhead - sum(shares.values()))
    return {
        "typesetting_s": round(typesetting, 3),
        "overhead_s": round(overhead, 3),
        "overhead_breakdown_s": {name: round(value, 3) for name, value in shares.items()},
        "phases_s": {name: round(end - start, 3) for name, start, end in command},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("timeline", type=Path)
    parser.add_argument("--started", type=float, help="when the command was started (epoch s)")
    parser.add_argument("--ended", type=float, help="when it ended (epoch s)")
    args = parser.parse_args(argv)
    spans = read(args.timeline)
    if not spans:
        print(f"{args.timeline}: no spans", file=sys.stderr)
        return 1
    started = args.started if args.started is not None else min(s["start"] for s in spans)
    ended = args.ended if args.ended is not None else max(s["end"] for s in spans)
    print(json.dumps(breakdown(spans, started, ended), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
