"""What changed: one build's contents against an earlier one (the previous build of the
edition, or last year's edition), for the report owner and the council's "vad är nytt i år".

A build publishes its contents as ``innehall.json`` (sections with their text, key figures,
page count, contacts); comparing two such files needs nothing else. Sections are matched by
goal and id, then by goal and heading; text is compared word by word (difflib)."""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.render.html import safe_environment
from schemas import Edition, Report

PAGE = "andringar.html"


def contents(report: Report, page_count: int | None) -> dict[str, Any]:
    """The build's contents as plain JSON data: what a later build compares itself with."""
    sections = []
    for chapter in report.chapters:
        goal = chapter.goal.number
        if chapter.opening is not None:
            source = chapter.opening.source
            sections.append(
                _entry(goal, "inledning", f"Inledning, mål {goal}", chapter.opening.text, source)
            )
        for section in chapter.walk():
            sections.append(
                _entry(goal, section.id, section.title, section.text, section.source)
                | {"nyckeltal": [_figure(f) for f in section.key_figures]}
            )
    contacts = {
        c.department: [
            {"namn": k.name} | ({"epost": k.email} if k.email else {}) for k in c.contacts
        ]
        for c in report.contributors
        if c.contacts
    }
    return {
        "år": report.edition.year,
        "sidor": page_count,
        "avsnitt": sections,
        "kontakter": contacts,
    }


def _entry(goal: int, id: str, title: str, text: str, source) -> dict[str, Any]:
    return {
        "mål": goal,
        "id": id,
        "rubrik": title,
        "förvaltning": source.department,
        "fil": source.file,
        "text": text,
    }


def _figure(figure) -> dict[str, Any]:
    return {
        "namn": figure.name,
        "enhet": figure.unit,
        "värden": {str(year): value for year, value in sorted(figure.values.items())},
    }


@dataclass(frozen=True)
class SectionChange:
    goal: int
    title: str
    department: str
    kind: str  # "tillagt", "ändrat", "borttaget"
    diff: list[tuple[str, str]] = field(default_factory=list)  # (equal|insert|delete, words)


@dataclass(frozen=True)
class FigureChange:
    goal: int
    name: str
    unit: str
    before: dict[str, Any]
    after: dict[str, Any]

    @property
    def changed_years(self) -> list[str]:
        years = sorted(set(self.before) | set(self.after))
        return [y for y in years if self.before.get(y) != self.after.get(y)]


@dataclass(frozen=True)
class Changes:
    before_label: str
    after_label: str
    sections: list[SectionChange]
    figures: list[FigureChange]
    pages: tuple[int | None, int | None]

    def of_kind(self, kind: str) -> list[SectionChange]:
        return [s for s in self.sections if s.kind == kind]

    def by_department(self) -> dict[str, list[SectionChange]]:
        grouped: dict[str, list[SectionChange]] = {}
        for change in self.sections:
            grouped.setdefault(change.department, []).append(change)
        return grouped

    @property
    def summary(self) -> str:
        added, changed, removed = (len(self.of_kind(k)) for k in ("tillagt", "ändrat", "borttaget"))
        text = (
            f"{added} avsnitt tillagda, {changed} ändrade, {removed} borttagna; "
            f"{len(self.figures)} nyckeltal med nya värden"
        )
        before, after = self.pages
        if before is not None and after is not None and before != after:
            text += f"; {before} → {after} sidor"
        return text


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The text as runs of words: kept, inserted or deleted."""
    old, new = before.split(), after.split()
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            runs.append(("delete", " ".join(old[a1:a2])))
        if op in ("insert", "replace"):
            runs.append(("insert", " ".join(new[b1:b2])))
        if op == "equal":
            runs.append(("equal", " ".join(old[a1:a2])))
    return runs


def compare(before: dict[str, Any], after: dict[str, Any], labels=("förra", "nu")) -> Changes:
    """Sections added, changed and removed, key figures with new values, and page counts."""
    old = list(before.get("avsnitt", []))
    new = list(after.get("avsnitt", []))
    pairs, unmatched_old, unmatched_new = _match(old, new)
    changes = []
    for a, b in pairs:
        if a["text"].split() != b["text"].split() or a["rubrik"] != b["rubrik"]:
            changes.append(
                SectionChange(
                    b["mål"],
                    b["rubrik"],
                    b["förvaltning"],
                    "ändrat",
                    word_diff(a["text"], b["text"]),
                )
            )
    changes += [
        SectionChange(s["mål"], s["rubrik"], s["förvaltning"], "tillagt") for s in unmatched_new
    ]
    changes += [
        SectionChange(s["mål"], s["rubrik"], s["förvaltning"], "borttaget") for s in unmatched_old
    ]
    changes.sort(key=lambda c: (c.department, c.goal, c.title))
    return Changes(
        labels[0], labels[1], changes, _figures(old, new), (before.get("sidor"), after.get("sidor"))
    )


def _match(old: list[dict], new: list[dict]):
    """Pairs by (goal, id), then by (goal, heading); what is left was added or removed."""
    pairs = []
    for key in (lambda s: (s["mål"], s["id"]), lambda s: (s["mål"], s["rubrik"])):
        index = {}
        for section in old:
            index.setdefault(key(section), section)
        remaining = []
        for section in new:
            match = index.pop(key(section), None)
            if match is None:
                remaining.append(section)
            else:
                pairs.append((match, section))
                old = [s for s in old if s is not match]
        new = remaining
    return pairs, old, new


def _figures(old: Iterable[dict], new: Iterable[dict]) -> list[FigureChange]:
    def index(sections):
        return {(s["mål"], f["namn"]): f for s in sections for f in s.get("nyckeltal", [])}

    before, after = index(old), index(new)
    result = []
    for key in sorted(before.keys() & after.keys()):
        a, b = before[key], after[key]
        if a["värden"] != b["värden"]:
            result.append(FigureChange(key[0], key[1], b["enhet"], a["värden"], b["värden"]))
    return result


def changes_page(edition: Edition, changes: Changes | None, templates_dir: Path) -> str:
    """andringar.html: the changes per department, or that there was nothing to compare with."""
    names = {d.id: d.name for d in edition.departments}
    env = safe_environment(templates_dir)
    return env.get_template("pages/changes.html").render(
        edition=edition, changes=changes, names=names
    )


def changes_markdown(changes: Changes | None) -> str:
    """The same, short, for a Prefect artifact."""
    if changes is None:
        return "Inget tidigare bygge att jämföra med: detta är det första."
    lines = [f"**Jämfört med {changes.before_label}:** {changes.summary}.", ""]
    for change in changes.sections:
        lines.append(f"- {change.kind}: Mål {change.goal} – {change.title} ({change.department})")
    for figure in changes.figures:
        years = ", ".join(
            f"{y}: {figure.before.get(y, '–')} → {figure.after.get(y, '–')}"
            for y in figure.changed_years
        )
        lines.append(f"- nyckeltal: Mål {figure.goal} – {figure.name} ({years})")
    return "\n".join(lines)
