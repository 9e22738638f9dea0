"""Submission text (Markdown) -> safe HTML fragments for the report."""

import posixpath
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape
from mdit_py_plugins.footnote import footnote_plugin

# The only link targets the report holds. Anything else (a path, '//server/share', '#anchor',
# 'file:', 'javascript:') is printed as text, and validation notes it in the receipt.
ALLOWED_LINK_PREFIXES = ("https://", "http://", "mailto:")


def allowed_link(href: str) -> bool:
    return href.strip().lower().startswith(ALLOWED_LINK_PREFIXES)


def markdown_parser() -> MarkdownIt:
    """The parser for submission text, the same for validation and rendering. Raw HTML is off:
    what departments write stays text. Every link and image is parsed (validateLink lets all
    through), so that rendering and validation decide on it, not the parser."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    md.use(footnote_plugin, inline=False)  # '[^1]' and '[^1]: text', as Word's footnotes
    md.validateLink = lambda url: True
    return md


_md = markdown_parser()


def render_markdown(text: str, heading_level: int, folder: str) -> Markup:
    """Render ``text``; its headings start at ``heading_level``, images resolve in ``folder``.

    The body's largest heading, whatever its number of #, becomes ``heading_level``, so a
    department's '### Del' sits one level below the section it belongs to.
    """
    tokens = _md.parse(text)
    levels = [int(t.tag[1]) for t in tokens if t.type == "heading_open"]
    shift = heading_level - min(levels) if levels else 0
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(6, int(token.tag[1]) + shift)}"
        for child in token.children or ():
            if child.type == "image":
                src = unquote(child.attrGet("src") or "")  # as validation resolved it
                child.attrSet("src", posixpath.normpath(posixpath.join(folder, src)))
        if token.children:
            token.children = _links_as_text(token.children)
    tokens = _footnotes_in_place(tokens)
    tokens = _figures(tokens)
    return Markup(_md.renderer.render(tokens, _md.options, {}))


def _footnotes_in_place(tokens: list[Token]) -> list[Token]:
    """Each footnote's text where its mark stands, as <span class="footnote">, which the
    stylesheet floats to the foot of the page (WeasyPrint's 'float: footnote' numbers the
    mark and the note); the list of notes at the end goes."""
    notes: dict[int, str] = {}
    body: list[Token] = []
    current: int | None = None
    in_block = False
    for token in tokens:
        if token.type == "footnote_block_open":
            in_block = True
        elif token.type == "footnote_block_close":
            in_block = False
        elif token.type == "footnote_open":
            current = token.meta["id"]
            notes[current] = ""
        elif token.type == "inline" and current is not None:
            text = _md.renderer.render(token.children or [], _md.options, {})
            notes[current] = f"{notes[current]} {text}".strip()
        elif not in_block:
            body.append(token)
    for token in body:
        if token.children:
            token.children = [_footnote_span(c, notes) for c in token.children]
    return body


def _footnote_span(child: Token, notes: dict[int, str]) -> Token:
    if child.type != "footnote_ref":
        return child
    span = Token("html_inline", "", 0)
    span.content = f'<span class="footnote">{notes.get(child.meta["id"], "")}</span>'
    return span


def _links_as_text(children: list[Token]) -> list[Token]:
    """A link to anything but a web or e-mail address becomes its text and its target, as
    plain text: 'Klicka här (../../etc/x)'. Links never nest, so one target is open at most."""
    out: list[Token] = []
    as_text: str | None = None  # the target of the link being printed as text
    for child in children:
        href = child.attrGet("href") or ""
        if child.type == "link_open" and not allowed_link(href):
            as_text = href
        elif child.type == "link_close" and as_text is not None:
            target = Token("text", "", 0)
            target.content = f" ({unquote(as_text)})"
            out.append(target)
            as_text = None
        else:
            out.append(child)
    return out


def _figures(tokens: list[Token]) -> list[Token]:
    """A paragraph holding only an image becomes a figure, its title the caption (credit)."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        inline = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            token.type == "paragraph_open"
            and inline is not None
            and inline.children
            and len(inline.children) == 1
            and inline.children[0].type == "image"
        ):
            image = inline.children[0]
            figure = Token("html_block", "", 0)
            figure.content = figure_html(
                image.attrGet("src"), image.content, image.attrGet("title") or ""
            )
            out.append(figure)
            i += 3
            continue
        out.append(token)
        i += 1
    return out


def figure_html(src: str, alt: str, caption: str) -> str:
    caption_html = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
    return f'<figure><img src="{escape(src)}" alt="{escape(alt)}">{caption_html}</figure>\n'
