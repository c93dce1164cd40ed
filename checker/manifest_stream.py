"""A JSON manifest's entries one at a time, so that an archive's manifest is never in memory whole."""
from __future__ import annotations

import codecs
import json
import re
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, Optional

from .manifest_cache import NotStreamable
from .strict_yaml import _no_duplicates

CHUNK = 1 << 23  # bytes read at a time: 8 MiB
MAX_ENTRY = 1 << 26  # characters: a longer entry (no article is) is left to the whole parse
_WS = re.compile(r"[ \t\n\r]*")  # json's own whitespace
_NEXT = re.compile(r"[ \t\n\r]*([,\]])[ \t\n\r]*")  # what follows an entry: another, or the list's end
_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates)  # duplicate keys: as the whole parse
_HEAD = re.compile(r'[ \t\n\r]*(?:\{[ \t\n\r]*"originals"[ \t\n\r]*:[ \t\n\r]*)?\[')


def _skip(buf: str, pos: int) -> int:
    """The position after the whitespace at `pos`."""
    m = _WS.match(buf, pos)
    return m.end() if m else pos


def entries(path: Path, seen: Optional[Callable[[bytes], None]] = None) -> Iterator[Any]:
    """The entries of `{"originals": [...]}` or of a top-level list, as json.loads gives them, in order.

    Only that plain shape is read here; anything else (another key, a syntax error, bytes that are not
    UTF-8, a file that ends early) raises NotStreamable, and the caller parses the file whole, which gives
    the real error with its line. Whatever is yielded before that is the caller's to throw away. Every byte read
    goes to `seen` (a hash of the file as it is read), the whole file once the entries end without error."""
    with open(path, "rb") as f:
        reader = _Reader(f, seen)
        wrapped = reader.opening()
        first = True
        while True:
            reader.skip(keep=CHUNK // 2)  # an entry may span reads: read on while what is left is short
            if reader.take("]"):
                break
            if not first and not reader.take(","):
                raise NotStreamable("expected ',' between entries")
            while True:  # entry after entry, while the window holds the next one's start
                entry = reader.value()
                if not isinstance(entry, dict):
                    raise NotStreamable("an entry that is not a mapping")
                yield entry
                first = False
                # The separator and the whitespace around it in one match, not the steps above (a few µs an entry).
                after = _NEXT.match(reader.buf, reader.pos)
                if after is None or len(reader.buf) - after.end() < CHUNK // 2 and not reader.eof:
                    break  # something else, or near the window's end: the steps above decide
                reader.pos = after.end()
                if after.group(1) == "]":
                    reader.closing("}" if wrapped else "")
                    return
        reader.closing("}" if wrapped else "")


class _Reader:
    """A UTF-8 file as a window of decoded text (buf[pos:]) that moves forward."""

    def __init__(self, f: BinaryIO, seen: Optional[Callable[[bytes], None]] = None):
        self._f, self._seen = f, seen
        self._decoder = codecs.getincrementaldecoder("utf-8")("strict")
        self.buf, self.pos, self.eof = "", 0, False

    def _more(self) -> None:
        """Drop what was read and append the next characters (eof at the end of the file)."""
        while raw := self._f.read(CHUNK):
            if self._seen is not None:
                self._seen(raw)
            try:
                text = self._decoder.decode(raw, final=False)
            except UnicodeDecodeError as exc:
                raise NotStreamable("not UTF-8") from exc
            if text:
                self.buf, self.pos = self.buf[self.pos:] + text, 0
                return
        self.eof = True

    def opening(self) -> bool:
        """Past the list's "["; whether the list is wrapped in {"originals": ...}."""
        while not self.eof and len(self.buf) < 4096:
            self._more()
        if self.buf.startswith("\ufeff"):  # utf-8-sig, as load_path reads it
            self.pos = 1
        head = _HEAD.match(self.buf, self.pos)
        if head is None:
            raise NotStreamable("not a list of originals")
        self.pos = head.end()
        return head.group(0).lstrip(" \t\n\r\ufeff").startswith("{")

    def skip(self, keep: int = 0) -> None:
        """Past whitespace, with at least `keep` characters after it unless the file ends first."""
        self.pos = _skip(self.buf, self.pos)
        while not self.eof and len(self.buf) - self.pos < max(keep, 1):
            self._more()
            self.pos = _skip(self.buf, self.pos)

    def take(self, char: str) -> bool:
        """Past `char` (and the whitespace after it) if it comes next."""
        if self.pos < len(self.buf) and self.buf[self.pos] == char:
            self.pos += 1
            self.skip()
            return True
        return False

    def value(self) -> Any:
        """The JSON value that starts here, reading on while it goes past the window."""
        while True:
            try:
                value, self.pos = _DECODER.raw_decode(self.buf, self.pos)
                return value
            except json.JSONDecodeError as exc:
                # At the end of the file, or an entry bigger than any article: the whole parse decides.
                if self.eof or len(self.buf) - self.pos > MAX_ENTRY:
                    raise NotStreamable(f"invalid JSON: {exc.msg}") from None
                self._more()
                self.pos = _skip(self.buf, self.pos)

    def closing(self, expected: str) -> None:
        """Only `expected` and whitespace from here to the end of the file."""
        while not self.eof:
            if len(self.buf) - self.pos > 1024:
                raise NotStreamable("more after the list of originals")
            self._more()
        try:
            self._decoder.decode(b"", final=True)
        except UnicodeDecodeError as exc:
            raise NotStreamable("not UTF-8") from exc
        if self.buf[self.pos:].strip(" \t\n\r") != expected:
            raise NotStreamable("more after the list of originals")
