"""A Word document's body, after the key table, as Markdown; and the XML helpers for it.

Headings ('Heading 1' / 'Rubrik 1' and styles based on them) become '###' and deeper (the
renderer shifts levels to the section), bold and italic become ** and *, list paragraphs
'- ' and '1. ', hyperlinks [text](url), tables pipe tables (first row as header), and
pictures ![alt](name) with their bytes collected. Word's text is escaped, so characters
like * or # stay text. What cannot be carried over (footnotes, charts, text boxes,
formulas, pictures without alt text) is an error, never a silent loss.

Tracked changes are read as accepted: insertions are text, deletions are not.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any
from urllib.parse import quote

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from lxml import etree
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

from flows.readers.raw import ReadError, first_words, office_error, shorten

IMAGE_FORMATS = {"png": "png", "jpg": "jpg", "jpeg": "jpg"}

_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_MATH = "http://schemas.openxmlformats.org/officeDocument/2006/math"
_VML = "urn:schemas-microsoft-com:vml"
_PICTURE_URI = "http://schemas.openxmlformats.org/drawingml/2006/picture"
_CHART_URI = "http://schemas.openxmlformats.org/drawingml/2006/chart"

# Wrappers whose children are ordinary content.
_TRANSPARENT = {
    qn("w:ins"),
    qn("w:moveTo"),
    qn("w:smartTag"),
    qn("w:customXml"),
    qn("w:sdtContent"),
    qn("w:dir"),
    qn("w:bdo"),
}
# Tracked deletions and moved-away text (Word shows them struck out) and properties.
_SKIPPED = {qn("w:del"), qn("w:moveFrom"), qn("w:pPr"), qn("w:rPr"), qn("w:sdtPr")}


def blocks(container: etree._Element) -> Iterator[etree._Element]:
    """Top-level paragraphs and tables in order, looking through content controls."""
    for child in container:
        if child.tag in (qn("w:p"), qn("w:tbl")):
            yield child
        elif child.tag in (qn("w:sdt"), qn("w:customXml"), qn("w:sdtContent")):
            yield from blocks(child)
        elif child.tag == qn("w:altChunk"):
            raise office_error("unsupported_object", what="ett inklistrat dokument")


def plain_text(element: etree._Element) -> str:
    """The visible text of a cell or paragraph; paragraphs and line breaks become newlines."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        for child in node:
            tag = child.tag
            if tag in _SKIPPED or tag == f"{{{_MC}}}Fallback":
                continue
            if tag == qn("w:t"):
                parts.append(child.text or "")
            elif tag in (qn("w:tab"), qn("w:noBreakHyphen")):
                parts.append(" " if tag == qn("w:tab") else "-")
            elif tag in (qn("w:br"), qn("w:cr")):
                parts.append("\n")
            else:
                walk(child)
            if tag == qn("w:p"):
                parts.append("\n")

    walk(element)
    return "".join(parts)


def owning_table(element: etree._Element) -> etree._Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != qn("w:tbl"):
        parent = parent.getparent()
    return parent


def style_id(paragraph: etree._Element) -> str | None:
    style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style.get(qn("w:val")) if style is not None else None


class Styles:
    """Style lookups by id: the names (and ids) of a style and the styles it is based on."""

    def __init__(self, document: Any):
        self._styles = document.styles.element

    def chain(self, style_id: str | None) -> list[str]:
        found: list[str] = []
        for _ in range(10):  # basedOn chains are short; the bound guards against cycles
            if style_id is None:
                break
            style = self._styles.get_by_id(style_id)
            found.append(style_id.casefold())
            if style is None:
                break
            if style.name_val:
                found.append(style.name_val.casefold())
            style_id = style.basedOn_val
        return found

    def run_property(self, style_id: str | None, tag: str) -> bool:
        """Whether a character style (or a style it is based on) turns on bold or italic."""
        for _ in range(10):
            style = self._styles.get_by_id(style_id) if style_id else None
            if style is None:
                return False
            if _is_on(style.find(f"{qn('w:rPr')}/{qn(tag)}")):
                return True
            style_id = style.basedOn_val
        return False


def _is_on(toggle: etree._Element | None) -> bool:
    return toggle is not None and toggle.get(qn("w:val"), "true") not in ("0", "false", "off")


