"""Read a Word submission: the key table first, then the text, converted to Markdown.

Layout (the starter made by flows/office/starters.py):

- optional instruction paragraphs in the style 'Anvisning' (ignored);
- the first table: label | value [| explanation], one row per key (Förvaltning, Mål, …);
  a first row labelled 'Uppgift' is the header and is skipped, columns after the second
  are ignored;
- everything after that table is the text (see docx_markdown for how it is converted).

XML is parsed only by python-docx, whose lxml parser has ``resolve_entities=False``
(docx/oxml/parser.py and docx/opc/oxml.py), and only after check_zip has passed.
"""

import difflib
import io
import re
import zipfile
from typing import Any

import docx
from docx.oxml.ns import qn
from lxml import etree

from flows.readers.raw import (
    KeyPath,
    RawSubmission,
    ReadError,
    office_error,
    shorten,
    unreadable_as,
)
from flows.readers.word_markdown import (
    MarkdownConverter,
    Styles,
    blocks,
    owning_table,
    plain_text,
    style_id,
)
from flows.readers.zipsafety import check_zip

# The rows of the key table, as labels casefolded. Each is the submission key of the same
# name, except Bedömning and Motivering, which fill bedömning: {nivå, motivering}.
KEY_ROWS = (
    "förvaltning",
    "mål",
    "rubrik",
    "typ",
    "id",
    "under",
    "ordning",
    "visionsmål",
    "kontakt",
    "bedömning",
    "motivering",
)
# How each row is named in messages and in the template.
ROW_LABELS: dict[str, str] = {label: label.capitalize() for label in KEY_ROWS}
ROW_LABELS["id"] = "Id"
HEADER_LABEL = "uppgift"
INSTRUCTION_STYLE = "Anvisning"
# The starter's example text; left in place it would be published, so it is an error.
TEMPLATE_HEADING = "Exempel på underrubrik"
TEMPLATE_TEXT = "Skriv din text här. Ta bort den här raden och exempelrubriken ovanför."
TEMPLATE_TEXTS = frozenset({TEMPLATE_HEADING, TEMPLATE_TEXT})


def read_docx(
    name: str, content: bytes, folder: str
) -> tuple[RawSubmission, dict[str, bytes], list[ReadError]]:
    """Read a Word submission into raw data and the images it embeds.

    The images are returned as ``{'<folder>/<file name>/bild-<n>.<ext>': bytes}``: paths
    relative to the edition, like a dropped file's ``relative``, as if inside the document
    (``folder`` is the one the file lies in). No dropped file can have such a path, and two
    documents' pictures never share one. The Markdown refers to them relative to ``folder``.
    Last come the notes for the receipt: what was left out or changed, located.
    """
    check_zip(name, content)
    document = _open(content)
    body = list(blocks(document.element.body))
    first_table = next((i for i, el in enumerate(body) if el.tag == qn("w:tbl")), None)
    if first_table is None:
        raise office_error("no_key_table")
    styles = Styles(document)
    _check_before_table(body[:first_table], styles)
    data, places, labels = _read_key_table(body[first_table])
    converter = MarkdownConverter(document.part, styles, name, folder, TEMPLATE_TEXTS)
    data["text"] = converter.convert(body[first_table + 1 :])
    notes = converter.notes + _revision_notes(document)
    raw = RawSubmission(
        data,
        key_places=places,
        text_places=converter.places,
        key_labels=labels,
        image_names=converter.image_names,
    )
    return raw, converter.images, notes


def _revision_notes(document: Any) -> list[ReadError]:
    """Tracked changes are read as if accepted, and comments are left out: say so."""
    body = document.element.body
    inserted = sum(1 for _ in body.iter(qn("w:ins"), qn("w:moveTo")))
    deleted = sum(1 for _ in body.iter(qn("w:del"), qn("w:moveFrom")))
    comments = len({c.get(qn("w:id")) for c in body.iter(qn("w:commentRangeStart"))}) or len(
        {c.get(qn("w:id")) for c in body.iter(qn("w:commentReference"))}
    )
    notes = []
    if inserted or deleted:
        notes.append(office_error("word_tracked_changes", inserted=inserted, deleted=deleted))
    if comments:
        notes.append(office_error("word_comments_left_out", count=comments))
    return notes


def _open(content: bytes) -> Any:
    strict = _is_strict(content)
    if strict:
        content = _as_transitional(content)
    try:
        with unreadable_as("Word-dokument"):
            # python-docx parses every XML part here, so a broken part fails here too.
            return docx.Document(io.BytesIO(content))
    except ReadError:
        if strict:
            raise office_error("word_strict_unreadable") from None
        raise


# Word's "Strict Open XML" names the same elements in other namespaces; python-docx knows
# only the usual ("transitional") ones, so a strict file is read with the names replaced.
_STRICT_NAMESPACES = {
    b"http://purl.oclc.org/ooxml/wordprocessingml/main": (
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    ),
    b"http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties": (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
    ),
    b"http://purl.oclc.org/ooxml/officeDocument/relationships": (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ),
    b"http://purl.oclc.org/ooxml/officeDocument/extendedProperties": (
        b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    ),
    b"http://purl.oclc.org/ooxml/officeDocument/": (
        b"http://schemas.openxmlformats.org/officeDocument/2006/"
    ),
    b"http://purl.oclc.org/ooxml/drawingml/": b"http://schemas.openxmlformats.org/drawingml/2006/",
}


