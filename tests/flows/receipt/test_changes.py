"""Issue 18: what changed between two builds' contents (innehall.json)."""

from flows.receipt.changes import compare, word_diff


def section(goal, id, title, text, department="kommunledningskontoret", figures=()):
    return {
        "mål": goal,
        "id": id,
        "rubrik": title,
        "förvaltning": department,
        "fil": f"{department}/{id}.md",
        "text": text,
        "nyckeltal": list(figures),
    }


def test_sections_are_matched_by_goal_and_id_then_by_heading():
    before = {
        "sidor": 40,
        "avsnitt": [
            section(17, "vanorter", "Vänorter", "Vi har fyra vänorter."),
            section(16, "trygghet", "Trygghet", "Trygghetsvandringar i centrum."),
            section(3, "gammalt", "Tas bort", "Borta i år.", "socialforvaltningen"),
        ],
    }
    after = {
        "sidor": 42,
        "avsnitt": [
            section(17, "vanorter", "Vänorter", "Vi har fem vänorter i dag."),
            section(16, "nytt-id", "Trygghet", "Trygghetsvandringar i centrum."),
            section(4, "skolan", "Ny skola", "En ny skola.", "barn-och-utbildning"),
        ],
    }
    changes = compare(before, after)
    kinds = {(c.kind, c.title) for c in changes.sections}
    assert kinds == {("ändrat", "Vänorter"), ("tillagt", "Ny skola"), ("borttaget", "Tas bort")}
    [changed] = changes.of_kind("ändrat")
    assert changed.diff[0] == ("equal", "Vi har")
    assert ("delete", "fyra vänorter.") in changed.diff
    assert ("insert", "fem vänorter i dag.") in changed.diff
    assert set(changes.by_department()) == {
        "kommunledningskontoret",
        "barn-och-utbildning",
        "socialforvaltningen",
    }
    assert changes.summary == (
        "1 avsnitt tillagda, 1 ändrade, 1 borttagna; 0 nyckeltal med nya värden; 40 → 42 sidor"
    )


def test_key_figures_with_new_values_are_listed_by_year():
    figure = {"namn": "Vänorter", "enhet": "st", "värden": {"2023": 4.0, "2024": 4.0}}
    newer = figure | {"värden": {"2023": 4.0, "2024": 5.0, "2025": 5.0}}
    changes = compare(
        {"avsnitt": [section(17, "a", "A", "text", figures=[figure])]},
        {"avsnitt": [section(17, "a", "A", "text", figures=[newer])]},
    )
    assert changes.sections == []
    [changed] = changes.figures
    assert changed.name == "Vänorter" and changed.changed_years == ["2024", "2025"]


def test_the_word_diff_keeps_runs_of_unchanged_words_together():
    assert word_diff("ett två tre", "ett fyra tre") == [
        ("equal", "ett"),
        ("delete", "två"),
        ("insert", "fyra"),
        ("equal", "tre"),
    ]
