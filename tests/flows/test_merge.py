"""Merge: the demo edition's Goal 17 comes out as the seed chapter has it."""

from flows.merge import merge
from schemas.report import join_swedish
from tests.support.demo import SEED_VISION_SENTENCES


def outline(sections):
    return [(s.title, outline(s.children)) for s in sections]


def test_seventeen_chapters_in_goal_order(demo_report):
    assert [c.goal.number for c in demo_report.chapters] == list(range(1, 18))


def test_every_demo_goal_has_an_opening_and_a_section(demo_report):
    for chapter in demo_report.chapters:
        assert chapter.opening is not None, chapter.goal.title
        assert chapter.sections, chapter.goal.title


def test_goal_17_has_the_seed_structure(demo_report):
    chapter = demo_report.chapters[16]
    assert chapter.opening.text.startswith("Västerviks kommun är en del av en alltmer globaliserad")
    assert outline(chapter.sections) == [
        ("Internationella kontakter", [("Vänortssamverkan", []), ("Skolprojekt", [])]),
        ("Övriga internationella projekt", []),
        ("Västervik är medlem i Sveriges Ekokommuner", []),
    ]


def test_goal_17_sections_come_from_several_departments(demo_report):
    departments = {s.source.department for s in demo_report.chapters[16].walk()}
    assert len(departments) >= 3


def test_goal_17_vision_sentences_word_for_word(demo_report):
    sentences = [v.sentence for v in demo_report.chapters[16].vision_sentences]
    assert sentences == SEED_VISION_SENTENCES


def test_contributors_follow_edition_order(demo_report):
    order = [d.id for d in demo_report.edition.departments]
    ids = [c.department for c in demo_report.contributors]
    assert ids == [d for d in order if d in ids]
    assert len(ids) >= 6


def test_join_swedish():
    assert join_swedish(["a"]) == "a"
    assert join_swedish(["a", "b"]) == "a och b"
    assert join_swedish(["a", "b", "c"]) == "a, b och c"


def test_ordering_ties_by_department_then_title(demo_report):
    from flows.validate import Checked
    from schemas import Submission

    edition = demo_report.edition
    first, second = edition.departments[0].id, edition.departments[1].id

    def item(department, title, order=None):
        data = {"förvaltning": department, "mål": 3, "rubrik": title}
        if order is not None:
            data["ordning"] = order
        return Checked(f"{department}/{title}.md", department, "", Submission.model_validate(data))

    report = merge(
        edition,
        [
            item(second, "Gamma"),
            item(first, "Beta"),
            item(first, "Alfa"),
            item(second, "Sist"),
            item(second, "Först", order=1),
        ],
    )
    titles = [(s.source.department, s.title) for s in report.chapters[2].sections]
    assert titles == [
        (second, "Först"),
        (first, "Alfa"),
        (first, "Beta"),
        (second, "Gamma"),
        (second, "Sist"),
    ]


def test_goal_without_contributions_is_empty(demo_report):
    edition = demo_report.edition
    report = merge(edition, [])
    assert all(c.is_empty for c in report.chapters)
    assert report.contributors == []


def test_a_file_merge_cannot_take_is_rejected_alone(demo_report):
    """A fault of ours while merging one file (here: a department rapport.yaml does not know,
    which validation would have refused) rejects that file only, as an internal error."""
    from flows.merge import merge, merge_each_file_apart
    from flows.validate import Checked
    from schemas import Submission

    def section(department: str, title: str) -> Checked:
        data = {"förvaltning": department, "mål": 4, "rubrik": title, "text": "Text."}
        return Checked(f"{department}/x.md", department, "", Submission.model_validate(data))

    good, odd = section("kultur-och-fritid", "Bra"), section("okand-forvaltning", "Udda")
    report, checked = merge_each_file_apart(demo_report.edition, [good, odd])
    assert checked[0] is good
    assert checked[1].problems[0].code == "internal_error"
    assert "internt fel" in checked[1].problems[0].message
    titles = [s.title for s in report.chapters[3].sections]
    assert titles == ["Bra"]
    assert report == merge(demo_report.edition, checked)  # the report of what was kept