@dataclass(frozen=True)
class _Span:
    """A piece of a paragraph: text with its formatting, a line break, or ready Markdown."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    kind: str = "text"  # "text", "break" or "markdown"


_HEADING = re.compile(r"^(?:heading|rubrik)\s*([1-9])$")
_LIST_STYLE = re.compile(
    r"^(list bullet|list number|punktlista|numreradlista|numrerad lista)\s*(\d)?$"
)


class MarkdownConverter:
    """Turns the blocks after the key table into Markdown, collecting images on the way."""

    def __init__(
        self,
        part: DocumentPart,
        styles: Styles,
        stem: str,
        folder: str,
        forbidden_texts: frozenset[str] = frozenset(),
    ):
        """``stem`` is the document's file name, which names its images ('<stem>/bild-1.png');
        ``forbidden_texts`` are a template's example paragraphs, an error if still there."""
        self.part, self.styles, self.stem, self.folder = part, styles, stem, folder
        self.forbidden_texts = forbidden_texts
        self.images: dict[str, bytes] = {}
        self.image_names: dict[str, str] = {}  # name in the Markdown -> the picture's own name
        self._names: dict[str, str] = {}  # image part name -> name in the Markdown
        self._image_count = 0
        self._paragraphs = 0
        self._tables = 1  # the key table is table 1
        self._place = ""
        self._last_text = ""  # the last paragraph with text, to place those without
        self._heading = ""  # the last heading, to place what stands under it
        self._boxes: list[str] = []  # text boxes met in the paragraph being read
        self._footnotes: list[str] = []  # the notes' Markdown definitions, in order
        self.notes: list[ReadError] = []  # what was left out or changed, for the receipt
        # Where each line of the Markdown stands in Word (0-based line -> place), so that a
        # problem found in the text is told in Word's words, not by a line Word never shows.
        self.places: dict[int, str] = {}

    def convert(self, blocks: list[etree._Element]) -> str:
        """The blocks as Markdown, with the footnotes' texts after them."""
        pieces = self._pieces(blocks)
        pieces += [(note, ["i en fotnot"]) for note in self._footnotes]
        line = 0
        for markdown, places in pieces:
            for index in range(markdown.count("\n") + 1):
                self.places[line + index] = places[min(index, len(places) - 1)]
            line += markdown.count("\n") + 2  # and the blank line between blocks
        return "\n\n".join(markdown for markdown, _ in pieces)

    def _convert(self, blocks: list[etree._Element]) -> str:
        return "\n\n".join(markdown for markdown, _ in self._pieces(blocks))

    def _pieces(self, blocks: list[etree._Element]) -> list[tuple[str, list[str]]]:
        """The blocks' Markdown, each with the place in Word of each of its lines."""
        out: list[tuple[str, list[str]]] = []
        list_lines: list[str] = []
        list_places: list[str] = []
        widths: list[int] = []  # marker width per list level, for nested indentation
        for block in blocks:
            if block.tag == qn("w:tbl"):
                self._tables += 1
                self._place = self._under(f"tabell {self._tables}")
                markdown, item = self._table(block), None
                self._place = self._under(f"tabell {self._tables}")
            else:
                markdown, item = self._paragraph(block)
                if not markdown:
                    continue  # an empty paragraph is only spacing; it must not split a list
            if item is not None:
                level, marker = item
                widths = widths[:level] + [2] * max(0, level - len(widths))
                list_lines.append(" " * sum(widths) + marker + markdown)
                list_places += [self._place] * (markdown.count("\n") + 1)
                widths.append(len(marker))
                continue
            if list_lines:
                out.append(("\n".join(list_lines), list_places))
                list_lines, list_places, widths = [], [], []
            if markdown:
                out.append((markdown, [self._place]))
        if list_lines:
            out.append(("\n".join(list_lines), list_places))
        return out

    # -- paragraphs

    def _paragraph(self, paragraph: etree._Element) -> tuple[str, tuple[int, str] | None]:
        """The paragraph's Markdown and, for a list item, (level, marker)."""
        text = plain_text(paragraph).strip()
        if not text and not _has_content(paragraph):
            return "", None
        self._paragraphs += 1
        chain = self.styles.chain(style_id(paragraph) or "Normal")
        level = _heading_level(chain)
        if level is not None and text:
            self._place = f'rubriken "{first_words(text)}"'
            self._heading = text
        else:
            self._place = self._under(
                f'stycket som börjar "{first_words(text)}"' if text else self._after()
            )
        if text:
            self._last_text = text
        if text in self.forbidden_texts:
            raise office_error("template_text_left", place=self._place, snippet=shorten(text))
        spans = self._spans(paragraph)
        if level is not None:
            plain = [replace(s, bold=False, italic=False) for s in spans if s.kind != "break"]
            heading = _render(plain).strip()
            if heading:
                return "#" * min(6, level + 2) + " " + heading, None
        rendered, dropped = _render_checked(spans)
        if dropped:
            self._note("word_formatting_dropped")
        markdown = _escape_line_starts(rendered.strip())
        item = self._list_item(paragraph, chain)
        boxes, self._boxes = self._boxes, []
        if boxes:
            quoted = "\n>\n".join(_quoted_block(box) for box in boxes)
            markdown = f"{markdown}\n\n{quoted}" if markdown else quoted
        return markdown, item

    def _list_item(self, paragraph: etree._Element, chain: list[str]) -> tuple[int, str] | None:
        num_pr = paragraph.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        style_match = next((m for m in map(_LIST_STYLE.match, chain) if m), None)
        if num_pr is not None:
            num_id = _val(num_pr.find(qn("w:numId")))
            written_level = _val(num_pr.find(qn("w:ilvl"))) or "0"
            level = _small_number(written_level, default=0, most=8)
            if num_id in (None, "0"):
                return None
            fmt, shown = self._number_format(num_id, level)
            if fmt == "none":
                return None
            bullet = fmt == "bullet" if fmt else not _is_numbered_style(style_match)
            check = _check_box(shown) if bullet else None
            return min(level, 8), f"- {check} " if check else "- " if bullet else "1. "
        if style_match:
            level = int(style_match[2]) - 1 if style_match[2] else 0
            return max(level, 0), "1. " if _is_numbered_style(style_match) else "- "
        return None

    def _number_format(self, num_id: str, level: int) -> tuple[str | None, str]:
        """The numbering's format ('bullet', 'decimal', …) and the bullet it shows."""
        if not (num_id.isascii() and num_id.isdecimal()):
            return None, ""
        try:
            numbering = self.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return None, ""
        abstract = numbering.xpath(f'./w:num[@w:numId="{int(num_id)}"]/w:abstractNumId/@w:val')
        if not abstract or not (str(abstract[0]).isascii() and str(abstract[0]).isdecimal()):
            return None, ""
        levels = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{int(abstract[0])}"]/w:lvl[@w:ilvl="{level}"]'
        )
        if not levels:
            return None, ""
        fmt = _val(levels[0].find(qn("w:numFmt")))
        shown = _val(levels[0].find(qn("w:lvlText"))) or ""
        font = levels[0].find(f"{qn('w:rPr')}/{qn('w:rFonts')}")
        return fmt, symbol_text(font.get(qn("w:ascii"), "") if font is not None else "", shown)

    # -- runs

    def _spans(self, paragraph: etree._Element) -> list[_Span]:
        spans: list[_Span] = []
        fields: list[dict[str, Any]] = []  # open complex fields: their code and link

        def link_of_fields() -> str | None:
            return next((f["href"] for f in reversed(fields) if f.get("href")), None)

        def walk(node: etree._Element, href: str | None) -> None:
            for child in node:
                tag = child.tag
                if tag in _SKIPPED:
                    continue
                if tag == qn("w:r"):
                    run(child, href or link_of_fields())
                elif tag == qn("w:hyperlink"):
                    walk(child, self._hyperlink(child) or href)
                elif tag == qn("w:fldSimple"):
                    walk(child, _field_link(child.get(qn("w:instr"), "")) or href)
                elif tag in _TRANSPARENT or tag == qn("w:sdt"):
                    walk(child, href)
                elif tag in (f"{{{_MATH}}}oMath", f"{{{_MATH}}}oMathPara"):
                    # An equation as its linear text: 'a^2 + b^2 = c^2', '(1)/(2)'.
                    spans.append(_Span(math_text(child), href=href))

        def run(element: etree._Element, href: str | None) -> None:
            properties = element.find(qn("w:rPr"))
            style = _val(properties.find(qn("w:rStyle"))) if properties is not None else None
            bold = self._toggle(properties, style, "w:b")
            italic = self._toggle(properties, style, "w:i")
            fonts = properties.find(qn("w:rFonts")) if properties is not None else None
            font = fonts.get(qn("w:ascii"), "") if fonts is not None else ""
            run_content(element, bold, italic, font, href)

        def run_content(
            element: etree._Element, bold: bool, italic: bool, font: str, href: str | None
        ) -> None:
            for child in element:
                tag = child.tag
                if tag == qn("w:fldChar"):
                    kind = child.get(qn("w:fldCharType"))
                    if kind == "begin":
                        fields.append({"code": "", "result": False})
                    elif kind == "separate" and fields:
                        fields[-1]["result"] = True
                        fields[-1]["href"] = _field_link(fields[-1]["code"])
                    elif kind == "end" and fields:
                        fields.pop()
                elif tag == qn("w:instrText") and fields:
                    fields[-1]["code"] += child.text or ""
                elif fields and not fields[-1]["result"]:
                    continue  # a field's code, not its visible result
                elif tag == qn("w:t"):
                    text = self._visible(symbol_text(font, child.text or ""))
                    spans.append(_Span(text, bold, italic, href))
                elif tag == qn("w:sym"):
                    # A symbol inserted with Infoga > Symbol: a font and a character code.
                    code = _small_hex(child.get(qn("w:char")))
                    text = symbol_text(child.get(qn("w:font"), ""), chr(code) if code else "")
                    spans.append(_Span(self._visible(text), bold, italic, href))
                elif tag in (qn("w:tab"), qn("w:noBreakHyphen")):
                    spans.append(_Span(" " if tag == qn("w:tab") else "-", bold, italic, href))
                elif tag in (qn("w:br"), qn("w:cr")):
                    if child.get(qn("w:type")) not in ("page", "column"):
                        spans.append(_Span("\n", kind="break"))
                elif tag in (qn("w:footnoteReference"), qn("w:endnoteReference")):
                    spans.append(_Span(self._footnote(child), kind="markdown"))
                elif tag == f"{{{_MC}}}AlternateContent":
                    if any(e.tag in (qn("w:drawing"), qn("w:pict")) for e in child.iter()):
                        spans.append(_Span(self._object(child), href=href, kind="markdown"))
                    else:  # an emoji or symbol Word offers in two forms: the plain one
                        fallback = child.find(f"{{{_MC}}}Fallback")
                        if fallback is not None:
                            run_content(fallback, bold, italic, font, href)
                elif tag in (qn("w:drawing"), qn("w:pict")):
                    spans.append(_Span(self._object(child), href=href, kind="markdown"))
                elif tag in (qn("w:object"), qn("w:embeddedObject")):
                    raise office_error(
                        "unsupported_object", place=self._place, what="ett inbäddat objekt"
                    )

        walk(paragraph, None)
        return spans

    def _toggle(self, properties: etree._Element | None, style: str | None, tag: str) -> bool:
        direct = properties.find(qn(tag)) if properties is not None else None
        if direct is not None:
            return _is_on(direct)
        return self.styles.run_property(style, tag)

    def _hyperlink(self, element: etree._Element) -> str | None:
        rid = element.get(qn("r:id"))
        relationship = self.part.rels.get(rid) if rid else None
        if relationship is None or not relationship.is_external:
            return None  # a link inside the document (a bookmark): keep the text only
        if relationship.reltype != RT.HYPERLINK:
            return None
        return relationship.target_ref

    # -- images

    def _object(self, element: etree._Element) -> str:
        """A drawing, legacy VML picture or alternate content -> an image in Markdown; a text
        box is kept as a boxed paragraph after its paragraph; a picture marked decorative in
        Word and a shape without text are left out, and the receipt says so."""
        box = next(element.iter(qn("w:txbxContent")), None)  # the modern choice comes first
        if box is not None:
            return self._text_box(box)
        if _is_decorative(element):
            self._image_count += 1
            picture = _picture(own_name(element), self._image_count)
            self._note("word_decorative_left_out", picture=picture)
            return ""
        graphic = next(element.iter(qn("a:graphicData")), None)
        uri = graphic.get("uri") if graphic is not None else None
        if uri in _SHAPE_URIS and next(element.iter(qn("a:blip")), None) is None:
            self._note("word_shape_left_out")
            return ""
        if element.tag == f"{{{_MC}}}AlternateContent":
            # Word offers a modern choice and a fallback; the choice's drawing is the picture.
            drawing = next(element.iter(qn("w:drawing")), None)
            if drawing is None:
                raise office_error("unsupported_object", place=self._place, what=_WHAT_SHAPE)
            element = drawing
        if element.tag == qn("w:pict"):
            return self._vml_image(element)
        graphic = next(element.iter(qn("a:graphicData")), None)
        uri = graphic.get("uri") if graphic is not None else None
        if uri != _PICTURE_URI:
            what = "ett diagram" if uri == _CHART_URI else _WHAT_SHAPE
            raise office_error("unsupported_object", place=self._place, what=what)
        # Word keeps the alt text on the drawing (docPr); some writers only on the picture.
        described = [e for e in element.iter(qn("wp:docPr"), qn("pic:cNvPr")) if e.get("descr")]
        properties = described[0] if described else next(element.iter(qn("wp:docPr")), None)
        blip = next(element.iter(qn("a:blip")), None)
        alt = properties.get("descr", "") if properties is not None else ""
        title = properties.get("title", "") if properties is not None else ""
        embed = blip.get(qn("r:embed")) if blip is not None else None
        linked = blip is not None and blip.get(qn("r:link"))
        return self._image(embed, linked, alt=alt, title=title, own=own_name(element))

    def _vml_image(self, pict: etree._Element) -> str:
        data = next(pict.iter(f"{{{_VML}}}imagedata"), None)
        if data is None:
            raise office_error("unsupported_object", place=self._place, what=_WHAT_SHAPE)
        shape = data.getparent()
        alt = shape.get("alt", "") if shape is not None else ""
        own = " ".join((shape.get("title", "") if shape is not None else "").split())
        return self._image(data.get(qn("r:id")), linked=False, alt=alt, title="", own=own)

    def _image(self, rid: str | None, linked: Any, alt: str, title: str, own: str) -> str:
        """The picture as Markdown. ``own`` is its name as Word keeps it (its title, or the
        file name it was inserted from), which messages call it by; the zip's own name for
        it ('image1.jpg') is no name a person has seen."""
        self._image_count += 1
        alt = " ".join(alt.split())
        picture = _picture(own or shorten(alt, 30), self._image_count)
        if not rid:
            code = "image_linked" if linked else "unsupported_object"
            raise office_error(code, place=self._place, picture=picture, what=_WHAT_SHAPE)
        try:
            image_part = self.part.related_parts[rid]
        except KeyError:
            raise office_error("image_linked", place=self._place, picture=picture) from None
        extension = image_part.partname.ext.lower()
        if extension not in IMAGE_FORMATS:
            raise office_error(
                "word_image_format", place=self._place, picture=picture, format=extension.upper()
            )
        if not alt:
            raise office_error("word_image_alt_missing", place=self._place, picture=picture)
        name = self._names.get(image_part.partname)
        if name is None:
            name = f"{self.stem}/bild-{len(self._names) + 1}.{IMAGE_FORMATS[extension]}"
            self._names[image_part.partname] = name
            self.images[f"{self.folder}/{name}"] = image_part.blob
            self.image_names[name] = own or shorten(alt, 30)
        title = " ".join(title.split()).replace('"', "'")
        shown_title = f' "{title}"' if title else ""
        return f"![{_escape(alt)}]({quote(name)}{shown_title})"

    def _after(self) -> str:
        """Where a paragraph without text stands: after the last one with text."""
        if self._last_text and self._last_text == self._heading:
            return f'stycket efter rubriken "{first_words(self._heading)}"'
        if self._last_text:
            return f'stycket efter "{first_words(self._last_text)}"'
        return "första stycket efter tabell 1"

    def _under(self, place: str) -> str:
        """A place with the heading it stands under, as a person scrolls to it; a place that
        is placed by the heading itself needs no more."""
        if not self._heading or "rubriken" in place:
            return place
        return f'{place}, under rubriken "{first_words(self._heading)}"'

    def _text_box(self, box: etree._Element) -> str:
        place, boxes = self._place, self._boxes
        self._boxes = []
        markdown = self._convert(list(blocks(box)))
        self._place, self._boxes = place, boxes + ([markdown] if markdown.strip() else [])
        return ""

    # -- footnotes, notes and characters

    def _footnote(self, reference: etree._Element) -> str:
        """'[^3]' for a footnote or endnote reference; its text becomes a definition."""
        endnote = reference.tag == qn("w:endnoteReference")
        note = self._note_element(endnote, reference.get(qn("w:id"), ""))
        if note is None:
            return ""
        place = self._place
        self._place = f"{place}, i fotnoten"
        paragraphs = [_render(self._spans(p)).strip() for p in note.iter(qn("w:p"))]
        self._place = place
        text = " ".join(" ".join(p.split("\n")) for p in paragraphs if p)
        if not text:
            return ""
        number = len(self._footnotes) + 1
        self._footnotes.append(f"[^{number}]: {text}")
        return f"[^{number}]"

    def _note_element(self, endnote: bool, note_id: str) -> etree._Element | None:
        reltype = RT.ENDNOTES if endnote else RT.FOOTNOTES
        try:
            part = self.part.part_related_by(reltype)
        except KeyError:
            return None
        root = part.element if hasattr(part, "element") else parse_xml(part.blob)
        tag = qn("w:endnote") if endnote else qn("w:footnote")
        return next((n for n in root.iter(tag) if n.get(qn("w:id")) == note_id), None)

    def _note(self, code: str, **context: object) -> None:
        self.notes.append(office_error(code, place=self._place, **context))

    def _visible(self, text: str) -> str:
        """Word text with its symbol-font characters made real; one that cannot be is refused
        here, naming it, rather than printed as a box."""
        for char in text:
            if "\ue000" <= char <= "\uf8ff":
                raise office_error(
                    "word_private_character", place=self._place, character=f"U+{ord(char):04X}"
                )
        return text.translate(_LOOKALIKES)

    # -- tables

    def _table(self, table: etree._Element) -> str:
        rows: list[list[str]] = []
        for row_number, row in enumerate(
            (r for r in table.iter(qn("w:tr")) if owning_table(r) is table), start=1
        ):
            cells: list[str] = []
            for cell in (c for c in row.iter(qn("w:tc")) if owning_table(c) is table):
                cell_text = plain_text(cell).strip()
                self._place = self._under(
                    f'tabell {self._tables}, cellen "{first_words(cell_text)}"'
                    if cell_text
                    else f"tabell {self._tables}, rad {row_number}"
                )
                cells.append(self._cell(cell))
                span = _val(cell.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}"))
                cells.extend([""] * (_small_number(span, default=1, most=MAX_COLUMNS) - 1))
            rows.append(cells)
        rows = [r for r in rows if any(c.strip() for c in r)]
        if not rows:
            return ""
        width = max(len(r) for r in rows)
        rows = [r + [""] * (width - len(r)) for r in rows]
        lines = [_table_line(rows[0]), _table_line(["---"] * width)]
        lines += [_table_line(r) for r in rows[1:]]
        return "\n".join(lines)

    def _cell(self, cell: etree._Element) -> str:
        parts = []
        for child in blocks(cell):  # content controls in a cell hold paragraphs too
            if child.tag == qn("w:p"):
                spans = [s if s.kind != "break" else _Span(" ") for s in self._spans(child)]
                parts.append(_render(spans).strip())
            elif child.tag == qn("w:tbl"):
                parts.append(_escape(" ".join(plain_text(child).split())))
        return " ".join(p for p in parts if p)


