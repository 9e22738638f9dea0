"""A Word document's body, after the key table, as Markdown; and the XML helpers for it.

Headings ('Heading 1' / 'Rubrik 1' and styles based on them) become '###' and deeper (the
renderer shifts levels to the section), bold and italic become ** and *, list paragraphs
'- ' and '1. ', hyperlinks [text](url), tables pipe tables (first row as header), and
pictures ![alt](name) with their bytes collected. Word's text is escaped, so characters
like * or # stay text. What cannot be carried over (footnotes, charts, text boxes,
formulas, pictures without alt text) is an error, never a silent loss.

Tracked changes are read as accepted: insertions are text, deletions are not.
"""

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from itertools import groupby
from typing import Any
from urllib.parse import quote

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.parts.document import DocumentPart
from lxml import etree

from flows.readers.raw import office_error, shorten

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
        self._names: dict[str, str] = {}  # image part name -> name in the Markdown
        self._image_count = 0
        self._paragraphs = 0
        self._tables = 1  # the key table is table 1
        self._place = ""

    def convert(self, blocks: list[etree._Element]) -> str:
        out: list[str] = []
        list_lines: list[str] = []
        widths: list[int] = []  # marker width per list level, for nested indentation
        for block in blocks:
            if block.tag == qn("w:tbl"):
                self._tables += 1
                self._place = f"tabell {self._tables}"
                markdown, item = self._table(block), None
            else:
                markdown, item = self._paragraph(block)
                if not markdown:
                    continue  # an empty paragraph is only spacing; it must not split a list
            if item is not None:
                level, marker = item
                widths = widths[:level] + [2] * max(0, level - len(widths))
                list_lines.append(" " * sum(widths) + marker + markdown)
                widths.append(len(marker))
                continue
            if list_lines:
                out.append("\n".join(list_lines))
                list_lines, widths = [], []
            if markdown:
                out.append(markdown)
        if list_lines:
            out.append("\n".join(list_lines))
        return "\n\n".join(out)

    # -- paragraphs

    def _paragraph(self, paragraph: etree._Element) -> tuple[str, tuple[int, str] | None]:
        """The paragraph's Markdown and, for a list item, (level, marker)."""
        if not plain_text(paragraph).strip() and not _has_object(paragraph):
            return "", None
        self._paragraphs += 1
        self._place = f"stycke {self._paragraphs}"
        text = plain_text(paragraph).strip()
        if text in self.forbidden_texts:
            raise office_error("template_text_left", place=self._place, snippet=shorten(text))
        spans = self._spans(paragraph)
        chain = self.styles.chain(style_id(paragraph) or "Normal")
        level = _heading_level(chain)
        if level is not None:
            plain = [replace(s, bold=False, italic=False) for s in spans if s.kind != "break"]
            heading = _render(plain).strip()
            if heading:
                return "#" * min(6, level + 2) + " " + heading, None
        markdown = _escape_line_starts(_trim_breaks(_render(spans)))
        item = self._list_item(paragraph, chain)
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
            fmt = self._number_format(num_id, level)
            if fmt == "none":
                return None
            bullet = fmt == "bullet" if fmt else not _is_numbered_style(style_match)
            return min(level, 8), "- " if bullet else "1. "
        if style_match:
            level = int(style_match[2]) - 1 if style_match[2] else 0
            return max(level, 0), "1. " if _is_numbered_style(style_match) else "- "
        return None

    def _number_format(self, num_id: str, level: int) -> str | None:
        if not (num_id.isascii() and num_id.isdecimal()):
            return None
        try:
            numbering = self.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return None
        abstract = numbering.xpath(f'./w:num[@w:numId="{int(num_id)}"]/w:abstractNumId/@w:val')
        if not abstract or not (str(abstract[0]).isascii() and str(abstract[0]).isdecimal()):
            return None
        formats = numbering.xpath(
            f'./w:abstractNum[@w:abstractNumId="{int(abstract[0])}"]'
            f'/w:lvl[@w:ilvl="{level}"]/w:numFmt/@w:val'
        )
        return str(formats[0]) if formats else None

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
                    raise office_error("unsupported_object", place=self._place, what="en formel")

        def run(element: etree._Element, href: str | None) -> None:
            properties = element.find(qn("w:rPr"))
            style = _val(properties.find(qn("w:rStyle"))) if properties is not None else None
            bold = self._toggle(properties, style, "w:b")
            italic = self._toggle(properties, style, "w:i")
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
                    spans.append(_Span(child.text or "", bold, italic, href))
                elif tag in (qn("w:tab"), qn("w:noBreakHyphen")):
                    spans.append(_Span(" " if tag == qn("w:tab") else "-", bold, italic, href))
                elif tag in (qn("w:br"), qn("w:cr")):
                    if child.get(qn("w:type")) not in ("page", "column"):
                        spans.append(_Span("\n", kind="break"))
                elif tag in (qn("w:footnoteReference"), qn("w:endnoteReference")):
                    raise office_error("footnote", place=self._place)
                elif tag in (qn("w:drawing"), qn("w:pict"), f"{{{_MC}}}AlternateContent"):
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
        """A drawing, legacy VML picture or alternate content -> an image in Markdown."""
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
        return self._image(
            embed, linked=blip is not None and blip.get(qn("r:link")), alt=alt, title=title
        )

    def _vml_image(self, pict: etree._Element) -> str:
        data = next(pict.iter(f"{{{_VML}}}imagedata"), None)
        if data is None:
            raise office_error("unsupported_object", place=self._place, what=_WHAT_SHAPE)
        shape = data.getparent()
        alt = shape.get("alt", "") if shape is not None else ""
        return self._image(data.get(qn("r:id")), linked=False, alt=alt, title="")

    def _image(self, rid: str | None, linked: Any, alt: str, title: str) -> str:
        self._image_count += 1
        number = self._image_count
        if not rid:
            code = "image_linked" if linked else "unsupported_object"
            raise office_error(code, place=self._place, number=number, what=_WHAT_SHAPE)
        try:
            image_part = self.part.related_parts[rid]
        except KeyError:
            raise office_error("image_linked", place=self._place, number=number) from None
        filename = posixpath.basename(image_part.partname)
        extension = image_part.partname.ext.lower()
        if extension not in IMAGE_FORMATS:
            raise office_error(
                "word_image_format",
                place=self._place,
                number=number,
                image=filename,
                format=extension.upper(),
            )
        alt = " ".join(alt.split())
        if not alt:
            raise office_error(
                "word_image_alt_missing", place=self._place, number=number, image=filename
            )
        name = self._names.get(image_part.partname)
        if name is None:
            name = f"{self.stem}/bild-{len(self._names) + 1}.{IMAGE_FORMATS[extension]}"
            self._names[image_part.partname] = name
            self.images[f"{self.folder}/{name}"] = image_part.blob
        title = " ".join(title.split()).replace('"', "'")
        shown_title = f' "{title}"' if title else ""
        return f"![{_escape(alt)}]({quote(name)}{shown_title})"

    # -- tables

    def _table(self, table: etree._Element) -> str:
        rows: list[list[str]] = []
        for row_number, row in enumerate(
            (r for r in table.iter(qn("w:tr")) if owning_table(r) is table), start=1
        ):
            cells: list[str] = []
            for cell in (c for c in row.iter(qn("w:tc")) if owning_table(c) is table):
                self._place = f"tabell {self._tables}, rad {row_number}"
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


