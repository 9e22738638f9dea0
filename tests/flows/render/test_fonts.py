"""The glyph check's font coverage, kept per user between processes."""

import json

from flows.render import fonts


def _fresh(monkeypatch, cache_home) -> frozenset[int]:
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    fonts._drawable.cache_clear()
    try:
        return fonts._drawable()
    finally:
        fonts._drawable.cache_clear()


def test_the_kept_coverage_is_the_fonts_own_and_is_read_back(tmp_path, monkeypatch):
    computed = _fresh(monkeypatch, tmp_path)
    kept = list((tmp_path / "agenda2030").glob("tecken-*.json"))
    assert len(kept) == 1 and (tmp_path / "agenda2030").stat().st_mode & 0o777 == 0o700
    assert ord("å") in computed and ord("€") in computed and 0x10FFFF not in computed
    # Read back, not recomputed: a range written into the file shows up in the answer.
    ranges = json.loads(kept[0].read_text("utf-8"))
    kept[0].write_text(json.dumps([*ranges, [0x10FFFF, 0x10FFFF]]), "utf-8")
    assert _fresh(monkeypatch, tmp_path) == computed | {0x10FFFF}


def test_a_cache_folder_open_to_others_is_never_trusted(tmp_path, monkeypatch):
    computed = _fresh(monkeypatch, tmp_path / "own")
    folder = tmp_path / "shared" / "agenda2030"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    name = next((tmp_path / "own" / "agenda2030").glob("tecken-*.json")).name
    (folder / name).write_text("[[0, 1114111]]", "utf-8")  # "every character can be drawn"
    assert _fresh(monkeypatch, tmp_path / "shared") == computed
