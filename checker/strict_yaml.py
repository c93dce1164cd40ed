"""Safe YAML/JSON loading that remembers source lines, and strict key/type validation with did-you-mean."""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Union

from .utf16 import utf16_without_bom

PathKey = tuple  # e.g. ("rules", 0, "severity")
# PyYAML, imported by the first YAML load (_yaml()): `syndicheck --help` and JSON files need none of it.
yaml: Any = None


def _yaml() -> Any:
    global yaml
    if yaml is None:
        import yaml as module
        yaml = module
    return yaml


def safe_loader() -> Any:
    """libyaml's C parser when PyYAML was built with it (the composer then gives the same nodes and marks,
    10-20x sooner); the pure-Python one otherwise. Either only composes nodes: _convert builds the values."""
    return getattr(_yaml(), "CSafeLoader", yaml.SafeLoader)


class ConfigError(Exception):
    """A problem in a user-supplied file; the message names file, line and key."""

    def __init__(self, source: str, line: Optional[int], key: str, message: str):
        self.source, self.line, self.key, self.detail = source, line, key, message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {key}: {message}" if key else f"{where}: {message}")


def _dotted(path: Iterable) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


@dataclass
class YamlDoc:
    """Plain Python data plus the line of every key path, for error messages."""

    data: Any
    source: str
    lines: dict = field(default_factory=dict)
    # A document read by `json` keeps its text (or a way to read it again) instead: lines are found only
    # when an error needs one.
    json_text: Union[str, Callable[[], str], None] = None

    def line(self, path: PathKey) -> Optional[int]:
        if self.json_text is not None:
            text = self.json_text() if callable(self.json_text) else self.json_text
            self.lines, self.json_text = json_lines(text), None
        # Walk up until a recorded ancestor: a missing key is reported at its parent mapping.
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)

    def error(self, path: PathKey, message: str) -> ConfigError:
        return ConfigError(self.source, self.line(path), _dotted(path), message)

    def get(self, path: PathKey) -> Any:
        node = self.data
        for part in path:
            node = node[part]
        return node

    def check_keys(self, path: PathKey, allowed: Iterable[str], required: Iterable[str] = ()) -> dict:
        """The mapping at `path`, after rejecting unknown keys (with a suggestion) and missing ones."""
        value = self.get(path)
        if not isinstance(value, dict):
            raise self.error(path, f"expected a mapping, got {type_name(value)}")
        allowed = list(allowed)
        for key in value:
            if key not in allowed:
                import difflib  # only for the did-you-mean of an error: not on every start

                close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (allowed: {', '.join(allowed)})"
                raise self.error(tuple(path) + (key,), f"unknown key{hint}")
        for key in required:
            if key not in value:
                raise self.error(path, f"missing required key '{key}'")
        return value

    def typed(self, path: PathKey, expected: type | tuple, *, default: Any = None, required: bool = False) -> Any:
        """The value at `path` if it has the expected type; `default` when absent."""
        parent, key = tuple(path[:-1]), path[-1]
        container = self.get(parent)
        if key not in container or container[key] is None:
            if required:
                raise self.error(parent, f"missing required key '{key}'")
            return default
        value = container[key]
        # bool is an int in Python; a YAML `yes` must not pass as a number.
        if isinstance(value, bool) and expected in (int, float, (int, float)):
            raise self.error(path, f"expected {_expected_name(expected)}, got a boolean")
        if not isinstance(value, expected):
            got = f"{value!r}" if isinstance(value, float) and expected is int else type_name(value)
            raise self.error(path, f"expected {_expected_name(expected)}, got {got}")
        if isinstance(value, float) and not math.isfinite(value):  # YAML's .nan / .inf: every comparison passes
            raise self.error(path, f"expected a finite number, got {value!r}")
        return value

    def str_list(self, path: PathKey, *, required: bool = False, non_empty: bool = False) -> tuple[str, ...]:
        """A list of strings (a single string is accepted as a one-item list)."""
        value = self.typed(path, (list, str), default=[], required=required)
        items = [value] if isinstance(value, str) else value
        for i, item in enumerate(items):
            if not isinstance(item, str) or not item.strip():
                got = "an empty string" if isinstance(item, str) else type_name(item)  # not "got a string"
                raise self.error(tuple(path) + (i,), f"expected a non-empty string, got {got}")
        if non_empty and not items:
            raise self.error(path, "must list at least one entry")
        return tuple(s.strip() for s in items)


