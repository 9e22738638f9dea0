"""Untrusted files, crashes and concurrent runs (issue 5): nothing leaks, nothing is lost."""

import dataclasses
import http.server
import os
import sys
import threading
import time
from pathlib import Path

import pikepdf
import pytest

from flows.edition import load_edition
from flows.gather import gather
from flows.isolation import RenderJob, job_for, render_isolated, render_resilient
from flows.merge import merge
from flows.publish import keep_earlier, write_atomically
from flows.render import RenderError, render_pdf
from flows.settings import TEMPLATES_DIR
from flows.validate import validate_all

from .pdf_structure import page_texts

AGENDA2030 = Path(sys.executable).parent / "agenda2030"
CANARY = "KANARIEFÅGEL-7f3a"


class CountingServer(http.server.ThreadingHTTPServer):
    """A loopback HTTP server that only counts the requests it gets."""

    def __init__(self):
        self.requests = 0
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - the stdlib's name
                server.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { color: red }")

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@pytest.fixture
def server():
    httpd = CountingServer()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


@pytest.fixture
def canary(tmp_path) -> Path:
    path = tmp_path / "hemligt.txt"
    path.write_text(CANARY)
    return path


def hostile_documents(server_url: str, canary: Path) -> dict[str, str]:
    secret = canary.as_uri()
    return {
        "image from a local file": f'<img src="{secret}" alt="x">',
        "image from the network": f'<img src="{server_url}/bild.png" alt="x">',
        "stylesheet from the network": f'<link rel="stylesheet" href="{server_url}/a.css">',
        "css import": f"<style>@import url('{server_url}/b.css');</style>",
        "css import of a local file": f"<style>@import url('{secret}');</style>",
        "attachment of a local file": f'<link rel="attachment" href="{secret}">',
        "font from the network": f"<style>@font-face {{ font-family: X; src: url('{server_url}/f.ttf') }}"
        " p { font-family: X }</style>",
    }


@pytest.mark.parametrize("case", sorted(hostile_documents("http://x", Path("/x"))))
def test_renderer_fetches_nothing_outside_the_edition(case, server, canary, tmp_path):
    html = f"<html lang='sv'><head><title>t</title></head><body><p>Text</p>{hostile_documents(server.url, canary)[case]}</body></html>"
    edition = tmp_path / "utgava"
    edition.mkdir()
    with pytest.raises(RenderError):
        render_pdf(html, edition, TEMPLATES_DIR, identifier="prov")
    assert server.requests == 0


HOSTILE_SUBMISSION = """---
förvaltning: kultur-och-fritid
mål: 11
rubrik: Försök att läcka
---
<img src="{secret}"> <script>alert(1)</script> {{{{ 7*7 }}}} {{% include "report.html" %}}

<link rel="attachment" href="{secret}">

[Klicka här]({url}/x) och [här](file://{secret_path}).
"""


def test_hostile_submission_renders_as_plain_text_and_leaks_nothing(
    demo_inputs, server, canary, tmp_path
):
    folder = demo_inputs / "2025" / "kultur-och-fritid"
    (folder / "lacka.md").write_text(
        HOSTILE_SUBMISSION.format(secret=canary.as_uri(), url=server.url, secret_path=canary),
        "utf-8",
    )
    (folder / "lacka-bild.md").write_text(
        f"---\nförvaltning: kultur-och-fritid\nmål: 11\nrubrik: Bild från nätet\n---\n"
        f"![Bild]({server.url}/bild.png)\n",
        "utf-8",
    )
    edition = load_edition(demo_inputs / "2025" / "rapport.yaml")
    checked = validate_all(gather(demo_inputs / "2025"), edition)
    by_file = {c.file: c for c in checked}
    assert by_file["kultur-och-fritid/lacka.md"].accepted  # shown as text
    assert by_file["kultur-och-fritid/lacka-bild.md"].problems[0].code == "image_outside"
    report = merge(edition, checked)
    job = job_for(report, checked, TEMPLATES_DIR, demo_inputs / "2025", draft=False, archive=False)
    pdf_path = tmp_path / "rapport.pdf"
    pdf_path.write_bytes(render_isolated(job).pdf)
    text = " ".join(page_texts(pdf_path))
    assert server.requests == 0
    assert CANARY not in text
    assert "{{ 7*7 }}" in text and "<script>alert(1)</script>" in text
    with pikepdf.open(pdf_path) as pdf:
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        uris = [
            str(a.A.URI)
            for page in pdf.pages
            for a in page.get("/Annots", [])
            if "/A" in a and "/URI" in a.A
        ]
    assert not any(uri.startswith(("file:", server.url)) for uri in uris)