_WHAT_SHAPE = "en figur, en form eller en textruta"
# Names Word gives a picture by itself ('Bild 3', 'Picture 1'): no name the person chose.
_GENERIC_NAME = re.compile(
    r"^(?:bild|picture|image|grafik|graphic|figur|object|objekt)\s*\d*$", re.I
)


def own_name(drawing: etree._Element) -> str:
    """A picture's own name as Word keeps it: the title of its alt text, else the file name
    it was inserted from (docPr or the picture's cNvPr 'name'), unless Word made that up."""
    properties = list(drawing.iter(qn("wp:docPr"), qn("pic:cNvPr")))
    for attribute in ("title", "name"):
        for element in properties:
            value = " ".join((element.get(attribute) or "").split())
            if value and not _GENERIC_NAME.match(value):
                return shorten(value, 40)
    return ""


def _picture(own: str, number: int) -> str:
    """How a message names a picture: 'bilden "simhall.jpg"', or by its number in the text."""
    return f'bilden "{own}"' if own else f"bild {number} i texten"


def _has_object(paragraph: etree._Element) -> bool:
    tags = {qn("w:drawing"), qn("w:pict"), qn("w:object"), f"{{{_MC}}}AlternateContent"}
    return any(el.tag in tags for el in paragraph.iter())


