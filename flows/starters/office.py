"""Starter files for departments that write in Word or Excel: bidrag.docx and nyckeltal.xlsx.

Both are made in code, so they always match what the readers expect, and byte for byte
the same for the same arguments (fixed zip timestamps and document dates).
"""

import io
import re
import zipfile

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from flows.readers.excel import (
    EXAMPLE_ROW,
    FIGURE_COLUMNS,
    SETTINGS_SHEET,
)
from flows.readers.word import (
    INSTRUCTION_STYLE,
    ROW_LABELS,
    TEMPLATE_HEADING,
    TEMPLATE_TEXT,
)

# Dates written into the files' properties: the starters carry no clock time.
_FIXED_DATE = "2000-01-01T00:00:00Z"
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_DOCX_INSTRUCTIONS = [
    "Så här fyller du i bidraget: skriv uppgifterna i tabellens andra kolumn och din text "
    "under tabellen. Ta inte bort tabellen och ändra inte namnen i första kolumnen. "
    "Den tredje kolumnen förklarar raderna; den kommer inte med i rapporten.",
    "Gör underrubriker med formatmallen Rubrik 1 (och Rubrik 2 under den). Fetstil, kursiv, "
    "punktlistor, numrerade listor, länkar och enkla tabeller följer med. Varje bild måste ha "
    "alternativtext: högerklicka på bilden och välj Redigera alternativtext. Fotnoter, "
    "textrutor och diagram följer inte med; skriv källor i texten och klistra in diagram "
    "som bilder.",
    "Stycken i den här stilen (Anvisning) kommer inte med i rapporten. Spara som .docx "
    "(inte .docm) och lägg filen i din förvaltnings mapp.",
]

# (row, explanation) in the order of the table.
_DOCX_ROWS = [
    ("förvaltning", "Förvaltningens id, som i rapport.yaml och mappens namn. Redan ifyllt."),
    ("mål", "Vilket av de 17 globala målen bidraget gäller (1–17). Redan ifyllt."),
    ("rubrik", "Avsnittets rubrik i rapporten. Behövs utom när Typ är inledning."),
    ("typ", "avsnitt (om tomt) eller inledning, för kapitlets inledande text."),
    (
        "id",
        "Valfritt. Kort namn för avsnittet, t.ex. internationella-kontakter. Om tomt: rubriken.",
    ),
    ("under", "Valfritt. Id för det avsnitt som det här ska ligga under."),
    ("ordning", "Valfritt. Ett heltal; lägre kommer först."),
    (
        "visionsmål",
        "Valfritt. En rad per visionsmål som bidraget främjar: nummer, kolon och vad, "
        "t.ex. 2: vänortsbesök",
    ),
    ("kontakt", "Valfritt. Namn och e-post, t.ex. Anna Svensson, anna.svensson@kommun.se"),
    (
        "bedömning",
        "Valfritt, en per mål: uppfyllt, delvis uppfyllt, ej uppfyllt eller ej bedömt.",
    ),
    ("motivering", "Behövs om Bedömning är ifylld: varför målet bedöms så."),
]

_XLSX_SETTINGS = [
    ("Förvaltning", "Förvaltningens id, som i rapport.yaml och mappens namn."),
    ("Mål", "Vilket av de 17 globala målen nyckeltalen gäller (1–17)."),
    ("Rubrik", "Avsnittets rubrik i rapporten. Om tomt: Nyckeltal."),
    ("Under", "Valfritt. Id för det avsnitt som nyckeltalen ska ligga under."),
    ("Ordning", "Valfritt. Ett heltal; lägre kommer först."),
]


def docx_template(department: str, goal: int, title: str | None = None) -> bytes:
    """The Word starter: instructions, the key table (three columns) and example text."""
    document = docx.Document()
    _swedish_defaults(document)
    instruction = document.styles.add_style(INSTRUCTION_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    instruction.base_style = document.styles["Normal"]
    instruction.font.italic = True
    instruction.font.size = Pt(10)
    instruction.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    for text in _DOCX_INSTRUCTIONS:
        document.add_paragraph(text, style=INSTRUCTION_STYLE)

    prefilled = {"förvaltning": department, "mål": str(goal), "rubrik": title or ""}
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Uppgift", "Ditt svar", "Förklaring"), strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    _repeat_as_header(table.rows[0])
    for key, explanation in _DOCX_ROWS:
        cells = table.add_row().cells
        cells[0].text = ROW_LABELS[key]
        cells[1].text = prefilled.get(key, "")
        cells[2].text = explanation

    document.add_paragraph()
    document.add_heading(TEMPLATE_HEADING, level=1)
    document.add_paragraph(TEMPLATE_TEXT)
    properties = document.core_properties
    properties.title = title or f"Bidrag till mål {goal}"
    properties.language = "sv-SE"
    properties.author = department
    buffer = io.BytesIO()
    document.save(buffer)
    return _reproducible(buffer.getvalue())


def xlsx_template(department: str, goal: int, title: str | None = None) -> bytes:
    """The Excel starter: the key-figure sheet with one example row, and 'Uppgifter' (with
    the section's heading, when one is given)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Nyckeltal"
    sheet.append(FIGURE_COLUMNS)
    sheet.append(list(EXAMPLE_ROW))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGH", (44, 14, 8, 10, 12, 11, 10, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    column = {name: chr(ord("A") + i) for i, name in enumerate(FIGURE_COLUMNS)}
    direction = DataValidation(
        type="list",
        formula1='"högre,lägre"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Riktning",
        error="Skriv högre eller lägre: vilket håll som är bättre.",
    )
    direction.add(f"{column['Riktning']}2:{column['Riktning']}1000")
    year = DataValidation(
        type="whole",
        operator="between",
        formula1="2000",
        formula2="2100",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="År",
        error="Skriv året med fyra siffror, t.ex. 2024.",
    )
    year.add(f"{column['År']}2:{column['År']}1000")
    sheet.add_data_validation(direction)
    sheet.add_data_validation(year)

    settings = workbook.create_sheet(SETTINGS_SHEET)
    values = {"Förvaltning": department, "Mål": goal, "Rubrik": title}
    for label, explanation in _XLSX_SETTINGS:
        settings.append([label, values.get(label), explanation])
        settings.cell(settings.max_row, 1).font = Font(bold=True)
    settings.column_dimensions["A"].width = 14
    settings.column_dimensions["B"].width = 28
    settings.column_dimensions["C"].width = 70

    workbook.properties.title = f"Nyckeltal för mål {goal}"
    workbook.properties.creator = department
    workbook.properties.language = "sv-SE"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return _reproducible(buffer.getvalue())


def _swedish_defaults(document) -> None:
    """Swedish spelling and hyphenation in Word: the language of every run by default."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    run_properties = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    language = run_properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        run_properties.append(language)
    language.set(qn("w:val"), "sv-SE")


def _repeat_as_header(row) -> None:
    """Mark the first row as the table's header (repeated on each page, read as header)."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    properties.append(header)


def _reproducible(content: bytes) -> bytes:
    """Rewrite the zip with fixed member times and fixed dates in docProps/core.xml."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + _FIXED_DATE.encode() + rb"\g<2>",
                    data,
                )
            info = zipfile.ZipInfo(member.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, data)
    return buffer.getvalue()
