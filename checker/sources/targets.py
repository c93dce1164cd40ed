"""Expand command-line targets (URLs, files, directories, globs, `-` for stdin) and read local files."""
from __future__ import annotations

import glob
import io
import mimetypes
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Literal, Optional, Sequence, TextIO
from urllib.parse import unquote, urlsplit

from checker.models import Fetched

TargetKind = Literal["url", "file", "missing"]

HTML_SUFFIXES = (".html", ".htm")
# Build trees carry dependencies and VCS data that are never pages of the site.
SKIP_DIRS = frozenset({"node_modules", "__pycache__"})

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
_GLOB_CHARS = re.compile(r"[*?\[]")


@dataclass(frozen=True)
class Target:
    """One thing to check: an http(s) URL, a local file, or something missing (with the reason)."""

    given: str  # as the user gave it (for files found in a directory or glob: that file's path)
    kind: TargetKind
    location: str  # the URL, or the file path to open
    reason: Optional[str] = None  # why a `missing` target cannot be checked
    root: Optional[str] = None  # the site root of a local file: the directory given, or --site-root


def _skipped_dir(name: str) -> bool:
    return (name.startswith(".") and name not in (".", "..")) or name in SKIP_DIRS


def _is_html(name: str) -> bool:
    return name.lower().endswith(HTML_SUFFIXES)


def _walk(directory: str) -> list[str]:
    """HTML files below `directory`, sorted, skipping hidden and dependency directories."""
    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = [d for d in dirs if not _skipped_dir(d)]
        found.extend(os.path.join(root, f) for f in files if _is_html(f))
    return sorted(found, key=lambda p: Path(p).parts)


def _display(path: str) -> str:
    # "build/./a.html" and "./a.html" read better as "build/a.html" and "a.html".
    return os.path.normpath(path)


def _from_glob(pattern: str) -> list[str]:
    """Files matching `pattern` (`**` recursive); matched directories are walked for HTML files."""
    literal_parts = set(Path(pattern).parts)
    wants_any_suffix = "." in os.path.basename(pattern)  # "*.php" names its own suffix; "*" does not
    out: list[str] = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        is_dir = os.path.isdir(match)
        dirs = Path(match).parts if is_dir else Path(match).parts[:-1]
        # `**` descends into node_modules; only follow it there when the pattern says so.
        if any(_skipped_dir(p) and p not in literal_parts for p in dirs):
            continue
        if is_dir:
            out.extend(_walk(match))
        elif os.path.isfile(match) and (wants_any_suffix or _is_html(match)):
            out.append(match)
    return out