def _has_content(paragraph: etree._Element) -> bool:
    """Whether a paragraph without plain text still shows something: a picture, a box, an
    equation, a symbol or a footnote mark."""
    shown = {
        qn("w:sym"),
        qn("w:footnoteReference"),
        qn("w:endnoteReference"),
        f"{{{_MATH}}}oMath",
    }
    return _has_object(paragraph) or any(el.tag in shown for el in paragraph.iter())


def _quoted_block(markdown: str) -> str:
    """A text box's Markdown as a block quote, which the report shows as a boxed paragraph."""
    return "\n".join(f"> {line}" if line else ">" for line in markdown.split("\n"))


def _is_decorative(element: etree._Element) -> bool:
    """Word's 'Markera som dekorativ': <adec:decorative val="1"/> in the drawing's docPr."""
    return any(
        etree.QName(e).localname == "decorative" and e.get("val") in ("1", "true")
        for e in element.iter()
        if isinstance(e.tag, str)
    )


_SHAPE_URIS = {
    "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup",
    "http://schemas.microsoft.com/office/word/2010/wordprocessingCanvas",
}


def _small_hex(text: str | None) -> int | None:
    if not text or len(text) > 6:
        return None
    try:
        return int(text, 16)
    except ValueError:
        return None


# The Symbol font's characters 0x20-0x7E and 0xA0-0xFE as Unicode ('\0': none).
_SYMBOL = (
    " !∀#∃%&∋()∗+,−./0123456789:;<=>?≅ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ[∴]⊥_‾αβχδεφγηιϕκλμνοπθρστυϖωξψζ{|}∼",
    "€ϒ′≤⁄∞ƒ♣♦♥♠↔←↑→↓°±″≥×∝∂•÷≠≡≈…⏐⎯↵ℵℑℜ℘⊗⊕∅∩∪⊃⊇⊄⊂⊆∈∉∠∇®©™∏√⋅¬∧∨⇔⇐⇑⇒⇓◊〈®©™∑⎛⎜⎝⎡⎢⎣⎧⎨⎩⎪\0〉∫⌠⎮⌡⎞⎟⎠⎤⎥⎦⎫⎬⎭",
)
# The Wingdings characters departments meet: check boxes, ticks and bullets.
_WINGDINGS = {
    0x6F: "□",
    0xA8: "□",
    0x71: "❑",
    0x76: "❖",
    0x9F: "•",
    0xA7: "▪",
    0xD8: "➢",
    0xFC: "✓",
    0xFB: "✗",
    0xFD: "⊠",
    0xFE: "⊠",
    0x4A: "☺",
    0x4C: "☹",
    0xE0: "→",
}


