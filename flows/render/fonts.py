"""The report's typefaces come from PyPI packages, never from the system, so every machine
renders the same pages. Source Sans Pro and Source Serif Pro set the text; the Noto fonts
(manimgx-fonts, noto-cjk-sans-jp-regular) draw every character those two lack: other scripts
(CJK, Ethiopic, Arabic, …), symbols and emoji. All under the SIL Open Font License.

The fallback families are named in the CSS variable ``--fallback``, which every
``font-family`` of the stylesheets lists after its own face, so a character is drawn by the
first family that has it and never as a box."""

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
    """Every character some face of the report has a glyph for."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency; read once per process

    codes: set[int] = set()
    paths = [directory / f"{stem}.ttf" for _, directory, stem, *_ in _FACES]
    for path in paths + [p for p in _FALLBACK_FILES if p.exists()]:
        with TTFont(path, lazy=True) as font:
            codes.update(font.getBestCmap() or {})
    return frozenset(codes)


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