def type_name(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", int: "a number", float: "a number",
            bool: "a boolean", type(None): "nothing"}.get(type(value), type(value).__name__)


def _expected_name(expected: type | tuple) -> str:
    if expected is int:
        return "a whole number"
    if isinstance(expected, tuple):
        names = [type_name(t()) if t is not type(None) else "nothing" for t in expected]
        return " or ".join(dict.fromkeys(names))  # (int, float) is "a number", once
    return type_name(expected())


_PLAIN_COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"})
# Values that aliases may add beyond the document's own: `&a [x, x, ...]`, `&b [*a, *a, ...]`, ...
# ("billion laughs") would otherwise expand a few hundred bytes into billions of values.
MAX_ALIAS_EXPANSION = 100_000


def _children(node: yaml.Node) -> list:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_aliases(root: yaml.Node, source: str) -> None:
    """Reject recursive aliases and alias bombs before anything is built (iteratively: no recursion)."""
    sizes: dict = {}  # id(node) -> values it expands to, itself included
    on_path: set = set()
    distinct = 0
    stack = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(c)] for c in _children(node))
            continue
        if key in sizes:
            continue
        on_path.add(key)
        distinct += 1
        stack.append((node, True))
        for child in _children(node):
            if id(child) in on_path:
                raise ConfigError(source, child.start_mark.line + 1, "", "a YAML alias refers to itself")
            if id(child) not in sizes:
                stack.append((child, False))
    if sizes[id(root)] - distinct > MAX_ALIAS_EXPANSION:
        raise ConfigError(source, None, "", f"YAML aliases expand this document to {sizes[id(root)]:,} values; "
                                            f"at most {MAX_ALIAS_EXPANSION:,} may come from aliases")


def _convert(node: yaml.Node, path: PathKey, lines: dict, source: str) -> Any:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) and node.tag not in _PLAIN_COLLECTION_TAGS:
        # Only plain mappings and lists: a tag such as !!python/object must never build anything.
        raise ConfigError(source, node.start_mark.line + 1, _dotted(path), f"unsupported YAML value: tag {node.tag}")
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = yaml.SafeLoader(" ").construct_object(key_node) if not isinstance(key_node, yaml.ScalarNode) else key_node.value
            if key in out:
                raise ConfigError(source, key_node.start_mark.line + 1, _dotted(path + (key,)), "duplicate key")
            lines[path + (key,)] = key_node.start_mark.line + 1
            out[key] = _convert(value_node, path + (key,), lines, source)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, path + (i,), lines, source) for i, child in enumerate(node.value)]
    # Scalars: let the safe constructor resolve ints, bools, dates, null.
    loader = yaml.SafeLoader("")
    try:
        value = loader.construct_object(node, deep=True)
    finally:
        loader.dispose()
    if hasattr(value, "isoformat"):  # YAML dates become strings: originals carry ISO text
        value = value.isoformat()
    return value


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list) -> dict:
    out = dict(pairs)
    if len(out) != len(pairs):
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return out


