"""Validation: every problem is a located Swedish message; cross-file rules name both files."""

import hashlib
import io

from PIL import Image

from flows.gather import Disposition, DroppedFile
from flows.readers.edition import load_edition
from flows.settings import PROJECT_ROOT
from flows.validate import check_edition, validate_file

EDITION = load_edition(PROJECT_ROOT / "inputs" / "2025" / "rapport.yaml")


def dropped(relative: str, text: str) -> DroppedFile:
    content = text.encode()
    return DroppedFile(
        relative=relative,
        folder=relative.split("/")[0],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        disposition=Disposition.SUBMISSION,
        content=content,
    )


def png(width: int, height: int, image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (25, 72, 106)).save(buffer, format=image_format)
    return buffer.getvalue()


def section(folder="kommunledningskontoret", **keys) -> str:
    front = {"förvaltning": folder, "mål": 17, "rubrik": "Ett avsnitt", **keys}
    lines = [f"{k}: {v}" for k, v in front.items() if v is not None]
    return "---\n" + "\n".join(lines) + "\n---\nText.\n"


def check(relative, text, assets=None):
    return validate_file(dropped(relative, text), EDITION, assets or {})


def test_valid_file_is_accepted():
    result = check("kommunledningskontoret/a.md", section())
    assert result.accepted and result.problems == ()


def test_goal_out_of_range_names_file_line_and_key():
    result = check("kommunledningskontoret/a.md", section(mål=18))
    (problem,) = result.problems
    assert str(problem) == (
        "kommunledningskontoret/a.md, rad 3, nyckel 'mål': ska vara högst 17, men är 18"
    )


def test_unknown_key_suggests_the_nearest():
    text = section(rubrik=None, rubik="Ett avsnitt")
    (problem, *_) = check("kommunledningskontoret/a.md", text).problems
    assert problem.line == 4
    assert problem.message == "okänd nyckel 'rubik' – menade du 'rubrik'?"


def test_nested_unknown_key_suggests_from_its_own_level():
    text = section(nyckeltal='[{namn: A, enhet: "%", värde: {2025: 1}}]')
    problems = {p.message for p in check("kommunledningskontoret/a.md", text).problems}
    assert "okänd nyckel 'värde' – menade du 'värden'?" in problems


def test_missing_required_key_is_named():
    text = "---\nförvaltning: kommunledningskontoret\nrubrik: X\n---\nText\n"
    (problem,) = check("kommunledningskontoret/a.md", text).problems
    assert problem.key == "mål"
    assert "saknas" in problem.message


def test_file_in_wrong_folder_is_rejected():
    result = check("socialforvaltningen/a.md", section())
    assert not result.accepted
    assert "stämmer inte med mappen 'socialforvaltningen'" in result.problems[0].message


def test_image_must_exist_and_have_alt_text():
    body = "---\nförvaltning: kommunledningskontoret\nmål: 17\nrubrik: X\n---\n\n![](saknas.png)\n"
    (problem,) = check("kommunledningskontoret/a.md", body).problems
    assert (problem.code, problem.line) == ("missing_image", 7)
    present = {"kommunledningskontoret/bild.png": png(40, 30)}
    body = body.replace("saknas.png", "bild.png")
    (problem,) = check("kommunledningskontoret/a.md", body, present).problems
    assert problem.code == "image_alt_missing"
    body = body.replace("![]", "![Ett foto]")
    assert check("kommunledningskontoret/a.md", body, present).accepted


def test_image_outside_the_department_folder_is_refused():
    body = "---\nförvaltning: kommunledningskontoret\nmål: 17\nrubrik: X\n---\n![a](../../hemlig.png)\n"
    (problem,) = check("kommunledningskontoret/a.md", body).problems
    assert problem.code == "image_outside"


def test_a_shared_section_id_is_kept_by_the_first_department_and_nothing_is_lost():
    """Rapport.yaml's department order decides, never the file order: both sections are
    published, the later department's with its department added to the id, and its own
    child follows it."""
    ours = check("kultur-och-fritid/a.md", section("kultur-och-fritid"))
    child = check(
        "kultur-och-fritid/c.md", section("kultur-och-fritid", rubrik="Barn", under="ett-avsnitt")
    )
    theirs = check("kommunledningskontoret/z.md", section())
    for files in ([ours, child, theirs], [theirs, child, ours]):
        result = {c.file: c for c in check_edition(files, EDITION)}
        assert all(c.accepted for c in result.values())
        assert result["kommunledningskontoret/z.md"].submission.section_id == "ett-avsnitt"
        renamed = result["kultur-och-fritid/a.md"]
        assert renamed.submission.section_id == "ett-avsnitt-kultur-och-fritid"
        assert renamed.notes[0].code == "section_id_renamed"
        assert "kommunledningskontoret/z.md" in renamed.notes[0].message
        assert result["kultur-och-fritid/c.md"].submission.parent == "ett-avsnitt-kultur-och-fritid"


