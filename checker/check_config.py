"""The `check` command's config file: `syndicheck.toml` or `[tool.syndicheck]` in pyproject.toml, found upward.

Any `check` option may be set there (kebab-case as on the command line, or snake_case); a flag given
on the command line overrides it (a repeatable flag replaces the list). Relative paths are relative to
the file's directory. Unknown keys and wrong types are errors naming the file, line and key.
"""
from __future__ import annotations

import argparse
import difflib
import fnmatch
import logging
import math
import os
import re
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Optional, Sequence

from .models import PageResult
from .strict_yaml import UTF16_WITHOUT_BOM, ConfigError, not_utf8
from .utf16 import utf16_without_bom

log = logging.getLogger("syndicheck")

# key -> (kind, whether it is a path relative to the config file). Kinds: str, list (of str), bool, int, float.
KEYS: dict[str, tuple[str, bool]] = {
    "targets": ("list", True),
    "originals": ("list", True),
    "original": ("str", False),
    "license": ("str", False),
    "format": ("str", False),
    "output": ("str", True),
    "report": ("list", False),  # FORMAT=PATH; the path part is made relative to the file
    "fail-on": ("str", False),
    "exclude": ("list", False),
    "ignore": ("list", False),
    "site-root": ("str", True),
    "cache-dir": ("str", True),
    "timeout": ("float", False),
    "max-bytes": ("int", False),
    "jobs": ("int", False),
    "time-budget": ("float", False),
    "render": ("str", False),
    "allow-private-redirects": ("bool", False),
    "changed-only": ("str", False),
    "no-color": ("bool", False),
    "quiet": ("bool", False),
}


@dataclass(frozen=True)
class CheckConfig:
    """Option values from a config file (argparse dest -> value) and where they came from."""

    path: Optional[str] = None
    values: dict = field(default_factory=dict)


def find_config(start: Path) -> Optional[Path]:
    """The nearest syndicheck.toml, or pyproject.toml with a [tool.syndicheck] table, from `start` upward."""
    for directory in (start, *start.parents):
        own = directory / "syndicheck.toml"
        if own.is_file():
            return own
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*syndicheck\b", text, re.M) is not None


def _line_of(text: str, key: str) -> Optional[int]:
    """The line a key is set on (tomllib gives no positions); the first match is good enough for a message."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*=", re.M)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def load_config(path: Path, choices: Optional[dict] = None) -> CheckConfig:
    """Read and validate one config file; every problem is a ConfigError naming file, line and key.

    `choices`: the allowed values of some keys (format, fail-on), as the command line allows them."""
    if sys.version_info >= (3, 11):  # imported here: most checks find no config file, and it compiles its regexes
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    source = str(path)
    try:
        raw = path.read_bytes()
        text = raw.decode("utf-8-sig")  # a byte-order mark (Windows editors write one) is not TOML's business
    except OSError as exc:
        raise ConfigError(source, None, "", f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(source, None, "", not_utf8(raw[:2], exc)) from None
    if utf16_without_bom(raw):  # valid UTF-8 full of NULs: TOML would name a control character
        raise ConfigError(source, None, "", UTF16_WITHOUT_BOM)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise ConfigError(source, int(m.group(1)) if m else None, "", f"not valid TOML: {exc}") from None
    tool = doc.get("tool")
    if isinstance(tool, dict) and "syndicheck" in tool:  # pyproject.toml, or any file written the same way
        table, prefix = tool["syndicheck"], "tool.syndicheck."
    elif path.name == "pyproject.toml":
        raise ConfigError(source, None, "", "no [tool.syndicheck] table")
    else:  # syndicheck.toml: the options at the top level
        table, prefix = doc, ""
    if not isinstance(table, dict):
        raise ConfigError(source, None, prefix.rstrip("."), "expected a table of check options")
    base = path.parent
    values: dict[str, Any] = {}
    for raw_key, value in table.items():
        key = raw_key.replace("_", "-")
        where = _line_of(text, raw_key)
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(source, where, prefix + raw_key,
                              f"unknown option{hint} (options: {', '.join(KEYS)})")
        kind, is_path = KEYS[key]
        value = _typed(value, kind, source, where, prefix + raw_key)
        allowed = (choices or {}).get(key)
        if allowed is not None and value not in allowed:
            raise ConfigError(source, where, prefix + raw_key, f"{value!r} is not one of {', '.join(allowed)}")
        if is_path:
            value = [_rel(v, base) for v in value] if kind == "list" else _rel(value, base)
        elif key == "report":
            value = [_report_rel(v, base) for v in value]
        values[key.replace("-", "_")] = value
    return CheckConfig(source, values)


def _typed(value: Any, kind: str, source: str, line: Optional[int], key: str) -> Any:
    if kind == "list":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(source, line, key, "expected a string or a list of strings")
        return value
    ok = {"str": isinstance(value, str), "bool": isinstance(value, bool),
          "int": isinstance(value, int) and not isinstance(value, bool),
          "float": isinstance(value, (int, float)) and not isinstance(value, bool)}[kind]
    if not ok:
        names = {"str": "a string", "bool": "true or false", "int": "a whole number", "float": "a number"}
        raise ConfigError(source, line, key, f"expected {names[kind]}, got {type(value).__name__} {value!r}")
    if kind == "float" and not math.isfinite(value):  # TOML's nan / inf: every range check would pass
        raise ConfigError(source, line, key, f"expected a finite number, got {value!r}")
    return float(value) if kind == "float" else value


def _rel(value: str, base: Path) -> str:
    """A path relative to the config file's directory; URLs, '-' and absolute paths as they are."""
    if value == "-" or "://" in value or os.path.isabs(value):
        return value
    path = os.path.normpath(os.path.join(base, value))
    shown = os.path.relpath(path)  # reports name the pages as the user sees them from here
    return shown if not shown.startswith("..") else path