# Symbol fonts with tables of their own: only the characters listed above are known.
_OTHER_SYMBOL_FONTS = ("wingdings", "webdings", "marlett", "mt extra", "zapf", "dingbats")


def symbol_text(font: str, text: str) -> str:
    """Characters written in a symbol font (Symbol, Wingdings) as the characters they show.

    Word stores them as the font's own codes, often moved to the private-use area
    (U+F020-U+F0FF); a private-use code in an ordinary font (Calibri) means the Symbol
    font's. A code of another symbol font that is not known stays as it is (and is refused)."""
    name = font.casefold()
    other = name.startswith(_OTHER_SYMBOL_FONTS)
    out = []
    for char in text:
        code = ord(char)
        low = code - 0xF000 if 0xF020 <= code <= 0xF0FF else code
        if name.startswith("wingdings") and low in _WINGDINGS:
            out.append(_WINGDINGS[low])
        elif other and low < 0x100:
            out.append(chr(0xF000 + low))  # unknown: refused by the reader, naming it
        elif name == "symbol" or code != low:
            out.append(_symbol_char(low) or char)
        else:
            out.append(char)
    return "".join(out)


def _symbol_char(code: int) -> str | None:
    if 0x20 <= code <= 0x7E:
        found = _SYMBOL[0][code - 0x20]
    elif 0xA0 <= code <= 0xFE:
        found = _SYMBOL[1][code - 0xA0]
    else:
        return None
    return None if found == "\0" else found


