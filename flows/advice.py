"""Advice that does not block: readability (LIX), a picture without a credit, a very long
section, a bold line that looks like a heading. Shown on the receipt and beside the section
in the draft, never in the final report."""

import re

from flows.readers.raw import RawSubmission
from flows.render.markdown import markdown_parser
from schemas import Problem, Submission
from schemas.messages import PROJECT_MESSAGES

# LIX (läsbarhetsindex, Björnsson 1968): words per sentence + the per cent of long words
# (more than six letters). The usual Swedish bands:
LIX_BANDS = ((30, "mycket lättläst"), (40, "lättläst"), (50, "medelsvår"), (60, "svår"))
HARDEST = "mycket svår"
ADVISE_FROM_LIX = 55  # well into "svår": worth a second look (the demo's median is 50)
MIN_WORDS_FOR_LIX = 40  # a short text has no meaningful index
LONG_SECTION_WORDS = 1500  # about three printed pages

_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)|\n\s*\n")
_md = markdown_parser()


# The codes of advice: published with it, the draft shows it beside the section.
ADVICE_CODES = frozenset(
    {"lix_high", "long_section", "image_without_credit", "bold_as_heading", "bold_as_heading_word"}
)


def lix(text: str) -> float | None:
    """The LIX of ``text``; None for a text too short to have one."""
    words = _WORD.findall(text)
    if len(words) < MIN_WORDS_FOR_LIX:
        return None
    sentences = max(1, len([m for m in _SENTENCE_END.finditer(text.strip())]))
    long_words = sum(1 for word in words if len(word) > 6)
    return len(words) / sentences + 100 * long_words / len(words)


def lix_band(value: float) -> str:
    return next((name for limit, name in LIX_BANDS if value < limit), HARDEST)


def advice(submission: Submission, raw: RawSubmission, file: str) -> list[Problem]:
    """Remarks that help a department write for the council, each located where it can be."""
    found = []
    has_lines = bool(raw.key_lines)  # Word and Excel have no lines to point at

    def say(code: str, text_line: int | None = None, **context) -> None:
        """Advice at a line of the text, or (``None``) about the text as a whole."""
        message = PROJECT_MESSAGES[code].format(**context)
        line, place = raw.in_text(text_line) if text_line is not None else (None, None)
        line = raw.text_line if text_line is None and has_lines else line
        found.append(Problem(file=file, code=code, message=message, line=line, place=place))

    prose = _prose(submission.text)
    value = lix(prose)
    if value is not None and value >= ADVISE_FROM_LIX:
        say("lix_high", lix=round(value), band=lix_band(value))
    words = len(_WORD.findall(prose))
    if words > LONG_SECTION_WORDS:
        say("long_section", words=words)
    for token in _md.parse(submission.text):
        text_line = token.map[0] if token.map else 0
        children = token.children or []
        for child in children:
            # Word keeps no credit beside a picture; Markdown writes it as the title.
            if has_lines and child.type == "image" and not (child.attrGet("title") or "").strip():
                say("image_without_credit", text_line, src=child.attrGet("src") or "")
        shown = [c for c in children if not (c.type == "text" and not c.content.strip())]
        if (
            token.type == "inline"
            and [c.type for c in shown] == ["strong_open", "text", "strong_close"]
            and len(shown[1].content) <= 80
        ):
            # Word makes a heading with a style, not with ###.
            code = "bold_as_heading_word" if raw.text_places else "bold_as_heading"
            say(code, text_line, text=shown[1].content.strip())
    return found


def _prose(text: str) -> str:
    """The text without Markdown tables and image lines, which are no prose."""
    lines = [ln for ln in text.split("\n") if not ln.lstrip().startswith(("|", "!["))]
    return "\n".join(lines)