def _json_doc(text: str, source: str, reread: Optional[Callable[[], str]] = None) -> YamlDoc:
    """JSON by `json` (C-fast), with YAML's answers for duplicate keys and deep nesting. `reread`: how to
    get the text again for error lines, so that a large file's text need not stay in memory."""
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        path, line = json_lines(text, duplicate=exc.key).get("duplicate", ((), None))
        raise ConfigError(source, line, _dotted(path), "duplicate key") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(source, exc.lineno, "", f"invalid JSON: {exc.msg}") from None
    except RecursionError:  # [[[[...]]]] thousands deep: the same answer the YAML loader gives
        raise ConfigError(source, None, "", "the JSON nests too deeply") from None
    return YamlDoc(data, source, {(): 1}, json_text=reread or text)


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|\n|[^\s{}\[\],:"]+')


def json_lines(text: str, duplicate: Any = None) -> dict:
    """The line of every key path of a valid JSON text (error messages only: a pure-Python scan).
    With `duplicate`, also "duplicate": (path, line) of the first repeat of that key in its object."""
    lines: dict = {}
    line = 1
    stack: list = []  # per open container: [path, is_object, next index, pending key, keys seen]
    expecting_key = False
    for m in _JSON_TOKEN.finditer(text):
        tok = m.group()
        if tok == "\n":
            line += 1
            continue
        if tok in ",:":
            if tok == "," and stack and stack[-1][1]:
                expecting_key = True
            continue
        if tok in "}]":
            stack.pop()
            continue
        top = stack[-1] if stack else None
        if top is not None and top[1] and expecting_key:
            key = json.loads(tok)
            top[3] = key
            path = top[0] + (key,)
            if duplicate is not None and key == duplicate and key in top[4] and "duplicate" not in lines:
                lines["duplicate"] = (path, line)
            top[4].add(key)
            lines.setdefault(path, line)
            expecting_key = False
            continue
        if top is None:
            path = ()
        elif top[1]:
            path = top[0] + (top[3],)
        else:
            path = top[0] + (top[2],)
            top[2] += 1
        lines.setdefault(path, line)
        if tok in "{[":
            stack.append([path, tok == "{", 0, None, set()])
            expecting_key = tok == "{"
        if tok.startswith('"'):
            line += tok.count("\n")  # a raw newline in a string is invalid JSON, but count it anyway
    return lines


def loads(text: str, source: str) -> YamlDoc:
    """Parse YAML (or JSON, which YAML reads too) safely: no Python objects are ever constructed."""
    if text.lstrip()[:1] in ("{", "["):
        # JSON (a fetched manifest): `json` reads it a hundred times faster; YAML flow text that is not
        # JSON falls through to the YAML loader.
        try:
            json.loads(text, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError):
            pass
        else:
            return _json_doc(text, source)
    loader = safe_loader()
    try:
        node = yaml.compose(text, Loader=loader)
    except RecursionError:
        raise ConfigError(source, None, "", "the YAML nests too deeply") from None
    except yaml.MarkedYAMLError as exc:
        if "maximum nesting depth" in str(exc.problem):  # libyaml's own depth limit
            raise ConfigError(source, None, "", "the YAML nests too deeply") from None
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise ConfigError(source, line, "", f"invalid YAML: {exc.problem or exc}{_tab_hint(text, mark)}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(source, None, "", f"invalid YAML: {exc}") from None
    if node is None:
        return YamlDoc(None, source, {(): 1})
    _check_aliases(node, source)
    lines: dict = {}
    try:
        data = _convert(node, (), lines, source)
    except RecursionError:
        raise ConfigError(source, None, "", "the YAML nests too deeply") from None
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise ConfigError(source, line, "", f"unsupported YAML value: {exc.problem}") from None
    return YamlDoc(data, source, lines)


def _tab_hint(text: str, mark: Any) -> str:
    """' (a tab ...)' when the error is at a tab: libyaml's message does not show the character it found."""
    if mark is None:
        return ""
    lines = text.splitlines()
    line = lines[mark.line] if 0 <= mark.line < len(lines) else ""
    return " (a tab: YAML is indented with spaces)" if line[mark.column:mark.column + 1] == "\t" else ""


def loads_json(text: str, source: str) -> YamlDoc:
    """Parse a document that says it is JSON (served as application/json): its errors are named as JSON's."""
    return _json_doc(text.lstrip("\ufeff"), source)


UTF16_WITHOUT_BOM = "not UTF-8 text: it looks like UTF-16 without a byte-order mark (NUL bytes between the characters); save it as UTF-8"


def not_utf8(start: bytes, exc: UnicodeDecodeError) -> str:
    """The error for a file that is not UTF-8; one saved as UTF-16 (a Windows editor's "Unicode") is named so."""
    if start in (b"\xff\xfe", b"\xfe\xff"):
        return "not UTF-8 text: it is UTF-16 (a byte-order mark starts it); save it as UTF-8"
    return f"not UTF-8 text (byte {exc.start})"


def load_path(path: str | Path) -> YamlDoc:
    """Load a YAML or JSON file; JSON syntax errors are reported with JSON's own line numbers."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), None, "", f"cannot read file: {exc.strerror or exc}") from None
    if utf16_without_bom(raw):
        raise ConfigError(str(path), None, "", UTF16_WITHOUT_BOM)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(str(path), None, "", not_utf8(raw[:2], exc)) from None
    del raw  # a manifest of 100,000 originals is hundreds of MB: one copy at a time
    if path.suffix.lower() == ".json":
        return _json_doc(text, str(path), reread=lambda: path.read_bytes().decode("utf-8-sig", "replace"))
    return loads(text, str(path))