def nested_html(depth: int) -> str:
    return (
        "<html lang='sv'><body>" + "<div>" * depth + "djupt" + "</div>" * depth + "</body></html>"
    )


def job(html: str, tmp_path: Path) -> RenderJob:
    import datetime as dt

    return RenderJob(html, tmp_path, TEMPLATES_DIR, "prov", dt.date(2026, 1, 1))


def test_a_render_that_takes_too_long_is_stopped(tmp_path):
    started = time.monotonic()
    with pytest.raises(RenderError, match="tog mer än"):
        render_isolated(job(nested_html(10), tmp_path), timeout=0.05)
    assert time.monotonic() - started < 30


def test_a_render_that_exhausts_memory_is_stopped(tmp_path):
    long = "<html lang='sv'><body>" + ("<p>" + "ord " * 200 + "</p>") * 3000 + "</body></html>"
    with pytest.raises(RenderError, match="avbröts|minnesgränsen|tog mer än"):
        # Starved of memory a render may fail fast or crawl; either way it is stopped.
        render_isolated(job(long, tmp_path), memory_mb=150, timeout=60)


def test_pathological_nesting_fails_in_the_child_not_the_build(tmp_path):
    with pytest.raises(RenderError):
        render_isolated(job(nested_html(3000), tmp_path), timeout=120)


def test_the_submission_that_breaks_the_render_is_found_and_left_out(demo_report, tmp_path):
    edition = demo_report.edition
    from flows.gather import Disposition, DroppedFile
    from flows.validate import validate_file

    def dropped(name: str, goal: int) -> DroppedFile:
        content = f"---\nförvaltning: kultur-och-fritid\nmål: {goal}\nrubrik: {name}\n---\nText om {name}.\n".encode()
        return DroppedFile(
            f"kultur-och-fritid/{name}.md",
            "kultur-och-fritid",
            len(content),
            "x",
            Disposition.SUBMISSION,
            content,
        )

    checked = [validate_file(dropped(n, g), edition, {}) for n, g in (("bra", 3), ("dalig", 11))]
    edition_dir = tmp_path / "utgava"
    edition_dir.mkdir()

    def make_job(report, items):
        made = job_for(report, items, TEMPLATES_DIR, edition_dir, draft=False, archive=False)
        if any(item.file.endswith("dalig.md") and item.accepted for item in items):
            # Stands in for content that passes validation yet cannot be typeset.
            broken = made.html.replace("Text om dalig.", '<img src="finns-inte.png" alt="x">')
            return dataclasses.replace(made, html=broken)
        return made

    outcome = render_resilient(edition, checked, make_job, timeout=120)
    by_file = {c.file: c for c in outcome.checked}
    assert by_file["kultur-och-fritid/bra.md"].accepted
    assert by_file["kultur-och-fritid/dalig.md"].problems[0].code == "render_failed"
    pdf_path = tmp_path / "rapport.pdf"
    pdf_path.write_bytes(outcome.rendered.pdf)
    assert "Text om bra." in " ".join(page_texts(pdf_path))


def test_an_earlier_pdf_is_kept_before_it_is_replaced(tmp_path):
    path = tmp_path / "agenda2030-2025.pdf"
    assert keep_earlier(path, b"first") is None
    write_atomically(path, b"first")
    assert keep_earlier(path, b"first") is None  # same bytes: nothing to keep
    kept = keep_earlier(path, b"second")
    assert kept.read_bytes() == b"first" and kept.parent.parent.name == "arkiv"


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "fil.json"
    write_atomically(path, b"gammal")

    def broken_replace(*args):
        raise OSError("disken är full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        write_atomically(path, b"ny")
    assert path.read_bytes() == b"gammal"
    assert [p.name for p in tmp_path.iterdir()] == ["fil.json"]
