"""Readers for submissions written in Word and Excel or fetched from Kolada, and starters.

Each reader checks the file first (zipsafety: no macros, no zip bombs) and returns the
same RawSubmission the Markdown and YAML readers return, with places instead of lines
('tabell 1, raden Mål'), so validation and its Swedish messages work unchanged.
"""

from flows.office.docx_reader import read_docx
from flows.office.kolada import kolada_values, read_kolada_json
from flows.office.messages import OFFICE_MESSAGES, OfficeReadError
from flows.office.starters import docx_template, xlsx_template
from flows.office.xlsx_reader import read_key_figures_xlsx, read_xlsx_submission
from flows.office.zipsafety import check_zip

__all__ = [
    "OFFICE_MESSAGES",
    "OfficeReadError",
    "check_zip",
    "docx_template",
    "kolada_values",
    "read_docx",
    "read_key_figures_xlsx",
    "read_kolada_json",
    "read_xlsx_submission",
    "xlsx_template",
]
