"""Advice that never blocks a file: LIX by the usual formula and bands, pictures without a
credit, bold lines that look like headings, very long sections."""

import pytest

from flows.advice import MIN_WORDS_FOR_LIX, advice, lix, lix_band
from flows.readers.text import read_markdown
from schemas import Submission


def test_lix_is_words_per_sentence_plus_the_share_of_long_words():
    """Counted by hand: 40 words in 4 sentences, 16 of them longer than six letters
    (Kommunen, arbetar; Förvaltningen, samordnar, internationella, utbytesprojekt,
    tillsammans, vänorter): 40/4 + 100 · 16/40 = 10 + 40 = 50."""
    sentence = "Kommunen arbetar med skolan och barnen varje dag i staden. "
    long_sentence = (
        "Förvaltningen samordnar internationella utbytesprojekt tillsammans med vänorter "
        "och skolor idag. "
    )
    text = sentence * 2 + long_sentence * 2
    assert len(text.split()) == MIN_WORDS_FOR_LIX
    assert lix(text) == pytest.approx(50.0)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (24, "mycket lättläst"),
        (35, "lättläst"),
        (45, "medelsvår"),
        (55, "svår"),
        (65, "mycket svår"),
    ],
)
def test_the_usual_swedish_bands(value, band):
    assert lix_band(value) == band


def test_a_short_text_has_no_index():
    assert lix("Kort text. Två meningar.") is None


def submission(body: str, extra: str = "") -> tuple[Submission, object]:
    raw = read_markdown(
        f"---\nförvaltning: kultur-och-fritid\nmål: 11\nrubrik: Prov\n{extra}---\n{body}\n"
    )
    return Submission.model_validate(raw.data), raw


def test_hard_prose_a_picture_without_credit_and_a_bold_heading_are_advised():
    hard = (
        " ".join(["Kommunfullmäktigeförsamlingens verksamhetsplaneringsdokumentation"] * 30) + "."
    )
    sub, raw = submission(f"**Vår simskola**\n\n{hard}\n\n![En bassäng](bad.png)")
    codes = {(p.code, p.line) for p in advice(sub, raw, "kultur-och-fritid/prov.md")}
    assert ("lix_high", 6) in codes
    assert ("bold_as_heading", 6) in codes
    assert ("image_without_credit", 10) in codes


def test_plain_prose_with_a_credited_picture_gets_no_advice():
    plain = "Vi har simskola för barn. Det går bra. Många lär sig simma i år. " * 8
    sub, raw = submission(f'{plain}\n\n![En bassäng](bad.png "Foto: Anna Berg")')
    assert advice(sub, raw, "kultur-och-fritid/prov.md") == []