def test_the_assessment_is_taken_from_its_owner_and_only_the_assessment_is_refused():
    """The goal-3 case: a newcomer's file with an assessment does not push out the opening
    text that carries the goal's assessment, whatever the file names."""
    assessed = "{nivå: uppfyllt, motivering: Bra.}"
    opening = check(
        "socialforvaltningen/z-inledning.md",
        section("socialforvaltningen", mål=3, typ="inledning", rubrik=None, bedömning=assessed),
    )
    newcomer = check(
        "kultur-och-fritid/a-simskola.md",
        section(
            "kultur-och-fritid",
            mål=3,
            rubrik="Simskola",
            bedömning="{nivå: ej uppfyllt, motivering: Nej.}",
        ),
    )
    result = {c.file: c for c in check_edition([newcomer, opening], EDITION)}
    kept, left = (
        result["socialforvaltningen/z-inledning.md"],
        result["kultur-och-fritid/a-simskola.md"],
    )
    assert kept.accepted and left.accepted  # both texts are published
    assert kept.submission.assessment.level == "uppfyllt"
    assert left.submission.assessment is None and left.submission.title == "Simskola"
    assert left.notes[0].code == "assessment_not_owned"
    assert "Socialförvaltningen" in left.notes[0].message
    assert kept.notes[0].code == "assessment_kept" and left.file in kept.notes[0].message


def test_rapport_yaml_can_name_the_owner_of_an_assessment():
    edition = EDITION.model_copy(
        update={
            "departments": [
                d.model_copy(update={"assesses": [17]}) if d.id == "kultur-och-fritid" else d
                for d in EDITION.departments
            ]
        }
    )
    assessed = section(bedömning="{nivå: uppfyllt, motivering: Bra.}")
    klk = check("kommunledningskontoret/a.md", assessed)
    kof = check(
        "kultur-och-fritid/b.md",
        section(
            "kultur-och-fritid", rubrik="Annat", bedömning="{nivå: ej bedömt, motivering: Vet ej.}"
        ),
    )
    result = check_edition([klk, kof], edition)
    assert result[0].submission.assessment is None
    assert result[1].submission.assessment.level == "ej bedömt"


def test_a_second_opening_becomes_a_section_under_its_departments_name():
    first = check("kommunledningskontoret/a.md", section(typ="inledning", rubrik=None))
    second = check(
        "kultur-och-fritid/b.md", section("kultur-och-fritid", typ="inledning", rubrik=None)
    )
    result = check_edition([second, first], EDITION)
    assert result[1].submission.kind == "inledning" and result[1].notes[0].code == "opening_kept"
    moved = result[0].submission
    assert moved.kind == "avsnitt" and moved.title == "Kultur- och fritidsförvaltningen"
    assert result[0].notes[0].code == "opening_as_section"


def test_under_pointing_nowhere_and_orphans_of_rejected_sections():
    parent = check("kommunledningskontoret/a.md", section(id="fore", under="saknas"))
    child = check("kommunledningskontoret/b.md", section(under="fore"))
    lost = check("kommunledningskontoret/c.md", section(rubrik="C", under="finns-inte"))
    result = check_edition([parent, child, lost], EDITION)
    assert [p.code for p in result[0].problems] == ["parent_missing"]
    assert [p.code for p in result[1].problems] == ["parent_rejected"]
    assert "kommunledningskontoret/a.md" in result[1].problems[0].message
    assert [p.code for p in result[2].problems] == ["parent_missing"]
    assert "avsnitten som finns där:" in result[2].problems[0].message


def test_sections_nested_in_a_circle_are_rejected():
    a = check("kommunledningskontoret/a.md", section(rubrik="A", under="b"))
    b = check("kommunledningskontoret/b.md", section(rubrik="B", under="a"))
    result = check_edition([a, b], EDITION)
    assert {p.code for r in result for p in r.problems} == {"parent_cycle"}


IMAGE_TEXT = (
    "---\nförvaltning: kommunledningskontoret\nmål: 17\nrubrik: X\n---\n![Foto](bild.png)\n"
)


