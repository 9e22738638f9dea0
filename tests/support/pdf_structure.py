"""Reading a PDF's structure for the tests: tag tree, bookmarks, contents, fonts, text."""

import re
from pathlib import Path

import pikepdf
import pypdfium2

HEADING = re.compile(r"^/H([1-6])$")


def struct_elements(pdf: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element in document order (depth first)."""
    found: list[pikepdf.Dictionary] = []

    def walk(node) -> None:
        if not isinstance(node, pikepdf.Dictionary):
            return
        if "/S" in node:
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            return
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            walk(kid)

    walk(pdf.Root.StructTreeRoot)
    return found


def tag(element: pikepdf.Dictionary) -> str:
    return str(element.S)


def descendants(element: pikepdf.Dictionary) -> list[pikepdf.Dictionary]:
    kids = element.get("/K")
    out: list[pikepdf.Dictionary] = []
    if kids is None:
        return out
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            out.append(kid)
            out.extend(descendants(kid))
    return out


def heading_levels(pdf: pikepdf.Pdf) -> list[int]:
    return [int(m[1]) for e in struct_elements(pdf) if (m := HEADING.match(tag(e)))]


def bookmarks_with_pages(pdf: pikepdf.Pdf) -> list[tuple[str, int, list]]:
    """(title, 1-based page, children) for every bookmark."""
    pages = {page.objgen: number for number, page in enumerate(pdf.pages, start=1)}

    def walk(items):
        out = []
        for item in items:
            destination = item.destination
            page = pages[destination[0].objgen] if destination is not None else None
            out.append((item.title, page, walk(item.children)))
        return out

    with pdf.open_outline() as outline:
        return walk(outline.root)


def page_texts(path: Path) -> list[str]:
    """Each page's text. PDFium marks a hyphen that ends a line as U+FFFE; it is a hyphen."""
    document = pypdfium2.PdfDocument(path)
    return [page.get_textpage().get_text_range().replace("\ufffe", "-") for page in document]


def contents_entries(text: str) -> dict[str, int]:
    """'Mål 1 Ingen fattigdom . . . . 4' lines of the contents page -> {title: page}."""
    entries = {}
    for line in text.splitlines():
        match = re.match(r"^(.*?)[\s.]*?\s(\d+)\s*$", line.strip())
        if match and not line.startswith("Sida "):
            title = match[1].rstrip(" .")
            entries[title] = int(match[2])
    return entries
