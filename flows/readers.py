"""Read a submission file by its format into plain data, remembering the line of every key."""

import re
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from schemas.messages import PROJECT_MESSAGES

KeyPath = tuple[str | int, ...]

_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _TextLoader(_SafeLoader):
    """Safe YAML where every scalar is text, except an empty value or 'null'.

    The models decide what a value is: pydantic turns '17' into 17 where a number is wanted,
    and YAML 1.1's surprises ('NO' -> False, '01234' -> 668, '1.10' -> 1.1) never happen to
    text. A message can then also show the value exactly as the person wrote it.
    """

    yaml_implicit_resolvers: dict = {}


_TextLoader.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Loader = _TextLoader


@dataclass(frozen=True)
class RawSubmission:
    """A file's data before validation, with where each key stands.

    Text formats locate keys by 1-based line (``key_lines``); formats without lines, such as
    Word, by a place a person can find (``key_places``: 'tabell 1, raden Mål').
    """

    data: dict[str, Any]
    key_lines: dict[KeyPath, int] = field(default_factory=dict)
    text_line: int = 1  # the line the Markdown body starts on
    key_places: dict[KeyPath, str] = field(default_factory=dict)
    images: dict[str, bytes] = field(default_factory=dict)  # embedded, by edition-relative path

    def line_of(self, loc: KeyPath) -> int | None:
        """The line of the deepest key of ``loc`` that the file has."""
        return _deepest(self.key_lines, loc)

    def place_of(self, loc: KeyPath) -> str | None:
        return _deepest(self.key_places, loc)


def _deepest(places: dict, loc: KeyPath):
    for end in range(len(loc), 0, -1):
        if loc[:end] in places:
            return places[loc[:end]]
    return None


class ReadError(Exception):
    """The file cannot be turned into data; carries a located, Swedish problem."""

    def __init__(
        self,
        code: str,
        line: int | None = None,
        column: int | None = None,
        place: str | None = None,
        **context,
    ):
        self.code, self.line, self.column, self.place = code, line, column, place
        self.message = PROJECT_MESSAGES[code].format(**context)
        super().__init__(self.message)


WORD_SUFFIXES = ("docx", "docm", "dotm", "doc")
EXCEL_SUFFIXES = ("xlsx", "xlsm", "xltm", "xls")


def read_submission(name: str, content: bytes, folder: str = "") -> RawSubmission:
    """Dispatch on the file's suffix: Markdown with front matter, plain YAML, Word, Excel, or a
    Kolada response (JSON). ``folder`` is the department folder, for files that carry images."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix in WORD_SUFFIXES + EXCEL_SUFFIXES + ("json",):
        # Imported here: python-docx and openpyxl are only loaded when such a file is dropped.
        from flows.office import read_docx, read_kolada_json, read_xlsx_submission

        if suffix in WORD_SUFFIXES:  # macro-enabled and old formats are refused with a reason
            raw, images = read_docx(name, content, folder)
            return replace(raw, images=images)
        if suffix in EXCEL_SUFFIXES:
            return read_xlsx_submission(name, content, folder)
        return read_kolada_json(name, content, folder)
    if suffix in ("md", "markdown"):
        return read_markdown(decode(content))
    if suffix in ("yaml", "yml"):
        return read_yaml(decode(content))
    raise ReadError("unsupported_format", suffix=f".{suffix}" if suffix else "(ingen)")


def decode(content: bytes) -> str:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as error:
        line = content.count(b"\n", 0, error.start) + 1
        raise ReadError("not_utf8", line=line, position=error.start) from None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def read_markdown(text: str) -> RawSubmission:
    """YAML front matter between two '---' lines, then the Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ReadError("no_front_matter", line=1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise ReadError("unclosed_front_matter", line=1) from None
    data, key_lines = load_yaml_mapping("\n".join(lines[1:end]), first_line=2)
    if "text" in data:
        # In Markdown the body is the text; a 'text' key would silently compete with it.
        key_lines_text = key_lines.get(("text",))
        raise ReadError("markdown_text_key", line=key_lines_text)
    body_lines = lines[end + 1 :]
    blank = next((i for i, line in enumerate(body_lines) if line.strip()), len(body_lines))
    body = "\n".join(body_lines[blank:]).rstrip("\n")
    return RawSubmission({**data, "text": body}, key_lines, text_line=end + 2 + blank)


def read_yaml(text: str) -> RawSubmission:
    data, key_lines = load_yaml_mapping(text, first_line=1)
    return RawSubmission(data, key_lines, text_line=key_lines.get(("text",), 1))


def load_yaml_mapping(text: str, first_line: int) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """Safe-load a YAML mapping; reject aliases and duplicate keys; map key paths to lines."""
    offset = first_line - 1
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}, {}
        if not isinstance(node, yaml.MappingNode):
            found = "en lista" if isinstance(node, yaml.SequenceNode) else "löptext"
            raise ReadError("not_a_mapping", line=node.start_mark.line + 1 + offset, found=found)
        key_lines: dict[KeyPath, int] = {}
        _index_lines(node, (), key_lines, offset, seen_nodes=set())
        return loader.construct_document(node), key_lines
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ReadError(
            "yaml_syntax",
            line=mark.line + 1 + offset if mark else None,
            column=mark.column + 1 if mark else None,
            problem=_swedish_yaml_problem(error.problem or error.context or ""),
        ) from None
    finally:
        loader.dispose()


def _index_lines(
    node: yaml.Node, path: KeyPath, out: dict[KeyPath, int], offset: int, seen_nodes: set[int]
) -> None:
    """Record each key's line; a node met twice is an alias (the start of an alias bomb)."""
    if id(node) in seen_nodes:
        raise ReadError("yaml_alias", line=node.start_mark.line + 1 + offset)
    seen_nodes.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys: set[str] = set()
        for key_node, value_node in node.value:
            key = key_node.value
            line = key_node.start_mark.line + 1 + offset
            if key in keys:
                raise ReadError("yaml_duplicate_key", line=line, key=key)
            keys.add(key)
            out[(*path, key)] = line
            _index_lines(value_node, (*path, key), out, offset, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + 1 + offset
            _index_lines(item, (*path, index), out, offset, seen_nodes)


_YAML_PROBLEMS = {
    "mapping values are not allowed": (
        "ett kolon står där det inte får stå; sätt texten inom citattecken"
    ),
    "could not find expected ':'": "ett kolon saknas efter nyckeln",
    "found character '\\t' that cannot start any token": "tabbtecken är inte tillåtna; använd mellanslag",
    "found character that cannot start any token": (
        "ett tecken som inte får stå här, ofta ett tabbtecken; dra in med mellanslag"
    ),
    "found unexpected end of stream": "filen tar slut mitt i ett värde; saknas ett citattecken?",
    "expected <block end>, but found '<block mapping start>'": "indraget stämmer inte",
    "did not find expected key": "indraget stämmer inte eller en nyckel saknas",
}


def _swedish_yaml_problem(problem: str) -> str:
    for english, swedish in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return swedish
    return f"felaktig YAML ({problem})"
