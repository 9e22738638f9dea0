"""Publishing (issue 5): an earlier PDF is kept, and a failed write loses nothing."""

import os

import pytest

from flows.publish import keep_earlier, write_atomically


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