def _report_rel(spec: str, base: Path) -> str:
    fmt, sep, path = spec.partition("=")
    return f"{fmt}={_rel(path, base)}" if sep and path else spec


def excluded(path: str, patterns: Iterable[str], base: Optional[str] = None) -> bool:
    """Whether a target matches an --exclude glob (fnmatch: `*` also crosses `/`; `**/` any directories).

    Compared with the path as given, its parts' tails ("drafts/x.html" matches "drafts/*") and, with `base`
    (the config file's directory), the path relative to it."""
    candidates = {path.replace(os.sep, "/")}
    if base and not path.startswith(("http://", "https://")):
        try:
            candidates.add(os.path.relpath(os.path.abspath(path), base).replace(os.sep, "/"))
        except ValueError:  # another drive
            pass
    for c in list(candidates):
        parts = c.split("/")
        candidates.update("/".join(parts[i:]) for i in range(1, len(parts)))
    for pattern in patterns:
        pats = {pattern, pattern.replace("**/", "")} if "**/" in pattern else {pattern}
        if any(fnmatch.fnmatchcase(c, p) for c in candidates for p in pats):
            return True
    return False


def given_dests(parser: argparse.ArgumentParser, argv: Sequence[str]) -> set[str]:
    """The `check` options the command line set (a config file does not override them).

    argv is parsed again with every `check` default replaced by a marker: what is not the marker was given."""
    class Unset(list):  # a list, so that append actions can copy it and append to the copy
        pass

    unset = Unset()
    check = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices["check"]
    for action in check._actions:
        if action.dest != "help":
            action.default = unset
    args = parser.parse_args(argv)
    return {dest for dest, value in vars(args).items() if value is not unset}


def apply_config(args: argparse.Namespace, parser: argparse.ArgumentParser, choices: dict) -> Optional[str]:
    """Set `check` options from the config file (--config, else the nearest one) where no flag set them.

    `parser`: a fresh parser of the whole command line (it is modified); returns the file's path, if any."""
    if args.no_config:
        return None
    path = Path(args.config) if args.config else find_config(Path.cwd())
    if path is None:
        return None
    if not path.is_file():
        given = args.config or str(path)  # as typed: Path() folds "https://" into "https:/"
        why = ("a URL, not a file (the config file is read from disk)" if "://" in given
               else "a directory, not a file" if path.is_dir() else "no such file")
        raise FileNotFoundError(f"--config {given}: {why}")
    config = load_config(path, choices)
    given = given_dests(parser, getattr(args, "argv", None) or ["check"])
    for dest, value in config.values.items():
        if dest not in given:
            setattr(args, dest, value)
    log.info("options from %s", config.path)
    return config.path


def without_rules(result: PageResult, ignored: Sequence[str]) -> PageResult:
    """The page as if the ignored rules (--ignore) were not in the pack: findings dropped, status recomputed."""
    if not ignored or not any(f.rule in ignored for f in result.findings):
        return result
    from .engine import page_status

    findings = tuple(f for f in result.findings if f.rule not in ignored)
    return replace(result, findings=findings, status=page_status(findings))