# Characters the report's fonts lack, as the look-alikes they have (Word's check boxes).
_LOOKALIKES = str.maketrans({"☐": "□", "☒": "⊠"})
_CHECK_BOXES = {"☐": "□", "☒": "⊠", "□": "□", "⊠": "⊠", "☑": "☑", "❑": "□"}


def _check_box(shown: str) -> str | None:
    """A check-list bullet ('☐', '☒', or Wingdings' box) as the character the report shows."""
    return _CHECK_BOXES.get(shown.strip())


def math_text(element: etree._Element) -> str:
    """An Office Math equation as linear text: fractions '(a)/(b)', powers 'x^2', roots
    '√(x)', everything else in reading order."""

    def part(name: str, of: etree._Element) -> str:
        found = of.find(f"{{{_MATH}}}{name}")
        return math_text(found) if found is not None else ""

    out = []
    for child in element:
        name = etree.QName(child).localname if isinstance(child.tag, str) else ""
        if name == "t":
            out.append(child.text or "")
        elif name == "f":
            out.append(f"({part('num', child)})/({part('den', child)})")
        elif name == "sSup":
            out.append(f"{part('e', child)}^{part('sup', child)}")
        elif name == "sSub":
            out.append(f"{part('e', child)}_{part('sub', child)}")
        elif name == "rad":
            out.append(f"√({part('e', child)})")
        elif name == "nary":  # a sum or integral: '∑_(k=0)^n …'
            sign = child.find(f"{{{_MATH}}}naryPr/{{{_MATH}}}chr")
            shown = sign.get(f"{{{_MATH}}}val") if sign is not None else "∫"
            lower, upper = part("sub", child), part("sup", child)
            out.append(shown + (f"_({lower})" if lower else "") + (f"^({upper})" if upper else ""))
            out.append(part("e", child))
        elif name == "d":  # brackets around one or more parts
            properties = child.find(f"{{{_MATH}}}dPr")
            begin, end = "(", ")"
            if properties is not None:
                for tag, default in (("begChr", "("), ("endChr", ")")):
                    found = properties.find(f"{{{_MATH}}}{tag}")
                    value = found.get(f"{{{_MATH}}}val", default) if found is not None else default
                    begin, end = (value, end) if tag == "begChr" else (begin, value)
            inner = [math_text(e) for e in child.findall(f"{{{_MATH}}}e")]
            out.append(begin + " ".join(inner) + end)
        elif name.endswith("Pr") or name in ("ctrlPr",):
            continue
        else:
            out.append(math_text(child))
    return "".join(out)