def _stdin_text(stdin: TextIO) -> TextIO:
    """Standard input as text: UTF-16 when a byte-order mark says so (PowerShell pipes and Windows editors write
    it; read as UTF-8 every line would be an odd file name), else as given."""
    raw = getattr(stdin, "buffer", None)
    peek = getattr(raw, "peek", None)
    if raw is None or peek is None:
        return stdin
    try:
        start = peek(4)[:4]
    except (OSError, ValueError):
        return stdin
    encoding = "utf-32" if start[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") else \
        "utf-16" if start[:2] in (b"\xff\xfe", b"\xfe\xff") else None
    return io.TextIOWrapper(raw, encoding=encoding, errors="replace") if encoding else stdin


def _expand_one(arg: str, stdin: Optional[TextIO], from_stdin: bool) -> Iterator[Target]:
    if arg == "-":
        if from_stdin:
            return  # a "-" line inside stdin would read stdin again
        if stdin is None:
            yield Target(arg, "missing", arg, "no standard input to read targets from")
            return
        for line in _stdin_text(stdin):
            line = line.strip().lstrip("\ufeff")
            if line and not line.startswith("#"):
                yield from _expand_one(line, stdin, True)
        return

    scheme = _SCHEME.match(arg)
    if scheme:
        name = scheme.group(1).lower()
        try:
            parts = urlsplit(arg)
        except ValueError as exc:  # "http://[::1": one bad line of a list is that line's error, not the run's end
            yield Target(arg, "missing", arg, f"invalid URL: {exc}")
            return
        if name in ("http", "https"):
            if not parts.hostname:
                yield Target(arg, "missing", arg, "URL has no host")
            else:
                yield Target(arg, "url", arg)
        elif name == "file":
            path = unquote(parts.path)
            yield from _expand_path(arg, path)
        else:
            yield Target(arg, "missing", arg, f"unsupported scheme {name}:")
        return
    yield from _expand_path(arg, arg)


def _expand_path(given: str, path: str) -> Iterator[Target]:
    if not path.strip():  # "" would read as the current directory ("" and "." are one path to os.path)
        yield Target(given, "missing", path, "an empty target (a blank argument or line)")
        return
    if os.path.isdir(path):
        files = _walk(path)
        if not files:
            yield Target(given, "missing", path, "no *.html or *.htm files in directory")
        for f in files:
            shown = _display(f)
            yield Target(shown, "file", shown, root=path)
        return
    if os.path.exists(path) or os.path.islink(path):
        # A file checks as given, whatever its suffix: the user named it.
        yield Target(given, "file", path)
        return
    if _GLOB_CHARS.search(path):
        files = _from_glob(path)
        if not files:
            yield Target(given, "missing", path, "no files match this pattern")
        for f in files:
            shown = _display(f)
            yield Target(shown, "file", shown)
        return
    yield Target(given, "missing", path, "no such file or directory" + _url_hint(given))


# "host:port/...", "127.0.0.1/...", "www.example.com/..." typed without a scheme: the user meant a URL.
_HOSTLIKE = re.compile(r"^(localhost|\d{1,3}(\.\d{1,3}){3}|([A-Za-z0-9-]+\.)+[A-Za-z]{2,})(:\d{1,5})?(/|$)")


def _url_hint(given: str) -> str:
    first = given.split("/", 1)[0]
    if _HOSTLIKE.match(given) and (":" in first or not first.lower().endswith(HTML_SUFFIXES)):
        return f" (a URL needs its scheme: http://{given})"
    return ""


def expand_targets(args: Sequence[str], stdin: Optional[TextIO]) -> Iterator[Target]:
    """Targets in the order given; a file or URL reached twice (say a dir and a glob) is checked once."""
    seen: set[tuple[str, str]] = set()
    for arg in args:
        for target in _expand_one(arg, stdin, False):
            if target.kind == "file":
                key = ("file", os.path.realpath(target.location))
            elif target.kind == "url":
                key = ("url", target.location)
            else:
                yield target
                continue
            if key not in seen:
                seen.add(key)
                yield target


def read_file(target: Target, max_bytes: int) -> Fetched:
    """A local file as a Fetched (file:// URI as url); problems come back as Fetched(error=...)."""
    path = target.location
    try:
        url = Path(path).resolve().as_uri()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop, on Python before 3.13
        url = path
    if target.kind != "file":
        return Fetched(target=target.given, url=url, path=path,
                       error=target.reason or f"not a local file: {target.given}")
    content_type = mimetypes.guess_type(path)[0]
    try:
        with open(path, "rb") as handle:
            # One byte past the cap is enough to know the file is too large without reading it all.
            body = handle.read(max_bytes + 1)
    except FileNotFoundError:
        return Fetched(target=target.given, url=url, path=path, error="no such file or directory")
    except IsADirectoryError:
        return Fetched(target=target.given, url=url, path=path, error="is a directory")
    except PermissionError:
        return Fetched(target=target.given, url=url, path=path, error="permission denied")
    except OSError as exc:
        return Fetched(target=target.given, url=url, path=path,
                       error=f"cannot read file: {exc.strerror or exc}")
    if len(body) > max_bytes:
        from checker.crawl.fetcher import human_size  # requests with it: only on this error path

        return Fetched(target=target.given, url=url, path=path, content_type=content_type,
                       error=f"file larger than {human_size(max_bytes)}")
    return Fetched(target=target.given, url=url, path=path, body=body, content_type=content_type,
                   site_root=target.root)
