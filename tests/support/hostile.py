"""Hostile and unlucky inputs (issue 17): files that once crashed the build, leaked what lies
outside the drop folder, or were accepted as garbage. Each writer drops its case into an
edition folder; HOSTILE_FILES says what the receipt must say of it."""

import io
import json
import os
import socket
from collections.abc import Callable
from pathlib import Path

import docx
import openpyxl
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from tests.support.documents import add_picture, filled_docx, png

FOLDER = "kultur-och-fritid"  # the department whose folder takes the text cases
WORD_FOLDER = "kommunledningskontoret"  # the Word files of tests/support/documents.py
CANARY = "KANARIEFAGEL-7f3a"  # text of a file outside the drop folder that must never be read


def front(goal: str, title: str, extra: str = "", text: str = "Text.") -> str:
    return f"---\nförvaltning: {FOLDER}\nmål: {goal}\nrubrik: {title}\n{extra}---\n{text}\n"


def word_table_cell(attribute: str, value: str) -> Callable:
    """A Word body with a table whose first cell carries ``attribute`` = ``value``."""

    def body(document: docx.document.Document) -> None:
        document.add_paragraph("Tabellen nedan.")
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "År", "Antal"
        properties = table.cell(0, 0)._tc.get_or_add_tcPr()
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), value)
        properties.append(span)

    return body


def word_list_level(level: str) -> Callable:
    def body(document: docx.document.Document) -> None:
        paragraph = document.add_paragraph("En punkt", style="List Bullet")
        number = OxmlElement("w:numPr")
        for tag, value in (("w:ilvl", level), ("w:numId", "1")):
            element = OxmlElement(tag)
            element.set(qn("w:val"), value)
            number.append(element)
        paragraph._p.get_or_add_pPr().append(number)

    return body


def word_with_picture(colour: tuple[int, int, int], alt: str) -> bytes:
    def body(document: docx.document.Document) -> None:
        add_picture(document.add_paragraph(), png(colour), alt)

    return filled_docx(body=body, title=alt, goal=11)


