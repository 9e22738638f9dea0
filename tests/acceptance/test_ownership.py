"""Issue 14's goal-3 case, as a department meets it: a newcomer's goal 3 file with an
assessment (the template invites one) beside Socialförvaltningen's opening text that carries
the goal's assessment. Both texts are published, one assessment, the owner's, and both
departments' receipts say what happened. File names are chosen so that path order would
have let the newcomer win."""

import pytest

from tests.support.demo import build_with
from tests.support.pdf_structure import page_texts

NEWCOMER = """---
förvaltning: kultur-och-fritid
mål: 3
rubrik: Simskola för alla
bedömning:
  nivå: uppfyllt
  motivering: Alla barn lär sig simma.
---
Kultur och fritid erbjuder simskola för alla barn i årskurs två.
"""


@pytest.fixture(scope="module")
def build(prefect_harness, tmp_path_factory):
    newcomer = {"kultur-och-fritid/a-mal-03-simskola.md": NEWCOMER}
    return build_with(tmp_path_factory.mktemp("agande"), newcomer)


def test_both_texts_are_published_with_the_owners_assessment(build):
    result, _ = build
    text = " ".join(page_texts(result.pdf))
    assert "simskola för alla barn i årskurs två" in text
    assert "En god och jämlik hälsa är en förutsättning" in text
    assert "Alla barn lär sig simma" not in text  # the newcomer's assessment is left out
    assert "psykisk ohälsa bland unga" in text  # the owner's reason is the one shown


def test_both_departments_are_told(build):
    _, receipt = build
    newcomer = receipt["kultur-och-fritid/a-mal-03-simskola.md"]
    owner = receipt["socialforvaltningen/mal-03-inledning.md"]
    assert newcomer["status"].startswith("godkänd") and owner["status"].startswith("godkänd")
    (told,) = [n for n in newcomer["anmärkningar"] if n["kod"] == "assessment_not_owned"]
    assert "Socialförvaltningen" in told["meddelande"] and told["så_här_rättar_du"]
    (kept,) = [n for n in owner["anmärkningar"] if n["kod"] == "assessment_kept"]
    assert "kultur-och-fritid/a-mal-03-simskola.md" in kept["meddelande"]
