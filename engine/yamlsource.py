"""A strict reader of untrusted YAML (and JSON) scenario text.

PyYAML's loaders construct Python objects from the node tree and resolve
scalars by YAML 1.1, where `NO` is false and `1949-04-04` a date. Scenario
files need neither: this reader walks the parser's event stream and builds
plain dicts, lists and scalars itself, resolving plain scalars by the YAML 1.2
core schema (only true/false are booleans, dates stay strings). While it
builds, it records where every key and value stands, so the scenario checks can
name a line and column for any JSON path.

Anchors, aliases and explicit tags are refused: a scenario has no use for
them, and refusing the first anchor makes an alias bomb cost nothing.
Duplicate keys are reported where the second one stands.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

# The C parser is an order of magnitude faster; both give the same marks.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

Mark = tuple[int, int]          # 1-based line and column
Path = tuple[str | int, ...]    # keys and indexes from the document's root

MAX_DEPTH = 64                  # scenarios nest six deep; deeper is not a scenario
_STR_TAG = "tag:yaml.org,2002:str"
_PLAIN_TAGS = frozenset({None, "!", _STR_TAG, "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})
# Any integer Python reads from a string (int() refuses more than 4,300 digits): a longer run of
# digits read as a float would give a number other than the one written (10**30 + 2**...), where
# the same number given as data keeps every digit.
_INT = re.compile(r"[-+]?[0-9]{1,4300}")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_NO_ALIASES = "aliases and anchors are not allowed in scenario files"


@dataclass(frozen=True, slots=True)
class Flaw:
    """A problem found while reading: where, on which path, and what."""
    mark: Mark
    path: Path
    message: str


class SourceError(Exception):
    """The text is not a readable document; carries every flaw found."""

    def __init__(self, flaws: list[Flaw]):
        self.flaws = flaws
        super().__init__("; ".join(f.message for f in flaws))


@dataclass
class Document:
    """Plain data plus where each part of it stands in the text.

    Side tables are keyed by `id()` of the containers, which the document keeps
    alive: `values[id(c)][k]` is the parser's mark of `c[k]`, `keys[id(m)][k]`
    the mark of the key itself, `starts[id(c)]` where the container begins, and
    `raw[(id(c), k)]` the original text of a plain scalar that resolved to a
    number or boolean (a field that wants a string gets that text back). Marks
    stay the parser's objects (0-based) until a message needs one.
    """
    data: Any
    values: dict[int, Any] = field(default_factory=dict)
    keys: dict[int, dict[str, Any]] = field(default_factory=dict)
    starts: dict[int, Any] = field(default_factory=dict)
    raw: dict[tuple[int, Any], str] = field(default_factory=dict)
    flaws: list[Flaw] = field(default_factory=list)  # readable, yet wrong (duplicate keys, tags)

    def locate(self, path: Path, *, key: bool = False) -> Mark:
        """Where the value at `path` stands (or its key, with key=True); (0, 0) if unknown."""
        if not path:
            return _place(self.starts.get(id(self.data)))
        node = self.data
        for step in path[:-1]:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return (0, 0)
        table: Any = (self.keys if key else self.values).get(id(node))
        try:
            return _place(table[path[-1]]) if table is not None else (0, 0)
        except (KeyError, IndexError, TypeError):
            return (0, 0)

    def value_at(self, path: Path) -> Any:
        """The value at `path`, or None if the path leads nowhere."""
        node = self.data
        for step in path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return None
        return node

    def start_of(self, path: Path) -> Mark:
        """Where the container at `path` begins (for a key missing from it)."""
        node = self.data
        for step in path:
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return (0, 0)
        start = self.starts.get(id(node))
        return _place(start) if start is not None else self.locate(path)


def _place(mark: Any) -> Mark:
    return (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)


def _mark(event: Any) -> Mark:
    return _place(event.start_mark)


_WORDS: dict[str, Any] = {word: None for word in _NULLS}
_WORDS.update({word: True for word in _TRUE})
_WORDS.update({word: False for word in _FALSE})
_MISSING = object()
_NUMERIC_START = frozenset("0123456789+-.")


def resolve(text: str) -> Any:
    """A plain scalar's value by the YAML 1.2 core schema (no .inf, .nan, octal or hex)."""
    word = _WORDS.get(text, _MISSING)
    if word is not _MISSING:
        return word
    if text[0] not in _NUMERIC_START:
        return text
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        value = float(text)
        return value if math.isfinite(value) else text
    return text


