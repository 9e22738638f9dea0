"""Draw the demo edition's pictures (the *.png files in inputs/2025/) with the report's own
fonts, so å, ä and ö come out right. Run once; the pictures are committed.

    .venv/bin/python docs/demo/pictures.py

The fonts are those the report is typeset with, from the PyPI font packages (the same
folders as flows/render/fonts.py), never a system font: every machine draws the same picture.
The captions are in the Markdown that shows each picture (its title, "Foto: …").
"""

import io
from pathlib import Path

import font_source_sans_pro
from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

EDITION = Path(__file__).resolve().parents[2] / "inputs" / "2025"
SANS = Path(font_source_sans_pro.font_directory)
# Drawn at twice the layout size: the picture is printed about 16 cm wide, so about 300 dpi.
SCALE = 2

INK = (26, 26, 26)  # the report's text colour
LAND = (246, 244, 236)
WATER = (10, 151, 217)
STREAM = (10, 120, 180)
WETLAND = (86, 192, 43)


def font(face: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(SANS / f"SourceSansPro-{face}.ttf"), size * SCALE)


def check_glyphs(face: str, text: str) -> None:
    """Fail rather than draw a box: every character of a label has a glyph in its font."""
    cmap = TTFont(SANS / f"SourceSansPro-{face}.ttf").getBestCmap()
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in cmap})
    if missing:
        raise ValueError(f"SourceSansPro-{face} has no glyph for {missing} in {text!r}")


def label(draw: ImageDraw.ImageDraw, xy, text: str, face: str, size: int, **kwargs) -> None:
    check_glyphs(face, text)
    x, y = xy
    draw.text((x * SCALE, y * SCALE), text, font=font(face, size), **kwargs)


def scaled(points):
    return [(x * SCALE, y * SCALE) for x, y in points]


def wetland_sketch() -> bytes:
    """Gamlebyviken, the streams that run into it and six of the wetlands along them."""
    width, height = 1000, 520
    image = Image.new("RGB", (width * SCALE, height * SCALE), LAND)
    draw = ImageDraw.Draw(image)
    bay = [(620, 520), (700, 300), (820, 220), (1000, 180), (1000, 520)]
    draw.polygon(scaled(bay), fill=WATER)
    label(draw, (970, 420), "Gamlebyviken", "Semibold", 26, fill="white", anchor="rm")
    streams = [
        [(80, 60), (260, 180), (460, 250), (700, 300)],
        [(120, 440), (330, 380), (520, 350), (690, 330)],
        [(430, 40), (520, 150), (640, 240), (720, 295)],
    ]
    for stream in streams:
        draw.line(scaled(stream), fill=STREAM, width=6 * SCALE, joint="curve")
    wetlands = [(250, 170), (400, 235), (320, 385), (500, 355), (515, 160), (600, 220)]
    for x, y in wetlands:
        dot(draw, x, y, 16)
    # The key: a dot drawn like those on the map, then the words (no symbol character).
    dot(draw, 56, 478, 12)
    label(draw, (80, 478), "våtmark anlagd 2021–2025", "Regular", 24, fill=INK, anchor="lm")
    return png(image)


def dot(draw: ImageDraw.ImageDraw, x: int, y: int, radius: int) -> None:
    box = scaled([(x - radius, y - radius), (x + radius, y + radius)])
    draw.ellipse(box, fill=WETLAND, outline=INK, width=3 * SCALE)


def png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


PICTURES = {"miljo-och-bygg/vatmarker-gamlebyviken.png": wetland_sketch}


def main() -> None:
    for relative, draw in PICTURES.items():
        (EDITION / relative).write_bytes(draw())
        print(EDITION / relative)


if __name__ == "__main__":
    main()
