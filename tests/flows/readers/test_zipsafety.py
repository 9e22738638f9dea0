"""The zip container is judged from its directory alone, before any XML is parsed."""

import pickle

import pytest

from flows.readers.excel import read_xlsx_submission
from flows.readers.raw import ReadError
from flows.readers.word import read_docx
from flows.readers.zipsafety import check_zip
from flows.starters.office import xlsx_template
from tests.support.documents import (
    DEPARTMENT,
    filled_docx,
    replaced_member,
    with_member,
)

FIFTY_MEGABYTES = 50 * 1024 * 1024


def refused(call, *args) -> ReadError:
    with pytest.raises(ReadError) as caught:
        call(*args)
    return caught.value


def test_zip_bomb_is_refused_before_the_document_is_parsed():
    """50 MB of deflated zeros is refused as a zip bomb even though document.xml is broken."""
    bomb = with_member(filled_docx(), "word/media/zeros.bin", bytes(FIFTY_MEGABYTES))
    bomb = replaced_member(bomb, "word/document.xml", lambda _: b"<not xml")
    error = refused(read_docx, "bidrag.docx", bomb, DEPARTMENT)
    assert error.code == "zip_bomb"
    assert "word/media/zeros.bin" in error.message and "säkerhetsskäl" in error.message


def test_small_repetitive_part_is_not_taken_for_a_bomb():
    """A part under 1 MB may pack better than 100:1 (an empty sheet); it is harmless."""
    content = with_member(filled_docx(), "customXml/empty.xml", bytes(500_000))
    check_zip("bidrag.docx", content)


def test_total_uncompressed_size_is_limited():
    """More uncompressed bytes than the limit is refused, with the sizes in megabytes."""
    error = refused(lambda: check_zip("bidrag.docx", filled_docx(), max_total_bytes=1000))
    assert error.code == "too_large" and "MB" in error.message


def test_number_of_parts_is_limited():
    """A zip with more members than the limit is refused."""
    error = refused(lambda: check_zip("bidrag.docx", filled_docx(), max_members=5))
    assert error.code == "too_many_parts"


def test_macro_enabled_suffix_is_refused_with_the_safe_suffix_named():
    """A .docm is refused by its name and the message says to save it as .docx."""
    error = refused(check_zip, "bidrag.docm", filled_docx())
    assert error.code == "macro"
    assert error.message == (
        "filen innehåller makron och tas inte emot av säkerhetsskäl; spara den som .docx"
    )


def test_vba_project_inside_a_docx_is_refused():
    """A macro project renamed into a .docx is still found and refused."""
    content = with_member(filled_docx(), "word/vbaProject.bin", b"macro bytes")
    assert refused(read_docx, "bidrag.docx", content, DEPARTMENT).code == "macro"


def test_xlsm_and_vba_in_xlsx_are_refused():
    """Excel with macros is refused by suffix and by content, naming .xlsx as the way out."""
    template = xlsx_template(DEPARTMENT, 17)
    by_name = refused(read_xlsx_submission, "nyckeltal.xlsm", template, DEPARTMENT)
    by_content = refused(
        read_xlsx_submission,
        "nyckeltal.xlsx",
        with_member(template, "xl/vbaProject.bin", b"macro"),
        DEPARTMENT,
    )
    assert by_name.code == by_content.code == "macro"
    assert by_name.message.endswith("spara den som .xlsx")


def test_a_file_that_is_not_a_zip_is_refused_in_swedish():
    """Plain text named .docx gets a message saying how to save it properly."""
    error = refused(read_docx, "bidrag.docx", b"hej hej", DEPARTMENT)
    assert error.code == "not_office_file" and "spara den på nytt som .docx" in error.message


def test_old_or_password_protected_office_file_is_named_as_such():
    """An OLE compound file (.doc, or any password-protected Office file) gets its own message."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    error = refused(read_docx, "bidrag.docx", ole, DEPARTMENT)
    assert error.code == "old_or_protected" and "lösenord" in error.message
    old_excel = refused(check_zip, "nyckeltal.xls", ole)
    assert old_excel.message.endswith("spara den som .xlsx utan lösenord")


def test_error_has_the_attributes_validate_reads_and_survives_pickling():
    """A ReadError has code, message, line, column and place, and survives pickling."""
    error = refused(check_zip, "x.dotm", b"")
    assert isinstance(error, ReadError)
    assert (error.line, error.column, error.place) == (None, None, None)
    assert str(error) == error.message
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.code, copy.message, copy.place) == (error.code, error.message, error.place)