def _has_object(paragraph: etree._Element) -> bool:
    tags = {qn("w:drawing"), qn("w:pict"), qn("w:object"), f"{{{_MC}}}AlternateContent"}
    return any(el.tag in tags for el in paragraph.iter())


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
    out: list[str] = []
    for href, group in groupby(spans, key=lambda s: s.href):
        inner = _render_formatted(list(group))
        if href and inner.strip():
            lead, core, trail = _split_space(inner)
            out.append(f"{lead}[{core}]({_link_target(href)}){trail}")
        else:
            out.append(inner)
    return "".join(out)


def _render_formatted(spans: list[_Span]) -> str:
    out: list[str] = []
    for (kind, bold, italic), group in groupby(spans, key=lambda s: (s.kind, s.bold, s.italic)):
        items = list(group)
        if kind == "break":
            out.append("\\\n")  # a hard line break; several in a row count as one
            continue
        if kind == "markdown":
            out.append("".join(s.text for s in items))
            continue
        lead, core, trail = _split_space("".join(s.text for s in items))
        marker = "***" if bold and italic else "**" if bold else "*" if italic else ""
        out.append(f"{lead}{marker}{_escape(core)}{marker}{trail}" if core else lead + trail)
    return "".join(out)


def _trim_breaks(markdown: str) -> str:
    """A line break at the very start or end of a paragraph would show as a backslash."""
    markdown = re.sub(r"^(?:\s*\\\n)+", "", markdown.strip())
    return re.sub(r"(?:\\\n\s*)+$", "", markdown).strip()


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
