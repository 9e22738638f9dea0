"""Text formats: Markdown with YAML front matter, and plain YAML."""

import re
from typing import Any

import yaml

from flows.readers.raw import KeyPath, RawSubmission, ReadError, translated
from flows.readers.read_on import PartlyRead, read_on

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


def read_markdown(text: str) -> RawSubmission:
    """YAML front matter between two '---' lines, then the Markdown body."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ReadError("no_front_matter", line=1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    except StopIteration:
        raise ReadError("unclosed_front_matter", line=1) from None
    body_lines = lines[end + 1 :]
    blank = next((i for i, line in enumerate(body_lines) if line.strip()), len(body_lines))
    body = "\n".join(body_lines[blank:]).rstrip("\n")
    text_line = end + 2 + blank
    try:
        data, key_lines = load_yaml_mapping("\n".join(lines[1:end]), first_line=2)
    except ReadError as error:
        # Read on: the body and the other keys can still be checked in the same round.
        found = read_on(error, "\n".join(lines[1:end]), 2, _load)
        data = {key: v for key, v in (found.data or {}).items() if key != "text"}
        raw = RawSubmission({**data, "text": body}, found.key_lines, text_line=text_line)
        raise PartlyRead(found.errors, raw, found.left_out, found.data is not None) from None
    if "text" in data:
        # In Markdown the body is the text; a 'text' key would silently compete with it.
        key_lines_text = key_lines.get(("text",))
        raise ReadError("markdown_text_key", line=key_lines_text)
    return RawSubmission({**data, "text": body}, key_lines, text_line=text_line)


def read_yaml(text: str) -> RawSubmission:
    try:
        data, key_lines = load_yaml_mapping(text, first_line=1)
    except ReadError as error:
        found = read_on(error, text, 1, _load)
        raw = RawSubmission(
            found.data or {}, found.key_lines, text_line=found.key_lines.get(("text",), 1)
        )
        raise PartlyRead(found.errors, raw, found.left_out, found.data is not None) from None
    return RawSubmission(data, key_lines, text_line=key_lines.get(("text",), 1))


def _load(text: str, first_line: int) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    return load_yaml_mapping(text, first_line=first_line)


# A value wrapped in typographic quotes, as Word and phones write them: ”Simskola: för alla”.
_CURLY_QUOTED = re.compile(r"^(\s*[^\s#:][^:]*?:[ \t]+)[”“„](.*)[”“][ \t]*(#.*)?$")
# A key written without the space after its colon: 'ordning:10'.
_NO_SPACE = re.compile(r"^\s*([a-zåäöA-ZÅÄÖ_]+):([^\s/].*)$")


def as_a_person_means(text: str) -> str:
    """YAML as people type it: a value in typographic quotes is quoted (the quotes are not
    part of the heading), and a decimal comma inside a flow mapping ('{2024: 84,5}') is a
    decimal point. Line numbers stay as they were."""
    lines = []
    for line in text.split("\n"):
        quoted = _CURLY_QUOTED.match(line)
        if quoted:
            inner = quoted[2].replace("\\", "\\\\").replace('"', '\\"')
            line = f'{quoted[1]}"{inner}"' + (f" {quoted[3]}" if quoted[3] else "")
        if "{" in line:
            line = re.sub(r"\{[^{}]*\}", lambda m: re.sub(r"(?<=\d),(?=\d)", ".", m[0]), line)
        lines.append(line)
    return "\n".join(lines)


def load_yaml_mapping(text: str, first_line: int) -> tuple[dict[str, Any], dict[KeyPath, int]]:
    """Safe-load a YAML mapping; reject aliases and duplicate keys; map key paths to lines."""
    offset = first_line - 1
    text = as_a_person_means(text)
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
        for number, line in enumerate(text.split("\n"), start=first_line):
            if (glued := _NO_SPACE.match(line)) and not line.lstrip().startswith("#"):
                raise ReadError(
                    "colon_without_space", line=number, key=glued[1], value=glued[2]
                ) from None
        mark = error.problem_mark or error.context_mark
        problem = translated(error.problem or error.context or "", _YAML_PROBLEMS, "YAML")
        # Where the fault began: a quote opened, a key without its colon. The parser's own
        # mark may be lines later (the end of the keys), so this line is the one reported.
        began = error.context_mark if isinstance(error, yaml.scanner.ScannerError) else None
        if began is not None and error.problem in _BEGAN_EARLIER:
            mark = began
            if error.context == "while scanning a quoted scalar":
                problem = "citattecknet här stängs aldrig; avsluta värdet med samma citattecken"
        syntax = ReadError(
            "yaml_syntax",
            line=mark.line + 1 + offset if mark else None,
            column=mark.column + 1 if mark else None,
            problem=problem,
        )
        syntax.fault_line = (began or mark).line + 1 + offset if (began or mark) else None
        raise syntax from None
    except yaml.reader.ReaderError as error:
        # A character YAML may not hold, such as Word's soft line break (U+000B) pasted in.
        line = text.count("\n", 0, error.position) + first_line
        code = error.character if isinstance(error.character, int) else ord(error.character)
        raise ReadError("control_character", line=line, character=f"U+{code:04X}") from None
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
            line = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode):
                raise ReadError("yaml_key_not_text", line=line)
            key = key_node.value
            if key in keys:
                raise ReadError("yaml_duplicate_key", line=line, key=key)
            keys.add(key)
            out[(*path, key)] = line
            _index_lines(value_node, (*path, key), out, offset, seen_nodes)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out[(*path, index)] = item.start_mark.line + 1 + offset
            _index_lines(item, (*path, index), out, offset, seen_nodes)


# Scanner problems found after the line at fault: reported where the fault began.
_BEGAN_EARLIER = ("found unexpected end of stream", "could not find expected ':'")

_YAML_PROBLEMS = {
    "mapping values are not allowed": (
        "ett kolon står där det inte får stå; sätt hela värdet inom raka citattecken, "
        'till exempel rubrik: "Simskola: för alla"'
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
