"""What every reader returns: a file's data with where each key stands, or a located error."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from schemas.messages import PROJECT_MESSAGES

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class RawSubmission:
    """A file's data before validation, with where each key stands.

    Text formats locate keys by 1-based line (``key_lines``); formats without lines, such as
    Word, by a place a person can find (``key_places``: 'tabell 1, raden Mål'). Word also
    says where each line of its text came from (``text_places``: 'stycket som börjar
    "Simskolan når…"'), names each key by the row label the document shows
    (``key_labels``) and each picture by its own name (``image_names``, by Markdown src).
    """

    data: dict[str, Any]
    key_lines: dict[KeyPath, int] = field(default_factory=dict)
    text_line: int = 1  # the line the Markdown body starts on
    key_places: dict[KeyPath, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)  # embedded, by edition-relative path
    # What the reader left out or changed (a Word comment, a decorative picture): for the
    # receipt, never a reason to refuse the file.
    notes: tuple["ReadError", ...] = ()
    text_places: dict[int, str] = field(default_factory=dict)  # 0-based text line -> place
    key_labels: dict[KeyPath, str] = field(default_factory=dict)
    image_names: dict[str, str] = field(default_factory=dict)

    def line_of(self, loc: KeyPath) -> int | None:
        """The line of the deepest key of ``loc`` that the file has."""
        return _deepest(self.key_lines, loc)

    def place_of(self, loc: KeyPath) -> str | None:
        return _deepest(self.key_places, loc)

    def label_of(self, loc: KeyPath) -> str | None:
        """The document's own name for the deepest key of ``loc`` it has a name for."""
        return _deepest(self.key_labels, loc)

    def in_text(self, text_line: int) -> tuple[int | None, str | None]:
        """(line, place) of the text's 0-based line ``text_line``: the file's line for text
        formats, Word's place ('stycket som börjar …') for Word, nothing for a format that
        has neither (Excel's text is made, not written)."""
        if self.key_lines:
            return self.text_line + text_line, None
        return None, self.text_places.get(text_line)

    def picture_name(self, src: str) -> str:
        """A picture as the person knows it: its own name in Word, else its src."""
        return self.image_names.get(src, src)


def _deepest(places: dict, loc: KeyPath):
    for end in range(len(loc), 0, -1):
        if loc[:end] in places:
            return places[loc[:end]]
    return None


class ReadError(Exception):
    """The file cannot be turned into data; carries a located, Swedish problem.

    The message is ``PROJECT_MESSAGES[code]`` filled from ``context``, unless it is given
    already formatted (``office_error`` fills it, as its context may hold a key named 'column').
    """

    def __init__(
        self,
        code: str,
        line: int | None = None,
        column: int | None = None,
        place: str | None = None,
        message: str | None = None,
        **context,
    ):
        self.code, self.line, self.column, self.place = code, line, column, place
        self.message = message if message is not None else PROJECT_MESSAGES[code].format(**context)
        super().__init__(self.message)

    def __reduce__(self):
        # Picklable with every attribute (Prefect may ship errors between processes).
        return type(self), (self.code, self.line, self.column, self.place, self.message)


def decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise ReadError("not_utf8", line=line, position=error.start) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def office_error(
    code: str,
    place: str | None = None,
    position: tuple[int, int] | None = None,
    **context: object,
) -> ReadError:
    """The error for ``code``, its message filled from ``context``.

    ``position`` is (line, column) for text files (JSON); context keys such as 'column'
    (an Excel column's name) are free for the message.
    """
    message = PROJECT_MESSAGES[code].format(**context)
    line, column = position if position else (None, None)
    return ReadError(code, line=line, column=column, place=place, message=message)


@contextmanager
def unreadable_as(kind: str) -> Iterator[None]:
    """Turn any failure of a third-party parser on untrusted bytes into a located refusal.

    Broad on purpose: python-docx and openpyxl raise many kinds of error on broken files
    (zip CRC, XML syntax, forbidden DTDs from defusedxml, odd values), and a broken file
    must give its department a message, never stop the run. The type stays in the message.
    """
    try:
        yield
    except ReadError:
        raise
    except Exception as error:
        reason = f"filen är skadad eller ofullständig ({type(error).__name__})"
        if "content type" in str(error):
            reason = "det är en annan sorts fil med fel filändelse"
        raise office_error("unreadable_office", kind=kind, reason=reason) from None


def shorten(text: str, length: int = 40) -> str:
    """A quotable start of a text, so a person can find it ('Västervik är medlem i …')."""
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def first_words(text: str, length: int = 30) -> str:
    """A paragraph's first words, cut between words, as a person looks for it in Word:
    'Simskolan når alla barn i…'."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0] if " " in text[:length] else text[: length - 1]
    return cut.rstrip(" ,.;:–-") + "…"


def translated(problem: str, table: dict[str, str], language: str) -> str:
    """A parser's English problem in Swedish, by the start of its text; one we have no words
    for is shown as it is, named for its format ('felaktig YAML (…)')."""
    for english, swedish in table.items():
        if problem.startswith(english):
            return swedish
    return f"felaktig {language} ({problem})"
