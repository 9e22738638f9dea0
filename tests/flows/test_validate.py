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


def test_duplicate_section_id_rejects_the_later_file_naming_the_first():
    first = check("kommunledningskontoret/a.md", section())
    second = check("kommunledningskontoret/b.md", section())
    result = check_edition([first, second])
    assert result[0].accepted and not result[1].accepted
    assert "kommunledningskontoret/a.md" in result[1].problems[0].message


def test_two_assessments_of_one_goal():
    assessed = section(bedömning="{nivå: uppfyllt, motivering: Bra.}")
    first = check("kommunledningskontoret/a.md", assessed)
    second = check("kommunledningskontoret/b.md", assessed.replace("Ett avsnitt", "Annat"))
    result = check_edition([first, second])
    assert [r.accepted for r in result] == [True, False]
    assert result[1].problems[0].code == "duplicate_assessment"


def test_under_pointing_nowhere_and_orphans_of_rejected_sections():
    parent = check("kommunledningskontoret/a.md", section(id="fore", under="saknas"))
    child = check("kommunledningskontoret/b.md", section(under="fore"))
    lost = check("kommunledningskontoret/c.md", section(rubrik="C", under="finns-inte"))
    result = check_edition([parent, child, lost])
    assert [p.code for p in result[0].problems] == ["parent_missing"]
    assert [p.code for p in result[1].problems] == ["parent_rejected"]
    assert "kommunledningskontoret/a.md" in result[1].problems[0].message
    assert [p.code for p in result[2].problems] == ["parent_missing"]


def test_sections_nested_in_a_circle_are_rejected():
    a = check("kommunledningskontoret/a.md", section(rubrik="A", under="b"))
    b = check("kommunledningskontoret/b.md", section(rubrik="B", under="a"))
    result = check_edition([a, b])
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


def test_very_long_text_is_refused():
    text = section() + "ord " * 60_000
    (problem,) = check("kommunledningskontoret/a.md", text).problems
    assert problem.code == "text_too_long"