def _val(element: etree._Element | None) -> str | None:
    return element.get(qn("w:val")) if element is not None else None


def _heading_level(chain: list[str]) -> int | None:
    for name in chain:
        match = _HEADING.match(name)
        if match:
            return int(match[1])
        if name == "title":
            return 1
    return None


def _is_numbered_style(match: re.Match | None) -> bool:
    return match is not None and match[1].startswith(("list number", "numrerad"))


def _field_link(code: str) -> str | None:
    """'HYPERLINK "https://…"' (a field Word sometimes uses for links) -> the address."""
    match = re.match(r'\s*HYPERLINK\s+"([^"]+)"', code)
    return match[1] if match else None


# ---------------------------------------------------------------- Markdown output

_ESCAPED = re.compile(r"([\\`*_\[\]<>|&#])")
_LINE_START = re.compile(r"^([-+=~]|\d{1,9}[.)])", re.MULTILINE)


def _escape(text: str) -> str:
    """Word's text stays text: characters Markdown would read as markup are escaped."""
    return _ESCAPED.sub(r"\\\1", text)


def _escape_line_starts(markdown: str) -> str:
    """A line starting with '- ', '1.', '=' … would start a list or a heading in Markdown."""
    lines = [line.strip() for line in markdown.split("\n")]
    return _LINE_START.sub(
        lambda m: m[0][:-1] + "\\" + m[0][-1] if m[0][0].isdigit() else "\\" + m[0],
        "\n".join(lines),
    )


def _render(spans: list[_Span]) -> str:
    return _render_checked(spans)[0]


def _render_checked(spans: list[_Span]) -> tuple[str, bool]:
    """A paragraph's spans as inline Markdown that reads back as exactly the same text, and
    whether formatting had to be given up for that.

    Emphasis is written nested (italic around bold-italic, not two runs side by side), and
    the result is parsed again: where CommonMark would not read the marks as Word meant them
    (formatting that changes inside a word, next to punctuation), formatting inside words is
    given up, and then all formatting, so that no '*' ever shows and no letter is lost."""
    spans = _trim_break_spans(spans)
    for dropped, attempt in enumerate((spans, _no_intraword_changes(spans), _unformatted(spans))):
        markdown = _render_links(attempt)
        if _reads_back(markdown, attempt):
            return markdown, dropped > 0
    return markdown, True  # unformatted text is escaped completely, so it always reads back


def _render_links(spans: list[_Span]) -> str:
    out: list[str] = []
    for href, group in groupby(spans, key=lambda s: s.href):
        inner = _render_formatted(list(group))
        if href and inner.strip():
            lead, core, trail = _split_space(inner)
            out.append(f"{lead}[{core}]({_link_target(href)}){trail}")
        else:
            out.append(inner)
    return "".join(out)


def _marks(span: _Span) -> tuple[str, ...]:
    return (("**",) if span.bold else ()) + (("*",) if span.italic else ())


def _render_formatted(spans: list[_Span]) -> str:
    """Spans with their emphasis as a stack of open marks: a mark stays open while the next
    spans keep it, the longer-lasting mark outside; spaces stay outside the marks."""
    out: list[str] = []
    stack: list[str] = []
    for index, span in enumerate(spans):
        if span.kind == "text" and not span.text.strip():
            out.append(span.text)  # spaces keep the marks around them open
            continue
        wanted = set(_marks(span)) if span.kind == "text" else set(stack)
        keep = 0
        while keep < len(stack) and stack[keep] in wanted:
            keep += 1
        if keep < len(stack):
            _close(out, stack[keep:])
            del stack[keep:]
        opening = sorted(wanted - set(stack), key=lambda m: -_lasts(spans, index, m))
        if span.kind == "break":
            out.append("\\\n")
            continue
        if span.kind == "markdown":
            out.append(span.text)
            continue
        lead, core, trail = _split_space(span.text)
        out.append(lead + "".join(opening) + _escape(core))
        stack.extend(opening)
        out.append(trail)
    _close(out, stack)
    return "".join(out)


