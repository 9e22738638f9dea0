"""One part typeset by WeasyPrint: tagged PDF/UA, text kept literal, and nothing read that
the edition does not hold."""

import io

import pikepdf
import pytest

from flows.render.html import render_html
from flows.settings import TEMPLATES_DIR
from flows.typesetting.part import PartJob, RenderError, typeset_part
from tests.support.typesetting import small_report, typeset_html


def test_submission_text_renders_literally(demo_report, tmp_path):
    report = small_report(demo_report.edition, "Summa {{ 7*7 }} och <b>fet</b> & {% raw %}")
    html = render_html(report, TEMPLATES_DIR)
    assert "{{ 7*7 }}" in html and "&lt;b&gt;fet&lt;/b&gt;" in html
    assert typeset_html(html, tmp_path).pdf.startswith(b"%PDF-1.7")


def test_pdf_is_tagged_swedish_and_ua(demo_report, tmp_path):
    rendered = typeset_html(
        render_html(small_report(demo_report.edition, "Text."), TEMPLATES_DIR), tmp_path
    )
    pdf = pikepdf.open(io.BytesIO(rendered.pdf))
    assert "/StructTreeRoot" in pdf.Root
    assert pdf.Root.MarkInfo.Marked
    assert str(pdf.Root.Lang) == "sv"
    assert "pdfuaid" in pdf.open_metadata().__str__() or "pdfuaid" in str(
        pdf.Root.Metadata.read_bytes()
    )


def test_missing_image_stops_the_render(demo_report, tmp_path):
    report = small_report(demo_report.edition, "![Ett foto](saknas.png)")
    with pytest.raises(RenderError, match="saknas.png"):
        typeset_html(render_html(report, TEMPLATES_DIR), tmp_path)


def test_file_outside_the_edition_is_never_read(demo_report, tmp_path):
    secret = tmp_path / "hemlig.png"
    secret.write_bytes(b"not really a png")
    edition = tmp_path / "utgava"
    edition.mkdir()
    report = small_report(demo_report.edition, "![Hemlig](../../hemlig.png)")
    with pytest.raises(RenderError, match="utanför"):
        typeset_html(render_html(report, TEMPLATES_DIR), edition)


def test_no_picture_metadata_reaches_the_pdf(demo_report, tmp_path):
    """A phone photo's EXIF (GPS position, camera owner) is dropped: WeasyPrint re-encodes
    JPEG pictures, and this keeps it so."""
    from PIL import Image

    exif = Image.Exif()
    exif[0x013B] = "Anna Fotografsdotter"  # Artist
    exif[0xA430] = "Kamerans Ägare"  # CameraOwnerName
    exif[0x8825] = {1: "N", 2: (57.0, 45.0, 30.0), 3: "E", 4: (16.0, 38.0, 12.0)}  # GPS
    photo = io.BytesIO()
    Image.new("RGB", (32, 24), (30, 120, 60)).save(photo, format="JPEG", exif=exif)
    assert b"Fotografsdotter" in photo.getvalue()  # the metadata is really there
    report = small_report(demo_report.edition, "![Våtmark](foto.jpg)")
    html = render_html(report, TEMPLATES_DIR)
    job = PartJob(
        "prov",
        html,
        tmp_path,
        TEMPLATES_DIR,
        embedded={"kommunledningskontoret/foto.jpg": photo.getvalue()},
    )
    pdf = typeset_part(job).pdf
    assert b"/Subtype /Image" in pdf or b"/Subtype/Image" in pdf
    for secret in (b"Fotografsdotter", "Ägare".encode(), b"Exif", b"GPS"):
        assert secret not in pdf
