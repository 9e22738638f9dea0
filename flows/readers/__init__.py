"""Read a submission file by its format into plain data, remembering where every key stands.

The Office readers (python-docx, openpyxl) are imported only when such a file is dropped."""

from dataclasses import replace

from flows.readers.raw import RawSubmission, ReadError, decode
from flows.readers.text import read_markdown, read_yaml

WORD_SUFFIXES = ("docx", "docm", "dotm", "doc")
EXCEL_SUFFIXES = ("xlsx", "xlsm", "xltm", "xls")


def read_submission(name: str, content: bytes, folder: str = "") -> RawSubmission:
    """Dispatch on the file's suffix: Markdown with front matter, plain YAML, Word, Excel, or a
    Kolada response (JSON). ``folder`` is the department folder, for files that carry images."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in WORD_SUFFIXES + EXCEL_SUFFIXES + ("json",):
        # Imported here: python-docx and openpyxl are only loaded when such a file is dropped.
        from flows.readers.excel import read_xlsx_submission
        from flows.readers.kolada import read_kolada_json
        from flows.readers.word import read_docx

        if suffix in WORD_SUFFIXES:  # macro-enabled and old formats are refused with a reason
            raw, images, notes = read_docx(name, content, folder)
            return _with_notes(replace(raw, images=images), notes)
        if suffix in EXCEL_SUFFIXES:
            return read_xlsx_submission(name, content, folder)
        return read_kolada_json(name, content, folder)
    if suffix in ("md", "markdown"):
        return read_markdown(decode(content))
    if suffix in ("yaml", "yml"):
        return read_yaml(decode(content))
    raise ReadError("unsupported_format", suffix=f".{suffix}" if suffix else "(ingen)")


def _with_notes(raw: RawSubmission, notes: list[ReadError]) -> RawSubmission:
    """The reader's notes (what was left out or changed), for the receipt."""
    return replace(raw, notes=tuple(notes)) if notes else raw