class _Frame:
    """A container being built, its mark tables, and the key awaiting a value."""
    __slots__ = ("obj", "is_map", "values", "keys", "path", "key", "drop")

    def __init__(self, obj: Any, path: Path):
        self.obj = obj
        self.is_map = isinstance(obj, dict)
        self.path = path
        self.values: Any = {} if self.is_map else []
        self.keys: dict[str, Any] = {}
        self.key: Any = _NO_KEY  # mappings: the key whose value comes next
        self.drop = False        # the pending key is a duplicate: discard its value

    def child_path(self) -> Path:
        if self.is_map:
            return self.path + ((self.key,) if self.key is not _NO_KEY else ())
        return self.path + (len(self.obj),)


_NO_KEY = object()


def _build(parser: Any, doc: Document) -> int:
    """Fill `doc` in one pass over the parser's events; returns how many documents began.

    A single loop with local names: this is the hot path of reading a large file.
    """
    raw, flaws = doc.raw, doc.flaws
    get = parser.get_event
    stack: list[_Frame] = []
    frame: _Frame | None = None
    documents = 0
    while True:
        event = get()
        cls = type(event)
        if cls is yaml.ScalarEvent:
            if event.anchor is not None or (event.tag not in _PLAIN_TAGS):
                _odd_node(event, frame, flaws)
            if frame is not None and frame.is_map and frame.key is _NO_KEY:
                _take_key(frame, event, flaws)
                continue
            text = event.value
            if event.tag is None and not event.style:
                value = resolve(text)
                rawtext = text if value is not None and value.__class__ is not str else None
            else:
                value, rawtext = text, None
            mark = event.start_mark
        elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
            if event.anchor is not None or (event.tag not in _PLAIN_TAGS):
                _odd_node(event, frame, flaws)
            if frame is not None and frame.is_map and frame.key is _NO_KEY:
                raise SourceError([Flaw(_mark(event), frame.path,
                                        "a key must be a plain string, not a list or mapping")])
            if len(stack) >= MAX_DEPTH:
                raise SourceError([Flaw(_mark(event), frame.child_path() if frame else (),
                                        f"nested deeper than {MAX_DEPTH} levels")])
            value = {} if cls is yaml.MappingStartEvent else []
            rawtext, mark = None, event.start_mark
            doc.starts[id(value)] = mark
            child = _Frame(value, frame.child_path() if frame is not None else ())
        elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
            done = stack.pop()
            doc.values[id(done.obj)] = done.values
            if done.is_map:
                doc.keys[id(done.obj)] = done.keys
            frame = stack[-1] if stack else None
            continue
        elif cls is yaml.AliasEvent:
            raise SourceError([Flaw(_mark(event), frame.child_path() if frame else (), _NO_ALIASES)])
        elif cls is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise SourceError([Flaw(_mark(event), (), "a scenario file holds one YAML document; "
                                                          "remove the second one (after ---)")])
            continue
        elif cls is yaml.StreamEndEvent:
            return documents
        else:
            continue
        # attach the value (scalar or new container) to its parent
        if frame is None:
            doc.data = value
            if cls is yaml.ScalarEvent:
                doc.starts[id(value)] = mark
        elif frame.is_map:
            key, frame.key = frame.key, _NO_KEY
            if frame.drop:
                frame.drop = False
            else:
                if rawtext is not None:
                    raw[(id(frame.obj), key)] = rawtext
                frame.obj[key] = value
                frame.values[key] = mark
        else:
            if rawtext is not None:
                raw[(id(frame.obj), len(frame.obj))] = rawtext
            frame.obj.append(value)
            frame.values.append(mark)
        if cls is not yaml.ScalarEvent:
            stack.append(child)
            frame = child


def _odd_node(event: Any, frame: _Frame | None, flaws: list[Flaw]) -> None:
    """Anchors stop the reading at once (alias bombs); explicit tags are flagged."""
    path = frame.child_path() if frame is not None else ()
    if event.anchor is not None:
        raise SourceError([Flaw(_mark(event), path, _NO_ALIASES)])
    flaws.append(Flaw(_mark(event), path, f"tags such as {event.tag} are not allowed in scenario files"))


