"""After a syntax error in a file's keys, read on without the faulty line, so that the file's
other problems are found in the same round: the other faulty lines, the other keys' values,
and the text after the keys. A faulty line is blanked, not removed, so every line keeps its
number; the keys it held (and the lines that belong under it) are left out, and no problem
is reported about them but the syntax error itself."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flows.readers.raw import KeyPath, RawSubmission, ReadError

MAX_ROUNDS = 10  # faulty lines read past in one file; beyond, the rest waits for a new round
# Errors after which nothing more can be read: the keys' shape itself is wrong.
_NO_GOING_ON = frozenset({"not_a_mapping"})
_FIRST_WORD = re.compile(r"^([^\s:#\"'\-][^\s:#]*)")

Loader = Callable[[str, int], tuple[dict[str, Any], dict[KeyPath, int]]]


@dataclass(frozen=True)
class ReadOn:
    """What keys whose reading failed still say: every syntax error in the order found, the
    keys read without the faulty lines (``data`` is None when nothing could be read on), and
    the top-level keys that stood on or above a faulty line."""

    errors: tuple[ReadError, ...]
    data: dict[str, Any] | None = None
    key_lines: dict[KeyPath, int] = field(default_factory=dict)
    left_out: frozenset[str] = frozenset()


class PartlyRead(ReadError):
    """A file whose keys have syntax errors, with what could still be read (``raw``: the
    keys read on and the text; ``keys_read`` is False when no key could be).

    The error itself is the first syntax error, so a caller that knows only ReadError
    reports that one; ``errors`` are all of them, in the order found."""

    def __init__(
        self,
        errors: tuple[ReadError, ...],
        raw: RawSubmission,
        left_out: frozenset[str],
        keys_read: bool,
    ):
        first = errors[0]
        super().__init__(first.code, first.line, first.column, first.place, first.message)
        self.errors, self.raw, self.left_out, self.keys_read = errors, raw, left_out, keys_read

    def __reduce__(self):
        return type(self), (self.errors, self.raw, self.left_out, self.keys_read)


def read_on(error: ReadError, text: str, first_line: int, load: Loader) -> ReadOn:
    """What ``text`` (YAML keys whose first line is ``first_line`` of the file) still says
    after ``error``: each faulty line blanked in turn, up to MAX_ROUNDS of them."""
    lines = text.split("\n")
    errors = [error]
    left_out: set[str] = set()
    for _ in range(MAX_ROUNDS):
        latest = errors[-1]
        index = _fault_line(latest) - first_line if _fault_line(latest) else None
        if latest.code in _NO_GOING_ON or index is None or not 0 <= index < len(lines):
            break
        if not lines[index].strip():
            break  # already blank: blanking it again cannot help
        top = _top_key(lines, index)
        if top:
            left_out.add(top)
        for blanked in _with_its_block(lines, index):
            lines[blanked] = ""
        try:
            data, key_lines = load("\n".join(lines), first_line)
        except ReadError as again:
            errors.append(again)
            continue
        return ReadOn(tuple(errors), data, key_lines, frozenset(left_out))
    return ReadOn(tuple(errors), left_out=frozenset(left_out))


def _fault_line(error: ReadError) -> int | None:
    """The line that has to go for the rest to be read: where the parser says the fault
    began (an unclosed quote's start), else the line it reports."""
    return getattr(error, "fault_line", None) or error.line


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _with_its_block(lines: list[str], index: int) -> list[int]:
    """The faulty line and the lines indented under it, which belonged to it."""
    own = _indent(lines[index])
    block = [index]
    for later in range(index + 1, len(lines)):
        line = lines[later]
        if line.strip() and _indent(line) <= own:
            break
        block.append(later)
    return block


def _top_key(lines: list[str], index: int) -> str | None:
    """The top-level key a line belongs to: its own first word if it is not indented, else
    the nearest key above it that is not ('bedömning' for '  nivå: delvis: uppfyllt')."""
    for above in range(index, -1, -1):
        line = lines[above]
        if line.strip() and not line.lstrip().startswith("#") and _indent(line) == 0:
            word = _FIRST_WORD.match(line)
            return word[1] if word else None
    return None
