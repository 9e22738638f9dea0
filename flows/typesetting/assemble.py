"""Assemble typeset parts into one PDF, as if the whole report had been typeset at once.

- Pages in part order; the front part's catalog (language, XMP metadata, viewer preferences,
  output intent) and document information become the document's.
- One tag tree: the parts' top-level structure elements under one Document element, and one
  parent tree whose keys (pages' StructParents, annotations' StructParent) are renumbered.
- Named destinations from every part, so a link in one part reaches an anchor in another.
- One outline, rebuilt from the parts' bookmark trees with pages counted across parts.
- "Sida X av Y" stamped on every page from a page-number layer typeset by WeasyPrint with the
  report's own page rules, marked as a pagination artifact.
- Each embedded font file kept once: parts embed whole fonts, byte for byte the same.
- The archive copy declares PDF/UA in its XMP beside PDF/A. (What else WeasyPrint 70 leaves
  for a PDF/UA reader to guess is made explicit in each part, by tagging.py, in the workers.)
"""

import hashlib
import io

import pikepdf
from pikepdf import Array, Dictionary, Name, OutlineItem, PageLocation, Pdf, String

from flows.typesetting.part import RenderError, TypesetPart

FOLIO = Name("/Sidnummer")
# The page's own content is wrapped in q/Q so the stamp starts from the default state.
STAMP = b"Q\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq /Sidnummer Do Q\nEMC\n"
_FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def assemble(parts: list[TypesetPart], folio: TypesetPart, archive: bool = False) -> bytes:
    """One PDF from ``parts`` (front part first) with ``folio``'s page numbers stamped on."""
    pdfs = [pikepdf.open(io.BytesIO(_pdf(part, archive))) for part in parts]
    out = pdfs[0]
    tree = out.Root.StructTreeRoot
    document = tree.K[0]
    kids = list(document.K)
    nums = list(tree.ParentTree.Nums)
    next_key = _next_key(nums)
    destinations = _destinations(out, parts[0])
    for part, source in zip(parts[1:], pdfs[1:], strict=True):
        first = len(out.pages)
        source_tree = source.Root.StructTreeRoot
        source_document = source_tree.K[0]
        # Elements whose parent is the part's Document element get ours instead; cut the link
        # before copying, or the part's whole tree root would be copied along.
        adopted = [kid for kid in source_document.K]
        source_nums = list(source_tree.ParentTree.Nums)
        for value in source_nums[1::2]:
            for element in value if isinstance(value, Array) else [value]:
                if not isinstance(element, Dictionary):
                    continue  # content made an artifact (tagging.py): in no element
                if element.get("/P") is not None and element.P.objgen == source_document.objgen:
                    adopted.append(element)
        for element in adopted:
            if "/P" in element:
                del element["/P"]
        out.pages.extend(source.pages)
        for element in adopted:
            copied = out.copy_foreign(element)
            copied.P = document
        kids.extend(out.copy_foreign(kid) for kid in source_document.K)
        for key, value in zip(source_nums[0::2], source_nums[1::2], strict=True):
            nums.append(int(key) + next_key)
            nums.append(_copy(out, value))
        for page in out.pages[first:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + next_key
            for annotation in page.obj.get("/Annots", []):
                if "/StructParent" in annotation:
                    annotation.StructParent = int(annotation.StructParent) + next_key
        next_key += _next_key(source_nums)
        for name, destination in _destinations(source, part).items():
            destinations.setdefault(name, _copy(out, destination))
    document.K = Array(kids)
    tree.ParentTree = out.make_indirect(Dictionary(Nums=Array(nums)))
    tree.ParentTreeNextKey = next_key

    for page in out.pages:
        for annotation in page.obj.get("/Annots", []):
            annotation.F = int(annotation.get("/F", 0)) | PRINT
    if archive:
        _declare_pdfua(out)
    _set_destinations(out, parts, destinations)
    _set_outline(out, parts)
    _stamp(out, _pdf(folio, False))
    _share_font_files(out)
    buffer = io.BytesIO()
    out.save(
        buffer,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
    )
    return buffer.getvalue()


def _copy(out: Pdf, obj):
    """``obj`` from another PDF, with the objects it refers to (copy_foreign takes only
    indirect objects; the pages already copied are reused, not copied again)."""
    if not isinstance(obj, pikepdf.Object):
        return obj  # a number or a name, already a Python value
    if obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(out, item) for item in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({key: _copy(out, value) for key, value in obj.items()})
    return obj


def _pdf(part: TypesetPart, archive: bool) -> bytes:
    return part.archive_pdf if archive and part.archive_pdf is not None else part.pdf


def _next_key(nums: list) -> int:
    keys = [int(key) for key in nums[0::2]]
    return max(keys) + 1 if keys else 0


def _destinations(pdf: Pdf, part: TypesetPart) -> dict[str, pikepdf.Object]:
    """The part's own named destinations (not the stand-ins for other parts' anchors)."""
    names = pdf.Root.get("/Names", Dictionary()).get("/Dests", Dictionary()).get("/Names", [])
    found = {}
    for name, destination in zip(names[0::2], names[1::2], strict=True):
        if str(name) not in part.placeholders:
            found.setdefault(str(name), destination)
    return found


def _set_destinations(out: Pdf, parts: list[TypesetPart], destinations: dict) -> None:
    wanted = {name for part in parts for name in part.placeholders}
    if missing := sorted(wanted - destinations.keys()):
        raise RenderError("länkar till ankare som inte finns: " + ", ".join(missing))
    flat = Array()
    for name in sorted(destinations):
        flat.append(String(name))
        flat.append(destinations[name])
    if "/Names" not in out.Root:
        out.Root.Names = Dictionary()
    out.Root.Names.Dests = out.make_indirect(Dictionary(Names=flat))


def _set_outline(out: Pdf, parts: list[TypesetPart]) -> None:
    if "/Outlines" in out.Root:
        del out.Root["/Outlines"]

    def item(bookmark, start: int) -> OutlineItem:
        label, (page, x, y), children, state = bookmark
        node = OutlineItem(label, start + page, PageLocation.XYZ, left=x, top=y, zoom=0)
        node.is_closed = state == "closed"
        node.children.extend(item(child, start) for child in children)
        return node

    with out.open_outline() as outline:
        start = 0
        for part in parts:
            outline.root.extend(item(bookmark, start) for bookmark in part.bookmarks)
            start += part.page_count


def _stamp(out: Pdf, folio_pdf: bytes) -> None:
    """Lay each page of the page-number layer over the page of the same number."""
    folio = pikepdf.open(io.BytesIO(folio_pdf))
    if len(folio.pages) != len(out.pages):
        raise RenderError(
            f"sidnumreringen har {len(folio.pages)} sidor men rapporten {len(out.pages)}"
        )
    for page, numbers in zip(out.pages, folio.pages, strict=True):
        form = out.copy_foreign(numbers.as_form_xobject())
        resources = Dictionary({key: value for key, value in page.Resources.items()})
        xobjects = resources.get("/XObject", Dictionary())
        resources.XObject = Dictionary({key: value for key, value in xobjects.items()})
        resources.XObject[FOLIO] = form
        page.Resources = resources
        page.contents_add(out.make_stream(b"q\n"), prepend=True)
        page.contents_add(out.make_stream(STAMP))


def _share_font_files(out: Pdf) -> None:
    """Point every font descriptor at one copy of each distinct font file."""
    first: dict[bytes, pikepdf.Object] = {}
    for obj in out.objects:
        if not isinstance(obj, Dictionary) or obj.get("/Type") != Name.FontDescriptor:
            continue
        for key in _FONT_FILES:
            if key in obj:
                digest = hashlib.sha256(obj[key].read_raw_bytes()).digest()
                obj[key] = first.setdefault(digest, obj[key])


PRINT = 4  # the annotation flag: links print as they show (PDF/A asks for it, too)


PDFUA_XMP = (
    '<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="" '
    'xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"/>'
    # PDF/A wants every schema outside XMP's own described in an extension schema.
    '<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="" '
    'xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" '
    'xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" '
    'xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">'
    '<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">'
    "<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>"
    "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>"
    "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>"
    '<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">'
    "<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>"
    "<pdfaProperty:category>internal</pdfaProperty:category>"
    "<pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>"
    "</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas>"
    "</rdf:Description>"
)


def _declare_pdfua(out: Pdf) -> None:
    """The archive copy is PDF/A-3a and still PDF/UA-1: say both in its XMP."""
    xmp = out.Root.Metadata.read_bytes().decode()
    if "pdfuaid:part" in xmp:
        return
    xmp = xmp.replace("</rdf:RDF>", PDFUA_XMP + "</rdf:RDF>", 1)
    out.Root.Metadata = out.make_stream(xmp.encode(), Type=Name.Metadata, Subtype=Name("/XML"))