def _take_key(frame: _Frame, event: Any, flaws: list[Flaw]) -> None:
    key = event.value
    if key in frame.keys:
        first = frame.keys[key].line + 1
        flaws.append(Flaw(_mark(event), frame.path + (key,), f"duplicate key (first at line {first})"))
        frame.drop = True
    else:
        frame.keys[key] = event.start_mark
    frame.key = key


def _offset_mark(data: bytes, offset: int) -> Mark:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return (line, column)


def decode(data: bytes) -> str:
    """UTF-8 text (a BOM is allowed); raises SourceError for binary or other encodings."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise SourceError([Flaw(_offset_mark(data, nul), (),
                                "binary file (NUL byte): a scenario is UTF-8 YAML or JSON text")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte = data[exc.start]
        raise SourceError([Flaw(_offset_mark(data, exc.start), (),
                                f"not UTF-8 text (byte 0x{byte:02x}): save the file as UTF-8")]) from None


def _yaml_flaw(exc: yaml.YAMLError, text: str) -> Flaw:
    if isinstance(exc, yaml.MarkedYAMLError) and exc.problem_mark is not None:
        mark = (exc.problem_mark.line + 1, exc.problem_mark.column + 1)
        context = f" ({exc.context})" if exc.context else ""
        if exc.context and exc.context_mark is not None and exc.context_mark.line != exc.problem_mark.line:
            context = f" ({exc.context} begun at line {exc.context_mark.line + 1})"
        return Flaw(mark, (), f"YAML syntax error: {exc.problem}{context}")
    if isinstance(exc, yaml.reader.ReaderError):
        mark = _offset_mark(text.encode("utf-8"), exc.position)
        return Flaw(mark, (), f"unacceptable character #x{exc.character:04x}: "
                              "control characters are not allowed")
    return Flaw((1, 1), (), f"YAML syntax error: {exc}")


def read_yaml(text: str) -> Document:
    """Build the document of `text`; raises SourceError if it cannot be read at all."""
    parser = _Parser(text)
    doc = Document(None)
    try:
        documents = _build(parser, doc)
    except yaml.YAMLError as exc:
        raise SourceError(doc.flaws + [_yaml_flaw(exc, text)]) from None
    except SourceError as exc:
        raise SourceError(doc.flaws + exc.flaws) from None
    finally:
        parser.dispose()
    if documents == 0 or (doc.data is None and not doc.flaws):
        raise SourceError([Flaw((1, 1), (), "empty file: expected a scenario mapping "
                                            "(format: casus/1, id, title, start, turns, states)")])
    return doc


def read_json(text: str) -> Document:
    """Check JSON syntax with the json module, then build with marks via the YAML reader.

    JSON is YAML's flow style, so the YAML reader gives the marks, duplicate keys
    included. Should it trip on something JSON allows, the json module's data
    stands in, without marks.
    """
    if not text.strip():
        raise SourceError([Flaw((1, 1), (), "empty file: expected a scenario object "
                                            "(format: casus/1, id, title, start, turns, states)")])
    _check_json_depth(text)
    try:
        json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise SourceError([Flaw((exc.lineno, exc.colno), (), f"JSON syntax error: {exc.msg}")]) from None
    except ValueError as exc:
        raise SourceError([Flaw((1, 1), (), f"JSON syntax error: {exc}")]) from None
    try:
        return read_yaml(text)
    except SourceError:
        return Document(json.loads(text, object_pairs_hook=_first_wins))


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"?|[\[\]{}]')


def _check_json_depth(text: str) -> None:
    """Refuse JSON nested deeper than MAX_DEPTH before the json module recurses into it
    (a thousand levels exhaust its stack). One pass over brackets outside strings."""
    depth = 0
    for token in _JSON_TOKEN.finditer(text):
        bracket = token.group()
        if bracket in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                mark = _offset_mark(text.encode("utf-8"), len(text[:token.start()].encode("utf-8")))
                raise SourceError([Flaw(mark, (), f"nested deeper than {MAX_DEPTH} levels")])
        elif bracket in "]}":
            depth -= 1


def _first_wins(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        out.setdefault(key, value)
    return out


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a scenario can use")
