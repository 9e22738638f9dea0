"""A key problem in a Word file, told in Word's words: the row of the key table by the label
the document shows ('raden Bedömning'), never the key path of the YAML formats
('bedömning › nivå'), and what to write in the row rather than in a 'key: value' line."""

import re

from flows.readers.raw import KeyPath, RawSubmission

_KEY = re.compile(r"nyckeln '([^']+)'( saknas)?")
_WRITE_KEY = re.compile(r"skriv (förvaltning): (\S+?)(?=[,;. ]|$)")
_REMOVE_KEY = re.compile(r"ta bort '([^']+)'")


def row_place(raw: RawSubmission, loc: KeyPath) -> str | None:
    """Where a key's row stands: 'tabell 1, raden Rubrik', also for a row left empty."""
    label = raw.label_of(loc)
    return f"tabell 1, raden {label}" if label else None


def missing_in_word(raw: RawSubmission, loc: KeyPath) -> str:
    """'raden Rubrik är tom …' for a row, 'namn saknas i raden Kontakt' for a part of one."""
    if loc in raw.key_labels:
        return f"raden {raw.key_labels[loc]} är tom men måste fyllas i"
    return f"{loc[-1]} saknas i raden {raw.label_of(loc)}"


def in_word_terms(message: str, raw: RawSubmission) -> tuple[str, str | None]:
    """The message with keys named as the table's rows, and the place of the first row it
    names (for a rule about the whole file, such as a heading that is needed)."""
    named: list[str] = []

    def row(key: str) -> str | None:
        label = raw.key_labels.get((key,))
        if label and not named:
            named.append(label)
        return label

    def key(match: re.Match) -> str:
        label = row(match[1])
        if label is None:
            return match[0]
        return f"raden {label}" + (" är tom" if match[2] else "")

    def write(match: re.Match) -> str:
        label = row(match[1])
        return f"skriv {match[2]} i raden {label}" if label else match[0]

    def remove(match: re.Match) -> str:
        label = row(match[1])
        return f"töm raden {label}" if label else match[0]

    message = _REMOVE_KEY.sub(remove, _WRITE_KEY.sub(write, _KEY.sub(key, message)))
    return message, (f"tabell 1, raden {named[0]}" if named else None)
