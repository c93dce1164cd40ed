"""A JSON manifest's entries one at a time, so that an archive's manifest is never in memory whole."""
from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any, Iterator

from .manifest_cache import NotStreamable
from .strict_yaml import _no_duplicates

CHUNK = 1 << 23  # bytes read at a time: 8 MiB
MAX_ENTRY = 1 << 26  # characters: a longer entry (no article is) is left to the whole parse
_WS = re.compile(r"[ \t\n\r]*")  # json's own whitespace
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates)  # duplicate keys: as the whole parse
_HEAD = re.compile(r'[ \t\n\r]*(?:\{[ \t\n\r]*"originals"[ \t\n\r]*:[ \t\n\r]*)?\[')


def _skip(buf: str, pos: int) -> int:
    """The position after the whitespace at `pos`."""
    m = _WS.match(buf, pos)
    return m.end() if m else pos


def entries(path: Path) -> Iterator[Any]:
    """The entries of `{"originals": [...]}` or of a top-level list, as json.loads gives them, in order.

    Only that plain shape is read here; anything else (another key, a syntax error, bytes that are not
    UTF-8, a file that ends early) raises NotStreamable, and the caller parses the file whole, which gives
    the real error with its line. Whatever is yielded before that is the caller's to throw away."""
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    with open(path, "rb") as f:
        def more() -> str:
            """The next characters; "" only at the end of the file."""
            while raw := f.read(CHUNK):
                try:
                    text = decoder.decode(raw, final=False)
                except UnicodeDecodeError as exc:
                    raise NotStreamable("not UTF-8") from exc
                if text:
                    return text
            return ""

        buf, eof = "", False
        while not eof and len(buf) < 4096:  # the opening, up to the list's "["
            chunk = more()
            buf, eof = buf + chunk, not chunk
        if buf.startswith("\ufeff"):  # utf-8-sig, as load_path reads it
            buf = buf[1:]
        head = _HEAD.match(buf)
        if head is None:
            raise NotStreamable("not a list of originals")
        wrapped = buf[head.start():head.end()].lstrip(" \t\n\r").startswith("{")
        pos = head.end()
        first = True
        while True:
            pos = _skip(buf, pos)
            # Keep a whole entry in the buffer: read on while what is left is short (an entry may span reads).
            if not eof and len(buf) - pos < CHUNK // 2:
                chunk = more()
                eof = not chunk
                buf = buf[pos:] + chunk
                pos = _skip(buf, 0)
            if pos < len(buf) and buf[pos] == "]":
                pos += 1
                break
            if not first:
                if pos >= len(buf) or buf[pos] != ",":
                    raise NotStreamable("expected ',' between entries")
                pos = _skip(buf, pos + 1)
            while True:
                try:
                    entry, end = _DECODER.raw_decode(buf, pos)
                    break
                except json.JSONDecodeError as exc:
                    # At the end of the file, or an entry bigger than any article: the whole parse decides.
                    if eof or len(buf) - pos > MAX_ENTRY:
                        raise NotStreamable(f"invalid JSON: {exc.msg}") from None
                    chunk = more()  # the entry goes on past the buffer: read on
                    eof = not chunk
                    buf = buf[pos:] + chunk
                    pos = _skip(buf, 0)
            if not isinstance(entry, dict):
                raise NotStreamable("an entry that is not a mapping")
            yield entry
            pos, first = end, False
        # What follows the list: the wrapper's closing brace and whitespace only, to the end of the file.
        rest = buf[pos:]
        while not eof:
            chunk = more()
            eof = not chunk
            rest += chunk
            if len(rest) > 1024:
                raise NotStreamable("more after the list of originals")
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise NotStreamable("not UTF-8") from exc
        rest = rest.strip(" \t\n\r")
        if rest != ("}" if wrapped else ""):
            raise NotStreamable("more after the list of originals")
