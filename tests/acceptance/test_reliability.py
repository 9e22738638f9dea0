"""Untrusted files, crashes and concurrent runs (issue 5): nothing leaks, nothing is lost."""

import http.server
import sys
import threading
from pathlib import Path

import pikepdf
import pytest

from flows.gather import gather
from flows.merge import merge
from flows.readers.edition import load_edition
from flows.typesetting.part import RenderError
from flows.typesetting.report import typeset, typesetting
from flows.validate import validate_all
from tests.support.pdf_structure import page_texts
from tests.support.typesetting import typeset_html

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
        typeset_html(html, edition)
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
    setting = typesetting(demo_inputs / "2025", tmp_path / "delar", draft=False, archive=False)
    pdf_path = tmp_path / "rapport.pdf"
    pdf_path.write_bytes(typeset(report, setting).pdf)
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
    # A web address stays a link (http is allowed); the renderer never fetched it.
    assert not any(uri.startswith("file:") for uri in uris)
