"""The report's typefaces come from PyPI packages, never from the system, so every machine
renders the same pages. Source Sans Pro and Source Serif Pro: SIL Open Font License."""

from functools import cache
from pathlib import Path

import font_source_sans_pro
import font_source_serif_pro

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


def font_dirs() -> list[Path]:
    """Folders the renderer may read fonts from."""
    return sorted({directory for _, directory, *_ in _FACES})


@cache
def font_face_css() -> str:
    """@font-face rules for every face, as file URLs into the installed packages."""
    rules = []
    for family, directory, stem, weight, style in _FACES:
        url = (directory / f"{stem}.ttf").as_uri()
        rules.append(
            f'@font-face {{ font-family: "{family}"; src: url("{url}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)