def test_image_that_is_not_png_or_jpeg_is_refused():
    assets = {"kommunledningskontoret/bild.png": png(40, 30, "GIF")}
    (problem,) = check("kommunledningskontoret/a.md", IMAGE_TEXT, assets).problems
    assert problem.code == "image_format" and "GIF" in problem.message


def test_decompression_bomb_is_refused_by_its_declared_size():
    # A 20000 x 20000 PNG of one colour compresses to a few hundred kilobytes.
    bomb = png(20_000, 20_000)
    assert len(bomb) < 2_000_000
    (problem,) = check(
        "kommunledningskontoret/a.md", IMAGE_TEXT, {"kommunledningskontoret/bild.png": bomb}
    ).problems
    assert problem.code == "image_too_large"
    assert "20000 × 20000" in problem.message or "?" in problem.message


def test_broken_image_is_refused():
    assets = {"kommunledningskontoret/bild.png": b"\x89PNG\r\n\x1a\n not really"}
    (problem,) = check("kommunledningskontoret/a.md", IMAGE_TEXT, assets).problems
    assert problem.code == "image_broken"


def test_deeply_nested_lists_are_refused_before_rendering():
    nested = "".join("  " * depth + "- nivå\n" for depth in range(40))
    text = section() + nested
    (problem,) = check("kommunledningskontoret/a.md", text).problems
    assert problem.code == "nesting_too_deep"
    assert "fler än 8 nivåer i varandra" in problem.message


def test_a_list_is_counted_as_a_person_counts_its_levels():
    """Six levels of list are six, not the parser's 13 tokens deep: accepted; nine refused."""
    from flows.limits import nesting_depth

    def levels(n: int) -> str:
        return "".join("  " * depth + "- nivå\n" for depth in range(n))

    assert nesting_depth(levels(6)) == 6
    assert check("kommunledningskontoret/a.md", section() + levels(6)).accepted
    (problem,) = check("kommunledningskontoret/a.md", section() + levels(9)).problems
    assert problem.code == "nesting_too_deep"


def test_very_long_text_is_refused():
    text = section() + "ord " * 60_000
    (problem,) = check("kommunledningskontoret/a.md", text).problems
    assert problem.code == "text_too_long"


def test_the_untouched_markdown_template_is_refused_naming_each_example_text():
    from flows.starters.markdown import markdown_submission

    text = markdown_submission(EDITION, "kultur-och-fritid", 3)
    problems = check("kultur-och-fritid/mal-03-nytt.md", text).problems
    assert {p.code for p in problems} == {"example_text_left"}
    named = " ".join(p.message for p in problems)
    for example in ("Rubrik på avsnittet", "Förnamn Efternamn", "Skriv texten här"):
        assert f"exempeltexten '{example}" in named
    assert all(p.line for p in problems)  # each where it stands


def test_a_filled_in_template_is_accepted():
    from flows.starters.markdown import markdown_submission

    text = markdown_submission(EDITION, "kultur-och-fritid", 3, "Simskola för alla")
    text = text.replace("Förnamn Efternamn", "Anna Berg").replace("fornamn.efternamn", "anna.berg")
    text = text[: text.index("Skriv texten här")] + "Alla barn ska kunna simma.\n"
    assert check("kultur-och-fritid/mal-03-simskola.md", text).accepted


def test_messages_name_the_fault_and_the_fix():
    curly = check(
        "kultur-och-fritid/a.md",
        section("kultur-och-fritid", rubrik="”Simskola för alla: trygga i vatten”"),
    )
    assert curly.accepted and curly.submission.title == "Simskola för alla: trygga i vatten"
    comma = check(
        "kultur-och-fritid/b.md",
        section(
            "kultur-och-fritid",
            nyckeltal="[{namn: Simkunniga, enhet: '%', värden: {2023: 80, 2024: 84,5}}]",
        ),
    )
    assert comma.accepted and comma.submission.key_figures[0].values == {2023: 80.0, 2024: 84.5}
    glued = check(
        "kultur-och-fritid/c.md",
        section("kultur-och-fritid", ordning=None).replace("rubrik:", "ordning:10\nrubrik:"),
    )
    (problem,) = glued.problems
    assert problem.code == "colon_without_space" and problem.line == 4
    assert "skriv 'ordning: 10'" in problem.message
    folder = check("kultur-och-fritid/d.md", section("kultur och fritid"))
    assert "skriv förvaltning: kultur-och-fritid" in folder.problems[0].message
    assert folder.problems[0].code == "department_not_an_id"
    assert folder.problems[0].fix.startswith("Skriv förvaltningens id")
