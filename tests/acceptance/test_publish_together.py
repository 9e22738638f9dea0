"""One build, published together: the receipt and the manifest name the same build, and a
build that does not publish says so in its receipt, beside the previous build's PDF and
manifest, which it leaves as they were. The real flow, in-process."""

import hashlib
import json
import shutil

import pytest

from tests.support.demo import BROKEN_FILE, TODAY


def read(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.mark.usefixtures("prefect_harness")
def test_a_build_that_does_not_publish_says_so_beside_the_previous_pdf(demo_inputs, tmp_path):
    from flows.orchestration.build import build_report

    def build(**options):
        return build_report(
            year=2025,
            inputs=demo_inputs,
            outputs=tmp_path,
            settle_seconds=0,
            today=TODAY,
            **options,
        )

    out = tmp_path / "2025"
    assert build().pdf == out / "agenda2030-2025.pdf"
    published = read(out)
    manifest = json.loads(published["manifest.json"])
    receipt = json.loads(published["validering.json"])
    config = (demo_inputs / "2025" / "rapport.yaml").read_bytes()
    assert manifest["inputs"][0]["sha256"] == hashlib.sha256(config).hexdigest()
    assert manifest["pdf"]["file"] == "agenda2030-2025.pdf"
    assert receipt["bygge"] == {
        "publicerad": True,
        "pdf": "agenda2030-2025.pdf",
        "pdf_sha256": hashlib.sha256(published["agenda2030-2025.pdf"]).hexdigest(),
        "indata_sha256": manifest["inputs_sha256"],
    }

    (demo_inputs / "2025" / "kultur-och-fritid" / "trasig.md").write_text(BROKEN_FILE, "utf-8")
    shutil.rmtree(demo_inputs / "2025" / "vastervik-miljo-energi")
    refused = build(strict=True)
    assert refused.pdf is None
    left = read(out)
    report_files = ("agenda2030-2025.pdf", "agenda2030-2025.html", "manifest.json")
    assert {name: left[name] for name in report_files} == {
        name: published[name] for name in report_files
    }
    receipt = json.loads(left["validering.json"])
    assert receipt["bygge"]["publicerad"] is False
    assert receipt["bygge"]["orsak"] == refused.error
    assert receipt["bygge"]["indata_sha256"] != manifest["inputs_sha256"]  # another build's
    assert "kultur-och-fritid/trasig.md" in {f["fil"] for f in receipt["filer"]}
    assert left["validering/index.html"] != published["validering/index.html"]
    assert not any(p.name.startswith(".2025.") and p.is_dir() for p in tmp_path.iterdir())
