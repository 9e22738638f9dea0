"""The report's typefaces come from PyPI packages, never from the system, so every machine
renders the same pages. Source Sans Pro and Source Serif Pro set the text; the Noto fonts
(manimgx-fonts, noto-cjk-sans-jp-regular) draw every character those two lack: other scripts
(CJK, Ethiopic, Arabic, …), symbols and emoji. All under the SIL Open Font License.

The fallback families are named in the CSS variable ``--fallback``, which every
``font-family`` of the stylesheets lists after its own face, so a character is drawn by the
first family that has it and never as a box."""

import hashlib
import json
import os
import unicodedata
from functools import cache
from pathlib import Path

import font_source_sans_pro
import font_source_serif_pro
import manimgx_fonts
import noto_cjk_sans_jp_regular

# (family, directory, file stem, weight, style)
_FACES = [
    (family, Path(package.font_directory), f"{stem}-{variant}", weight, style)
    for family, package, stem in (
        ("Source Sans Pro", font_source_sans_pro, "SourceSansPro"),
        ("Source Serif Pro", font_source_serif_pro, "SourceSerifPro"),
    )
    for variant, weight, style in (
        ("Regular", 400, "normal"),
        ("It", 400, "italic"),
        ("Semibold", 600, "normal"),
        ("SemiboldIt", 600, "italic"),
        ("Bold", 700, "normal"),
        ("BoldIt", 700, "italic"),
    )
    if (Path(package.font_directory) / f"{stem}-{variant}.ttf").exists()
]

_NOTO = Path(manimgx_fonts.__file__).parent
_NOTO_CJK = Path(noto_cjk_sans_jp_regular.__file__).parent
# The fallback files, in the order they are tried: Latin, Greek and Cyrillic first, then the
# symbols, then the other scripts, CJK and emoji last.
_FALLBACK_FILES = [
    _NOTO / "NotoSans[wght].ttf",
    _NOTO / "NotoSansSymbols[wght].ttf",
    *sorted(
        p
        for p in _NOTO.glob("NotoSans*.ttf")
        if p.name not in ("NotoSans[wght].ttf", "NotoSans-Italic[wght].ttf")
        and not p.name.startswith("NotoSansSymbols")
    ),
    *sorted(_NOTO_CJK.glob("*.otf")),
    _NOTO / "NotoEmoji[wght].ttf",
]


def _fallback_family(path: Path) -> str:
    """'NotoSansEthiopic[wght].ttf' -> 'Fallback NotoSansEthiopic': a name no system font has."""
    return "Fallback " + path.name.split("[")[0].split(".")[0].split("-")[0]


FALLBACK_FAMILIES = tuple(_fallback_family(p) for p in _FALLBACK_FILES if p.exists())


def font_dirs() -> list[Path]:
    """Folders the renderer may read fonts from."""
    return sorted({directory for _, directory, *_ in _FACES} | {_NOTO, _NOTO_CJK})


@cache
def font_face_css() -> str:
    """@font-face rules for every face, as file URLs into the installed packages, and the
    ``--fallback`` variable that lists the fallback families."""
    rules = []
    for family, directory, stem, weight, style in _FACES:
        url = (directory / f"{stem}.ttf").as_uri()
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{url}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    for path in _FALLBACK_FILES:
        if path.exists():
            # Variable fonts: one file serves every weight; italic is slanted by the renderer.
            rules.append(
                f'@font-face {{ font-family: "{_fallback_family(path)}"; '
                f'src: url("{path.as_uri()}"); font-weight: 100 900; }}'
            )
    families = ", ".join(f'"{family}"' for family in FALLBACK_FAMILIES)
    rules.append(f":root {{ --fallback: {families}; }}")
    return "\n".join(rules)


@cache
def _drawable() -> frozenset[int]:
    """Every character some face of the report has a glyph for. Reading the fonts' character
    maps takes most of a second (the fallback fonts cover tens of thousands of characters), so
    the answer is kept per user, keyed by the font files' paths, sizes and times."""
    paths = [directory / f"{stem}.ttf" for _, directory, stem, *_ in _FACES]
    paths += [p for p in _FALLBACK_FILES if p.exists()]
    kept = _coverage_file(paths)
    if kept is not None and (codes := _read_coverage(kept)) is not None:
        return codes
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    found: set[int] = set()
    for path in paths:
        with TTFont(path, lazy=True) as font:
            found.update(font.getBestCmap() or {})
    codes = frozenset(found)
    if kept is not None:
        _write_coverage(kept, codes)
    return codes


def _coverage_file(paths: list[Path]) -> Path | None:
    """Where the coverage of these font files is kept: a folder of this user's own (mode 0700,
    as Jinja keeps its bytecode), None when there is no such place."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "agenda2030"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None  # somebody else's, or open to others: never trust what it holds
        key = hashlib.sha256()
        for path in paths:
            stat = path.stat()
            key.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    except (OSError, RuntimeError):  # no home folder, a read-only one
        return None
    return folder / f"tecken-{key.hexdigest()[:32]}.json"


def _read_coverage(path: Path) -> frozenset[int] | None:
    """The code points kept as [first, last] ranges (JSON: data, never code)."""
    try:
        ranges = json.loads(path.read_text("utf-8"))
        return frozenset(c for first, last in ranges for c in range(int(first), int(last) + 1))
    except (OSError, ValueError, TypeError):
        return None


def _write_coverage(path: Path, codes: frozenset[int]) -> None:
    ranges: list[list[int]] = []
    for code in sorted(codes):
        if ranges and code == ranges[-1][1] + 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    temporary = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        temporary.write_text(json.dumps(ranges), "utf-8")
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # only the next build's second is lost


def missing_glyphs(text: str) -> list[tuple[int, str]]:
    """(index, character) of each character in ``text`` that no font of the report can
    draw; spaces, line breaks and invisible format characters (joiners, variation
    selectors) need none."""
    drawable = _drawable()
    return [
        (index, char)
        for index, char in enumerate(text)
        if ord(char) not in drawable
        and not char.isspace()
        and unicodedata.category(char) not in ("Cf", "Mn", "Cc")
    ]
