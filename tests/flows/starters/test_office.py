"""The starter files: what departments begin from, matching the readers, the same bytes each time."""

import io

import docx
import openpyxl

from flows.readers.word import INSTRUCTION_STYLE, KEY_ROWS, ROW_LABELS
from flows.readers.zipsafety import check_zip
from flows.starters.office import docx_template, xlsx_template


def test_docx_template_prefills_and_explains_every_row():
    """The key table has a header, every row with its explanation, and three filled values."""
    document = docx.Document(io.BytesIO(docx_template("kultur-och-fritid", 11, "Bibliotek")))
    table = document.tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Uppgift", "Ditt svar", "Förklaring"]
    assert [row[0] for row in rows[1:]] == [ROW_LABELS[label] for label in KEY_ROWS]
    assert rows[1][1:2] + rows[2][1:2] + rows[3][1:2] == ["kultur-och-fritid", "11", "Bibliotek"]
    assert all(row[2] for row in rows[1:]), "every row is explained"
    assert all(row[1] == "" for row in rows[4:])
    assert document.paragraphs[0].style.name == INSTRUCTION_STYLE
    assert any(p.style.name == "Heading 1" for p in document.paragraphs)
    assert document.core_properties.language == "sv-SE"


def test_templates_are_the_same_bytes_every_time():
    """No clock time in the starters: the same arguments give the same bytes."""
    assert docx_template("a", 1, None) == docx_template("a", 1, None)
    assert xlsx_template("a", 1) == xlsx_template("a", 1)


def test_templates_pass_the_zip_check():
    """The starters are accepted by the same safety check as the departments' files."""
    check_zip("bidrag.docx", docx_template("a", 1, None))
    check_zip("nyckeltal.xlsx", xlsx_template("a", 1))


def test_xlsx_template_has_header_example_settings_and_direction_choices():
    """Header row, one example row, 'Uppgifter' with Förvaltning and Mål, Riktning as a list."""
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_template("kultur-och-fritid", 11)))
    sheet = workbook["Nyckeltal"]
    assert [c.value for c in sheet[1]] == [
        "Nyckeltal",
        "Enhet",
        "År",
        "Värde",
        "Kolada-id",
        "Målvärde",
        "Riktning",
        "Källa",
    ]
    assert sheet.max_row == 2
    settings = workbook["Uppgifter"]
    assert [settings["A1"].value, settings["B1"].value] == ["Förvaltning", "kultur-och-fritid"]
    assert [settings["A2"].value, settings["B2"].value] == ["Mål", 11]
    lists = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert [(v.formula1, str(v.sqref)) for v in lists] == [('"högre,lägre"', "G2:G1000")]