def _close(out: list[str], marks: list[str]) -> None:
    """Close ``marks`` (innermost last in the list) before any spaces that ended the text."""
    if not marks:
        return
    text = "".join(out)
    core = text.rstrip()
    out[:] = [core + "".join(reversed(marks)) + text[len(core) :]]


def _lasts(spans: list[_Span], start: int, mark: str) -> int:
    """For how many spans from ``start`` on ``mark`` stays on."""
    count = 0
    for span in spans[start:]:
        if span.kind == "text" and span.text.strip() and mark not in _marks(span):
            break
        count += 1
    return count


def _no_intraword_changes(spans: list[_Span]) -> list[_Span]:
    """Formatting that starts or stops inside a word takes the formatting of the word's start."""
    out: list[_Span] = []
    for span in spans:
        previous = out[-1] if out else None
        if (
            previous is not None
            and span.kind == previous.kind == "text"
            and span.text[:1].isalnum()
            and previous.text[-1:].isalnum()
        ):
            span = replace(span, bold=previous.bold, italic=previous.italic)
        out.append(span)
    return out


def _unformatted(spans: list[_Span]) -> list[_Span]:
    return [replace(s, bold=False, italic=False) for s in spans]


def _trim_break_spans(spans: list[_Span]) -> list[_Span]:
    """A line break at the very start or end of a paragraph (Shift+Enter before Enter) is
    nothing to show; several in a row are one."""
    content = [
        i for i, s in enumerate(spans) if s.kind != "break" and (s.kind != "text" or s.text.strip())
    ]
    if not content:
        return []
    kept: list[_Span] = []
    for index, span in enumerate(spans):
        if span.kind == "break":
            if not content[0] < index < content[-1]:
                continue
            if any(s.kind == "break" for s in kept[-1:]):
                continue
        kept.append(span)
    return kept


_CHECKER = MarkdownIt("commonmark", {"html": False}).enable("table").use(footnote_plugin)
_CHECKER.validateLink = lambda url: True


def _reads_back(markdown: str, spans: list[_Span]) -> bool:
    """Whether ``markdown`` parses into the spans' text with the spans' formatting."""
    wanted: list[tuple[str, bool, bool]] = []
    for span in spans:
        if span.kind == "text":
            wanted += [(c, span.bold, span.italic) for c in span.text]
        elif span.kind == "break":
            wanted.append(("\n", False, False))
    found: list[tuple[str, bool, bool]] = []
    tokens = _CHECKER.parseInline(markdown)
    depth = {"strong": 0, "em": 0}
    for token in tokens[0].children or () if tokens else ():
        kind = token.type
        if kind in ("strong_open", "em_open"):
            depth[kind[:-5]] += 1
        elif kind in ("strong_close", "em_close"):
            depth[kind[:-6]] -= 1
        elif kind in ("text", "code_inline"):
            bold, italic = depth["strong"] > 0, depth["em"] > 0
            found += [(c, bold, italic) for c in token.content]
        elif kind in ("hardbreak", "softbreak"):
            found.append(("\n", False, False))
    # A footnote mark reads as text here (the notes stand at the document's end).
    shown = "".join(c for c, _, _ in found)
    for mark in reversed(list(re.finditer(r"\[\^\d+\]", shown))):
        del found[mark.start() : mark.end()]
    return _comparable(found) == _comparable(wanted)


def _comparable(chars: list[tuple[str, bool, bool]]) -> list[tuple[str, bool, bool]]:
    """Spaces collapsed and without formatting, as a reader of the PDF sees them."""
    out: list[tuple[str, bool, bool]] = []
    for char, bold, italic in chars:
        if char.isspace():
            if out and out[-1][0] != " ":
                out.append((" ", False, False))
            continue
        out.append((char, bold, italic))
    while out and out[-1][0] == " ":
        out.pop()
    return out


def _split_space(text: str) -> tuple[str, str, str]:
    """Emphasis next to a space does not work in Markdown: keep the spaces outside."""
    core = text.strip()
    if not core:
        return text, "", ""
    start = text.index(core)
    return text[:start], core, text[start + len(core) :]


def _link_target(href: str) -> str:
    return quote(href.strip(), safe=":/?#[]@!$&'*+,;=%~-._")


def _table_line(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("\n", " ") or " " for c in cells) + " |"


MAX_COLUMNS = 63  # the most columns a Word table can have


def _small_number(text: str | None, default: int, most: int) -> int:
    """A count Word wrote as an attribute ('2'), within 0..``most``; anything else (a missing
    value, '²', '2000000000000000000') is the default or the limit, never a crash."""
    if not text or not text.isascii() or not text.isdecimal():
        return default
    return min(int(text[:4]), most)
