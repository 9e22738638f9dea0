"""What WeasyPrint 70 leaves for a PDF/UA reader to guess, made explicit in one part's PDF:
running heads and other margin-box text become pagination artifacts (WeasyPrint tags them but
hangs them in no tree), and every table header cell gets a /Scope.

Done on each part in its worker, right after WeasyPrint wrote it, so the work is side by side
and cached with the part; assembly only copies the result.
"""

import io

import pikepdf
from pikepdf import Array, Dictionary, Name, Pdf


def made_explicit(pdf: bytes) -> bytes:
    """The part's PDF with its margin text as artifacts and its header cells scoped."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        if "/StructTreeRoot" not in document.Root:
            return pdf  # untagged (the page-number layer): nothing to make explicit
        margins_as_artifacts(document)
        scope_header_cells(document)
        buffer = io.BytesIO()
        # Uncompressed, as WeasyPrint wrote it: the assembled PDF is compressed once.
        document.save(buffer, compress_streams=False, deterministic_id=True)
        return buffer.getvalue()


# A marked-content sequence of margin-box text, once it is no longer part of the tag tree.
RUNNING_HEAD = [Name.Artifact, Dictionary(Type=Name.Pagination)]


def margins_as_artifacts(out: Pdf) -> None:
    """Turn the marked content whose structure element is not in the tag tree into
    pagination artifacts. WeasyPrint 70 builds elements for margin boxes (running heads) but
    links them to nothing, so a reader meets them as content without a place in the order."""
    reachable: set = set()
    pending = [out.Root.StructTreeRoot]
    while pending:
        node = pending.pop()
        kids = node.get("/K")
        kids = kids if isinstance(kids, Array) else [kids] if kids is not None else []
        for kid in kids:
            element = (
                isinstance(kid, Dictionary) and kid.get("/Type", Name.StructElem) == Name.StructElem
            )
            if element and kid.objgen not in reachable:
                reachable.add(kid.objgen)
                pending.append(kid)
    nums = list(out.Root.StructTreeRoot.ParentTree.Nums)
    parents = dict(zip((int(key) for key in nums[0::2]), nums[1::2], strict=True))
    for page in out.pages:
        marked = parents.get(int(page.obj.get("/StructParents", -1)))
        if not isinstance(marked, Array):
            continue
        loose = {
            mcid
            for mcid, element in enumerate(marked)
            if isinstance(element, Dictionary) and element.objgen not in reachable
        }
        if not loose:
            continue
        commands = pikepdf.parse_content_stream(page)
        for index, (operands, operator) in enumerate(commands):
            if operator == pikepdf.Operator("BDC") and len(operands) == 2:
                mcid = operands[1].get("/MCID") if isinstance(operands[1], Dictionary) else None
                if mcid is not None and int(mcid) in loose:
                    commands[index] = pikepdf.ContentStreamInstruction(RUNNING_HEAD, operator)
        page.Contents = out.make_stream(pikepdf.unparse_content_stream(commands))
        for mcid in loose:
            marked[mcid] = None


def scope_header_cells(out: Pdf) -> None:
    """Give every TH a /Scope: /Column in the table head, /Row elsewhere (the row headers of
    our templates). WeasyPrint 70 links data cells to headers by /Headers only, which leaves a
    corner cell such as "Nyckeltal" tied to nothing."""
    for obj in out.objects:
        if not isinstance(obj, Dictionary) or obj.get("/S") != Name.TH:
            continue
        row = obj.get("/P")
        group = row.get("/P") if row is not None else None
        in_head = group is not None and group.get("/S") == Name.THead
        attributes = obj.get("/A")
        if not isinstance(attributes, Dictionary):
            attributes = obj.A = Dictionary(O=Name.Table)
        attributes.Scope = Name.Column if in_head else Name.Row
