"""Every reader, fed random bytes and random structures, either reads the file or raises the
readers' own ReadError: never another exception, whatever a department drops (issue 17)."""

import json

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from flows.readers import read_submission
from flows.readers.raw import ReadError

SUFFIXES = ("md", "yaml", "json", "docx", "xlsx", "txt")
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
)
structures = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=25,
)
KEYS = ["förvaltning", "mål", "rubrik", "typ", "nyckeltal", "värden", "kolada_svar", "values"]
submission_like = st.dictionaries(st.sampled_from(KEYS), structures, max_size=6)


def reads_or_refuses(name: str, content: bytes) -> None:
    try:
        read_submission(name, content, "kultur-och-fritid")
    except ReadError as error:
        assert error.message and error.code


@FAST
@given(st.sampled_from(SUFFIXES), st.binary(max_size=2000))
def test_random_bytes(suffix, content):
    reads_or_refuses(f"bidrag.{suffix}", content)


@FAST
@given(st.text(max_size=400))
def test_random_markdown_front_matter(text):
    reads_or_refuses("bidrag.md", f"---\n{text}\n---\nText.\n".encode())


@FAST
@given(submission_like)
def test_random_structures_as_yaml_markdown_and_json(data):
    dumped = yaml.safe_dump(data, allow_unicode=True)
    reads_or_refuses("bidrag.yaml", dumped.encode())
    reads_or_refuses("bidrag.md", f"---\n{dumped}---\nText.\n".encode())
    reads_or_refuses("bidrag.json", json.dumps(data).encode())


@FAST
@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(
                ["kpi", "period", "municipality", "values", "gender", "value", "count", "status"]
            ),
            structures,
            max_size=5,
        ),
        max_size=4,
    )
)
def test_random_kolada_answers(values):
    answer = {"förvaltning": "kultur-och-fritid", "mål": 11, "namn": "n", "enhet": "st"}
    reads_or_refuses(
        "bidrag.json", json.dumps({**answer, "kolada_svar": {"values": values}}).encode()
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["w:gridSpan", "w:ilvl", "w:numId", "w:vMerge"]),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
)
@example("w:gridSpan", "²")  # each once crashed the whole build
@example("w:gridSpan", "2000000000000000000")
@example("w:ilvl", "²")
def test_word_attributes_with_any_value(tag, value):
    """Word writes counts and ids as attribute text; any text there reads or is refused."""
    from tests.support.documents import filled_docx
    from tests.support.hostile import word_list_level, word_table_cell

    body = word_list_level(value) if tag == "w:ilvl" else word_table_cell(tag, value)
    reads_or_refuses("bidrag.docx", filled_docx(body=body))