def _is_strict(content: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return b"purl.oclc.org/ooxml" in archive.read("_rels/.rels")
    except (KeyError, zipfile.BadZipFile, OSError):
        return False


def _as_transitional(content: bytes) -> bytes:
    """The strict package with every XML part in the transitional namespaces (check_zip has
    bounded what the members unpack to)."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename.endswith((".xml", ".rels")):
                for strict, transitional in _STRICT_NAMESPACES.items():
                    data = data.replace(strict, transitional)
            target.writestr(member, data)
    return buffer.getvalue()


# ---------------------------------------------------------------- the key table


def _read_key_table(
    table: etree._Element,
) -> tuple[dict[str, Any], dict[KeyPath, str], dict[KeyPath, str]]:
    """The rows' data, where each key stands, and each key's name as the table shows it."""
    data: dict[str, Any] = {}
    places: dict[KeyPath, str] = {}
    labels = {_key_path(label): ROW_LABELS[label] for label in KEY_ROWS}
    seen: set[str] = set()
    rows = [row for row in table.iter(qn("w:tr")) if owning_table(row) is table]
    for number, row in enumerate(rows, start=1):
        cells = [c for c in row.iter(qn("w:tc")) if owning_table(c) is table]
        if not cells:
            continue
        written = plain_text(cells[0]).strip()
        label = written.casefold().rstrip(":* ").strip()
        value = plain_text(cells[1]).strip() if len(cells) > 1 else ""
        if not label and not value:
            continue
        if label == HEADER_LABEL:
            continue
        if not label:
            raise office_error("row_without_label", place=f"tabell 1, rad {number}")
        if label not in KEY_ROWS:
            raise _unknown_row(written, f"tabell 1, rad {number}")
        shown = written.rstrip(":* ").strip()
        labels[_key_path(label)] = shown
        place = f"tabell 1, raden {shown}"
        if len(cells) < 2:
            raise office_error("key_row_short", place=place)
        if label in seen:
            raise office_error("duplicate_row", place=place, label=ROW_LABELS[label])
        seen.add(label)
        if value:
            _store(label, value, place, data, places)
    labels[("bedömning",)] = labels[("bedömning", "nivå")]
    if "bedömning" in data:  # a missing level is missing at the row Bedömning
        places[("bedömning",)] = f"tabell 1, raden {labels[('bedömning',)]}"
    return data, places, labels


def _key_path(label: str) -> KeyPath:
    """The submission key a row fills: its own, or inside 'bedömning'."""
    if label in ("bedömning", "motivering"):
        return ("bedömning", "nivå" if label == "bedömning" else "motivering")
    return (label,)


def _unknown_row(written: str, place: str) -> Exception:
    known = [ROW_LABELS[label] for label in KEY_ROWS]
    close = difflib.get_close_matches(written.capitalize(), known, n=1, cutoff=0.6)
    if close:
        return office_error("unknown_row", place=place, label=written, suggestion=close[0])
    return office_error("unknown_row_plain", place=place, label=written, known=", ".join(known))


def _store(
    key: str, value: str, place: str, data: dict[str, Any], places: dict[KeyPath, str]
) -> None:
    """Put one row's value into the data the way the YAML formats would have it."""
    one_line = " ".join(value.split())
    if key in ("förvaltning", "typ", "id", "under"):
        # Word capitalises the first letter in a table cell; these values are lowercase.
        data[key] = one_line.lower()
    elif key in ("mål", "ordning"):
        # Not a number: keep the text so pydantic reports the Swedish type error.
        data[key] = int(one_line) if re.fullmatch(r"[+-]?\d+", one_line) else one_line
    elif key == "visionsmål":
        lines = [line.strip() for line in value.splitlines() if line.strip()]
        data[key] = [_vision_link(line, place) for line in lines]
        for index, line in enumerate(lines):
            places[(key, index)] = f'{place}, "{shorten(line, 30)}"'
    elif key == "kontakt":
        data[key] = _contact(one_line)
    elif key in ("bedömning", "motivering"):
        inner = "nivå" if key == "bedömning" else "motivering"
        shown = one_line.lower() if key == "bedömning" else one_line
        data.setdefault("bedömning", {})[inner] = shown
        places[("bedömning", inner)] = place
        return
    else:
        data[key] = one_line
    places[(key,)] = place


def _vision_link(line: str, place: str) -> dict[str, Any]:
    """'2: vänortsbesök' (or 'Visionsmål 2 – vänortsbesök') -> {'nummer': 2, 'genom': …}."""
    match = re.fullmatch(r"\s*(?:visionsmål\s*)?(\d+)\s*[:.–-]\s*(.+?)\s*", line, re.IGNORECASE)
    if match is None:
        raise office_error("vision_line", place=place, line=line.strip())
    return {"nummer": int(match[1]), "genom": match[2]}


_EMAIL = re.compile(r"[^\s,;:<>()\[\]]+@[^\s,;:<>()\[\]]+")


def _contact(text: str) -> dict[str, str]:
    """'Anna Svensson, anna.svensson@vastervik.se' -> {'namn': …, 'epost': …}."""
    contact: dict[str, str] = {}
    email = _EMAIL.search(text)
    if email:
        contact["epost"] = email[0]
        text = text[: email.start()] + text[email.end() :]
    name = text.strip(" ,;:<>()\t")
    if name:
        contact["namn"] = name
    return contact


def _check_before_table(before: list[etree._Element], styles: Styles) -> None:
    """Instructions may stand above the table; any other text there would be lost."""
    for block in before:
        text = plain_text(block).strip()
        if not text or INSTRUCTION_STYLE.casefold() in styles.chain(style_id(block)):
            continue
        raise office_error("text_before_table", place="före tabell 1", snippet=shorten(text))