def excel_goal_true() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Nyckeltal"
    sheet.append(["Förvaltning", "Mål", "Nyckeltal", "Enhet", "År", "Värde"])
    sheet.append([FOLDER, True, "Besök", "antal", 2024, 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def kolada(values: list) -> bytes:
    return json.dumps(
        {
            "förvaltning": FOLDER,
            "mål": 11,
            "namn": "Besök",
            "enhet": "antal",
            "kolada_svar": {"values": values},
        }
    ).encode()


def deep_kolada() -> bytes:
    return b'{"kolada_svar": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"


def write(folder: Path, name: str, content: bytes | str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        path.write_text(content, "utf-8")
    else:
        path.write_bytes(content)


# path in the edition -> (what to write, what the receipt says: status, code of the first
# problem or note, its line, words its message has). Lines are None where a format has none.
HOSTILE_FILES: dict[str, tuple[bytes | str, dict]] = {
    f"{WORD_FOLDER}/word-cellbredd-upphojd.docx": (
        filled_docx(body=word_table_cell("w:gridSpan", "²"), title="Cellbredd upphöjd"),
        {"status": "godkänd"},
    ),
    f"{WORD_FOLDER}/word-cellbredd-enorm.docx": (
        filled_docx(
            body=word_table_cell("w:gridSpan", "2000000000000000000"), title="Cellbredd enorm"
        ),
        {"status": "godkänd"},
    ),
    f"{WORD_FOLDER}/word-listniva-upphojd.docx": (
        filled_docx(body=word_list_level("²"), title="Listnivå upphöjd"),
        {"status": "godkänd"},
    ),
    f"{FOLDER}/mal-5000-siffror.md": (
        front("1" * 5000, "Stort mål"),
        {"status": "avvisad", "kod": "int_parsing_size", "rad": 3},
    ),
    f"{FOLDER}/kolada-djup.json": (deep_kolada(), {"status": "avvisad", "kod": "too_complex"}),
    f"{FOLDER}/kolada-upphojd-period.json": (
        kolada([{"kpi": "N00001", "period": "²⁰²⁴", "municipality": "0883", "values": []}]),
        {"status": "avvisad", "kod": "kolada_period", "text": "²⁰²⁴"},
    ),
    f"{FOLDER}/mjuk-radbrytning.md": (
        front("11", "Ett\x0bbyte"),
        {"status": "avvisad", "kod": "control_character", "rad": 4, "text": "U+000B"},
    ),
    f"{FOLDER}/nyckel-som-lista.md": (
        f"---\nförvaltning: {FOLDER}\n[mål, rubrik]: 11\n---\nText.\n",
        {"status": "avvisad", "kod": "yaml_key_not_text", "rad": 3},
    ),
    f"{FOLDER}/ankare-som-saknas.md": (
        front("11", "Med ankare", text="Se [avsnittet](#finns-inte)."),
        {
            "status": "godkänd med råd",
            "anmärkning": "link_as_text",
            "rad": 6,
            "text": "#finns-inte",
        },
    ),
    f"{FOLDER}/lankar-utanfor.md": (
        front(
            "11",
            "Länkar ut",
            text="Hämta [programmet](//server/share/x.exe) eller [filen](../../etc/x).",
        ),
        {
            "status": "godkänd med råd",
            "anmärkning": "link_as_text",
            "rad": 6,
            "text": "//server/share",
        },
    ),
    f"{FOLDER}/nan-och-inf.md": (
        front(
            "11",
            "Konstiga tal",
            extra="nyckeltal:\n  - namn: Besök\n    enhet: antal\n"
            "    värden: {2022: nan, 2023: inf, 2024: 1e999, 2025: " + "9" * 400 + "}\n",
        ),
        {"status": "avvisad", "kod": "number_not_finite", "rad": 8},
    ),
    f"{FOLDER}/sant-som-mal.xlsx": (
        excel_goal_true(),
        {"status": "avvisad", "kod": "truth_value_not_number", "text": "SANT"},
    ),
    f"{FOLDER}/svenska-bildnamn.md": (
        front(
            "11",
            "Bilder med å och mellanslag",
            text='![Våtmark](våtmark.png "Foto: Anna Berg")\n\n![Bild](<bild 1.png> "Foto: Per Ek")',
        ),
        {"status": "godkänd"},
    ),
    f"{FOLDER}/undermapp/bild-i-undermapp.md": (
        front("11", "Bild i undermapp", text="![Bild i undermappen](bild.png)"),
        {"status": "godkänd med råd", "anmärkning": "image_without_credit", "rad": 6},
    ),
    f"{WORD_FOLDER}/bild-ett.docx": (
        word_with_picture((200, 0, 0), "Röd ruta"),
        {"status": "godkänd"},
    ),
    f"{WORD_FOLDER}/bild-tva.docx": (
        word_with_picture((0, 0, 200), "Blå ruta"),
        {"status": "godkänd"},
    ),
}
PICTURES = {
    f"{FOLDER}/våtmark.png": png((0, 120, 0)),
    f"{FOLDER}/bild 1.png": png((120, 0, 0)),
    f"{FOLDER}/undermapp/bild.png": png(),
}


def drop_hostile_files(edition: Path) -> None:
    """Every file case of HOSTILE_FILES, and the pictures they use, into the edition."""
    for name, (content, _) in HOSTILE_FILES.items():
        write(edition, name, content)
    for name, content in PICTURES.items():
        write(edition, name, content)


def drop_hostile_entries(edition: Path, outside: Path) -> dict[str, str]:
    """Entries that are not plain files of a department: links, a FIFO, a socket, misplaced
    files. ``outside`` is a folder beside the edition holding a canary. Returns name -> the
    status the receipt must give it."""
    canary = outside / "hemlig.md"
    canary.write_text(front("11", "Hemligt", text=CANARY), "utf-8")
    folder = edition / FOLDER
    (folder / "genvag.md").symlink_to(canary)
    (folder / "brusten-genvag.md").symlink_to(outside / "finns-inte.md")
    (folder / "slinga.md").symlink_to(folder / "slinga.md")
    os.link(canary, folder / "hard-lank.md")
    os.mkfifo(folder / "ror.md")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "uttag.md"))
    server.close()
    linked = outside / "annan-forvaltning"
    linked.mkdir()
    (linked / "bidrag.md").write_text(front("11", "Via genväg", text=CANARY), "utf-8")
    (edition / "lankad-mapp").symlink_to(linked, target_is_directory=True)
    (edition / "direkt-i-utgavan.md").write_text(front("11", "Fel plats"), "utf-8")
    (edition / "kultur-fritid").mkdir()
    (edition / "kultur-fritid" / "felstavad-mapp.md").write_text(front("11", "Fel mapp"), "utf-8")
    # A name that is not valid UTF-8 (Latin-1 'ä'), as an old Windows share may write it.
    descriptor = os.open(
        os.path.join(os.fsencode(folder), b"bidr\xe4g.md"), os.O_WRONLY | os.O_CREAT
    )
    os.write(descriptor, front("11", "Fel teckenkodning i namnet").encode())
    os.close(descriptor)
    future = folder / "framtida.md"
    future.write_text(front("11", "Från framtiden"), "utf-8")
    os.utime(future, (4_102_444_800, 4_102_444_800))  # year 2100
    return {
        f"{FOLDER}/genvag.md": "ignorerad",
        f"{FOLDER}/brusten-genvag.md": "ignorerad",
        f"{FOLDER}/slinga.md": "ignorerad",
        f"{FOLDER}/hard-lank.md": "ignorerad",
        f"{FOLDER}/ror.md": "ignorerad",
        f"{FOLDER}/uttag.md": "ignorerad",
        "lankad-mapp": "ignorerad",
        "direkt-i-utgavan.md": "ignorerad",
        "kultur-fritid/felstavad-mapp.md": "avvisad",
        f"{FOLDER}/bidr\ufffdg.md": "ignorerad",
        f"{FOLDER}/framtida.md": "godkänd",
    }
