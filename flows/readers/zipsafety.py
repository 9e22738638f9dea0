"""Look inside an Office file's zip container before any XML in it is parsed.

Office files are zip archives. A hostile or broken one can claim gigabytes of content
(a zip bomb), hide thousands of parts, or carry macros. Everything here reads only the
zip's central directory: no member is decompressed.
"""

import io
import zipfile

from flows.readers.raw import office_error

MAX_MEMBERS = 2_000
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 100
# A small, very repetitive part (an empty sheet, a styles part) may legitimately pack
# better than 100:1 and is harmless; only parts above this size are judged by ratio.
RATIO_FLOOR_BYTES = 1024 * 1024

MACRO_SUFFIXES = {".docm": ".docx", ".dotm": ".docx", ".xlsm": ".xlsx", ".xltm": ".xlsx"}
# The suffix a message tells the department to save as.
SAFE_SUFFIXES = {**MACRO_SUFFIXES, ".doc": ".docx", ".xls": ".xlsx", ".xlsx": ".xlsx"}
# An encrypted or pre-2007 Office file is an OLE compound file, not a zip.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_zip(
    name: str,
    content: bytes,
    *,
    max_members: int = MAX_MEMBERS,
    max_total_bytes: int = MAX_TOTAL_BYTES,
    max_ratio: float = MAX_RATIO,
) -> None:
    """Raise ReadError unless ``content`` is a plain, macro-free, modest zip.

    The declared sizes are safe to trust: Python's zipfile never inflates a member past
    its declared size (and fails on the CRC), so the limits also bound what the parsers
    python-docx and openpyxl will later read.
    """
    suffix = _suffix(name)
    safe_suffix = SAFE_SUFFIXES.get(suffix, ".docx")
    kind = "Excel-fil" if safe_suffix == ".xlsx" else "Word-dokument"
    if suffix in MACRO_SUFFIXES:
        raise office_error("macro", suffix=safe_suffix)
    if content.startswith(OLE_MAGIC):
        raise office_error("old_or_protected", suffix=safe_suffix)
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise office_error("not_office_file", kind=kind, suffix=safe_suffix) from None

    if len(members) > max_members:
        raise office_error("too_many_parts", count=len(members), limit=max_members, kind=kind)
    for member in members:
        if member.filename.rsplit("/", 1)[-1].lower() == "vbaproject.bin":
            raise office_error("macro", suffix=safe_suffix)
        if member.flag_bits & 0x1:
            raise office_error("encrypted_member", suffix=safe_suffix)
    total = sum(member.file_size for member in members)
    if total > max_total_bytes:
        raise office_error("too_large", size=_megabytes(total), limit=_megabytes(max_total_bytes))
    for member in members:
        if member.file_size <= RATIO_FLOOR_BYTES:
            continue
        ratio = member.file_size / max(member.compress_size, 1)
        if ratio > max_ratio:
            raise office_error("zip_bomb", member=member.filename, ratio=round(ratio))


def _suffix(name: str) -> str:
    return "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"
