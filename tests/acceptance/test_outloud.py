"""The council's document checked by a tool this project did not write: outloud, a PDF/UA-1
and WCAG checker, on the final PDF, the draft and the archive copy (issue 15)."""

import pikepdf
import pytest
from outloud import check

from tests.support.pdf_structure import struct_elements, tag

# TBL-010, checked below: outloud's shredding heuristic counts row headers as header cells,
# so every table of one key figure (one header row, one row header, N values) trips it.
MISREAD = {"TBL-010"}


@pytest.fixture(scope="module")
def draft_pdf(demo_build, tmp_path_factory):
    from flows.orchestration.build import build_report

    outputs = tmp_path_factory.mktemp("outloud-draft")
    result = build_report(
        year=2025, inputs=demo_build.inputs, outputs=outputs, draft=True, settle_seconds=0
    )
    return result.pdf


@pytest.fixture(scope="module")
def archive_pdf(demo_build, tmp_path_factory):
    from flows.orchestration.build import build_report

    outputs = tmp_path_factory.mktemp("outloud-archive")
    result = build_report(
        year=2025, inputs=demo_build.inputs, outputs=outputs, archive=True, settle_seconds=0
    )
    assert result.archive_pdf.name == "agenda2030-2025-arkiv.pdf"
    return result.archive_pdf


@pytest.fixture(params=["final", "draft", "archive"])
def variant(request, demo_build):
    if request.param == "final":
        return demo_build.pdf
    return request.getfixturevalue(f"{request.param}_pdf")


def findings(path) -> list[tuple[str, str, int | None, str]]:
    result = check(str(path))
    assert result.error is None, result.error
    return [(f.rule, f.severity, f.page, f.message) for f in result.findings]


def test_outloud_finds_nothing_but_its_documented_misreading(variant):
    found = [f for f in findings(variant) if f[1] in ("error", "warning")]
    assert [f for f in found if f[0] not in MISREAD] == []


def test_tbl010_tables_are_correct_one_figure_tables(demo_build):
    """outloud's TBL-010 ('header cells look shredded') fires when a table has more header
    than data cells. A key-figure table of one figure over five years has six column headers
    (the corner and the years), one row header and five values: seven against five, yet no
    header is shredded. This asserts that structure for every table outloud names, so the
    exception covers that misreading and nothing else: one THead row of TH with /Scope
    /Column, every body row one TH with /Scope /Row followed by TDs, and each TD's /Headers
    naming its row header and its column header."""
    flagged = {f[2] for f in findings(demo_build.pdf) if f[0] == "TBL-010"}
    assert flagged, "outloud no longer misreads these tables: drop the exception"
    with pikepdf.open(demo_build.pdf) as pdf:
        tables = [e for e in struct_elements(pdf) if tag(e) == "/Table"]
        checked = 0
        for table in tables:
            groups = {tag(kid): kid for kid in table.K if isinstance(kid, pikepdf.Dictionary)}
            head, body = groups.get("/THead"), groups.get("/TBody")
            if head is None or body is None:
                continue
            head_rows, body_rows = list(head.K), list(body.K)
            head_cells = [cell for cell in head_rows[0].K]
            if len(body_rows) != 1:
                continue  # tables of two figures or more have more data than header cells
            checked += 1
            assert len(head_rows) == 1
            assert all(tag(c) == "/TH" and c.A.Scope == "/Column" for c in head_cells)
            row = list(body_rows[0].K)
            assert tag(row[0]) == "/TH" and row[0].A.Scope == "/Row"
            for column, cell in enumerate(row[1:], start=1):
                assert tag(cell) == "/TD"
                headers = {str(h) for h in cell.A.Headers}
                assert headers == {str(row[0].ID), str(head_cells[column].ID)}
        assert checked >= len(flagged) > 0


def test_running_heads_and_draft_mark_are_artifacts(draft_pdf):
    """No running head, folio or draft mark is in the tag tree: outloud's PAG-001 and
    TAG-020 stay silent, and the words 'UTKAST' are no structure element's text."""
    rules = {f[0] for f in findings(draft_pdf)}
    assert not rules & {"PAG-001", "TAG-020", "TBL-002", "LNK-004"}
    with pikepdf.open(draft_pdf) as pdf:
        contents = b"".join(stream.read_bytes() for stream in pdf.pages[3].Contents)
        assert b"/Artifact << /Type /Pagination >> BDC" in contents


def test_archive_copy_declares_pdf_a_and_pdf_ua(archive_pdf):
    with pikepdf.open(archive_pdf) as pdf:
        metadata = str(pdf.open_metadata())
        assert 'pdfaid:part="3"' in metadata and 'pdfaid:conformance="A"' in metadata
        assert 'pdfuaid:part="1"' in metadata
        assert "/StructTreeRoot" in pdf.Root and pdf.Root.MarkInfo.Marked
    assert "DOC-012" not in {f[0] for f in findings(archive_pdf)}
