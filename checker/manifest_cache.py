"""Parsed manifests saved by their bytes, texts left on disk: a later run over the same archive skips the parse."""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
import threading
import zlib
from array import array
from itertools import chain
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from .models import Original

log = logging.getLogger(__name__)

FORMAT_VERSION = 4
# Smaller manifests parse in less time than hashing and reading a cache file takes.
MIN_BYTES = 4 * 1024 * 1024
KEEP_FILES = 4
SUFFIX = ".store"
_BLOCK = 1 << 22  # bytes of texts read at a time when all are read in order
_WRITE_BUFFER = 1 << 20  # bytes of texts gathered before each write to the store file
_MAGIC = b"SYNDORG4"
_FIELDS = 5  # id, url, title, authors, published; the text is in the texts section
# File: magic, the metadata's size (8 bytes, little-endian), the texts (UTF-8, back to back), the metadata
# (marshal: digest, texts' size, rows, and per original the text's byte offset, byte length, character count
# and crc32). The metadata is last so that the texts go straight into the file as they are parsed. An archive's texts are ~700 MiB as Python strings; here they stay in the file until a page
# matches their original, and are read with one pread each.


class NotStreamable(Exception):
    """The manifest is not in the one plain shape read entry by entry: parse it whole instead."""


class TextStore:
    """The texts section of one store file, read text by text (os.pread: no shared offset, so threads may read
    at once; the descriptor stays open, so the file may be pruned by another run meanwhile)."""

    def __init__(self, file: Path, fd: int, base: int, starts: array, sizes: array, chars: array, crcs: array,
                 digest: str, reparse: Optional[Callable[[], list[Original]]] = None):
        self.file, self._fd, self._base = file, fd, base
        self._starts, self._sizes, self.chars, self._crcs = starts, sizes, chars, crcs
        self.digest = digest  # text_digest.texts_digest() of the texts in order: the index's key needs no pass
        self._reparse = reparse
        self._fallback: Optional[list[str]] = None
        self._lock = threading.Lock()
        self.originals: tuple[Original, ...] = ()

    def text(self, row: int) -> str:
        fallback = self._fallback
        if fallback is not None:
            return fallback[row]
        size = self._sizes[row]
        data = os.pread(self._fd, size, self._base + self._starts[row]) if size else b""
        if len(data) == size and zlib.crc32(data) == self._crcs[row]:
            return data.decode("utf-8", "surrogatepass")
        return self._damaged(row)

    def texts(self) -> Iterator[str]:
        """Every text in order, read in blocks of a few MB (a pread per text costs more than the read)."""
        for data in self.texts_utf8():
            yield data if isinstance(data, str) else data.decode("utf-8", "surrogatepass")

    def texts_utf8(self) -> Iterator[bytes | str]:
        """texts() as their UTF-8 bytes, undecoded (a text parsed again after damage comes as a str)."""
        block, block_at, n = b"", 0, len(self._sizes)
        for row in range(n):
            if self._fallback is not None:
                yield self._fallback[row]
                continue
            start, size = self._starts[row], self._sizes[row]
            if start + size > block_at + len(block):
                end = row  # the texts that fit in the next block (at least this one)
                while end < n and self._starts[end] + self._sizes[end] - start <= _BLOCK:
                    end += 1
                want = max(self._starts[end - 1] + self._sizes[end - 1], start + size) - start if end > row else size
                block, block_at = os.pread(self._fd, want, self._base + start), start
            data = block[start - block_at:start - block_at + size]
            if len(data) == size and zlib.crc32(data) == self._crcs[row]:
                yield data
            else:
                yield self._damaged(row)

    def _damaged(self, row: int) -> str:
        """A text that changed on disk since the store was opened: the manifest is parsed again, once."""
        with self._lock:
            if self._fallback is None:
                log.warning("parsed-manifest cache %s is damaged (text %d does not match its checksum); "
                            "parsing the manifest again", self.file, row + 1)
                _unlink(self.file)
                if self._reparse is None:
                    raise OSError(f"parsed-manifest cache {self.file} is damaged")
                self._fallback = [o.text for o in self._reparse()]
        return self._fallback[row]

    def __del__(self) -> None:
        try:
            if self._fd >= 0:
                os.close(self._fd)
        except (OSError, AttributeError):
            pass


class StoredOriginal(Original):
    """An Original whose text stays in the store file until it is read; equal to the plain Original with the
    same fields, and pickled as one (a worker elsewhere has no such file)."""

    # The dataclass's __init__ assigns `text`, which is a property here: instances are made by _originals().
    def __init__(self, id: str, url: str, title: str = "", authors: tuple[str, ...] = (),  # noqa: A002
                 published: Optional[str] = None, text: str = ""):
        # Only dataclasses.replace() gets here: the copy holds its text like a plain Original.
        self.__dict__.update(id=id, url=url, title=title, authors=authors, published=published,
                             _store=None, _row=-1, _text=text)

    @property  # type: ignore[override]
    def text(self) -> str:
        store = self.__dict__["_store"]
        return self.__dict__["_text"] if store is None else store.text(self.__dict__["_row"])

    @property
    def chars(self) -> int:
        """len(self.text), without reading it."""
        store = self.__dict__["_store"]
        return len(self.__dict__["_text"]) if store is None else store.chars[self.__dict__["_row"]]

    def _fields(self) -> tuple:
        return (self.id, self.url, self.title, self.authors, self.published, self.text)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Original):
            return NotImplemented
        return self._fields() == (other.id, other.url, other.title, other.authors, other.published, other.text)

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self):
        return (Original, self._fields())


def _store_of(originals: Sequence[Original]) -> Optional[TextStore]:
    """The store whose originals these are, all of them in its order; else None."""
    first = originals[0] if originals else None
    store = first.__dict__.get("_store") if isinstance(first, StoredOriginal) else None
    if store is not None and len(originals) == len(store.originals) and all(
            a is b for a, b in zip(originals, store.originals)):
        return store
    return None


def iter_texts(originals: Sequence[Original]) -> Iterator[str]:
    """The originals' texts in order; those of a whole store read from its file in sequence."""
    store = _store_of(originals)
    return store.texts() if store is not None else (o.text for o in originals)


def iter_texts_utf8(originals: Sequence[Original]) -> Iterator[bytes | str]:
    """iter_texts(), those of a whole store as their UTF-8 bytes (the others, and any text parsed again, as str)."""
    store = _store_of(originals)
    return store.texts_utf8() if store is not None else (o.text for o in originals)


def text_facts(originals: Sequence[Original]) -> tuple[int, Optional[str]]:
    """(the originals' characters of text, their texts' digest when a store already knows it, else None),
    without reading texts that are still on disk."""
    store = _store_of(originals)
    if store is not None:
        return sum(store.chars), store.digest
    return sum(o.chars if isinstance(o, StoredOriginal) else len(o.text) for o in originals), None


def load(path: Path, cache_dir: Optional[Path], parse: Callable[[], list[Original]],
         stream: "Optional[Callable[[Optional[Callable[[bytes], None]]], Iterable[Original | tuple[Original, bytes]]]]" = None
         ) -> list[Original]:
    """parse()'s originals for the manifest at `path`, from `<cache dir>/originals/` when the same bytes were
    parsed before. Only a manifest that parsed without error is saved, so errors always come from parse().
    `stream(seen)`, when given, yields the same originals one by one without holding the manifest (raising
    NotStreamable, or any error, to leave it to parse()), each alone or with its text's UTF-8 bytes (surrogates
    passed), and passes every byte it reads to `seen` (if not None); their texts go to the file as they come."""
    try:
        size = path.stat().st_size
        if size < MIN_BYTES or os.environ.get("SYNDICHECK_INDEX_CACHE") == "off":
            return parse()
    except OSError:
        return parse()  # parse() reports the unreadable file with its usual message
    if cache_dir is None:
        from .paths import user_cache_dir
        cache_dir = user_cache_dir()
    directory = Path(cache_dir) / "originals"
    suffix = f".{size}{SUFFIX}"  # the manifest's size is in the name: no store of this size, no need to look
    file: Optional[Path] = None
    if stream is None or _stored_of_size(directory, suffix):
        file = _named(directory, _file_digest(path), suffix)
        if file is None:
            return parse()
        found = _read(file, parse)
        if found is not None:
            return found
    if stream is not None:
        try:
            if file is not None:
                written = _write(file, _guarded(stream(None)))
            else:
                # None stored of this size, so not this one: the manifest's bytes are hashed as they are read for
                # the entries, not in a pass of their own first.
                digest = _new_digest()
                written = _write(lambda: directory / f"{_finish(digest)}{suffix}", _guarded(stream(digest.update)),
                                 directory)
            if not written:
                return parse()  # the cache cannot be written (logged): the manifest in memory, as without one
            found = _read(written, parse)
            if found is not None:
                return found
        except NotStreamable as exc:
            # An unusual shape or an error in the manifest: parse() gives the real answer, or its error message.
            log.debug("manifest %s not read entry by entry (%s); parsing it whole", path, exc)
    originals = parse()
    if file is None:
        file = _named(directory, _file_digest(path), suffix)
    if file is not None:
        written = _write(file, originals)
        if written:
            found = _read(written, parse)
            if found is not None and len(found) == len(originals):
                return found  # the parsed texts can go: the store's are read when needed
    return originals


def _new_digest():
    return hashlib.blake2b(digest_size=20)


def _finish(digest) -> str:
    digest.update(repr((FORMAT_VERSION, sys.version_info[:2])).encode())  # marshal's format is per version
    return digest.hexdigest()


def _file_digest(path: Path) -> Optional[str]:
    """The hash a store of the manifest at `path` is named by; None if it cannot be read."""
    digest = _new_digest()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 22), b""):
                digest.update(chunk)
    except OSError:
        return None
    return _finish(digest)


def _named(directory: Path, digest: Optional[str], suffix: str) -> Optional[Path]:
    return None if digest is None else directory / f"{digest}{suffix}"


def _stored_of_size(directory: Path, suffix: str) -> bool:
    try:
        return next(directory.glob(f"*{suffix}"), None) is not None
    except OSError:
        return False


def _guarded(originals: "Iterable[Original | tuple[Original, bytes]]") -> "Iterator[Original | tuple[Original, bytes]]":
    """The stream's originals; anything it raises becomes NotStreamable (the whole parse then decides)."""
    try:
        yield from originals
    except NotStreamable:
        raise
    except Exception as exc:  # noqa: BLE001 - parse() reports real errors with their line
        raise NotStreamable(f"{type(exc).__name__}: {exc}") from None


def _read(file: Path, reparse: Callable[[], list[Original]]) -> Optional[list[Original]]:
    try:
        fd = os.open(file, os.O_RDONLY)
    except OSError:
        return None
    store: Optional[TextStore] = None
    try:
        base, digest, rows, table = _contents(fd)
        store = TextStore(file, fd, base, table[0::4], table[1::4], table[2::4], table[3::4], digest, reparse)
        out: list[Original] = []
        new = StoredOriginal.__new__
        if not _rows_shape(rows):
            raise ValueError("an entry of the wrong shape")
        for i, row in enumerate(rows):
            o = new(StoredOriginal)
            o.__dict__.update(id=row[0], url=row[1], title=row[2], authors=row[3], published=row[4],
                              _store=store, _row=i)
            out.append(o)
        store.originals = tuple(out)
    except (OSError, ValueError, EOFError, TypeError) as exc:
        if store is not None:
            store._fd = -1  # closed here, once: not again when the store is collected
        os.close(fd)
        log.warning("parsed-manifest cache %s is damaged (%s); parsing the manifest again", file, exc)
        _unlink(file)
        return None
    try:
        os.utime(file)
    except OSError:
        pass
    return out


def _contents(fd: int) -> tuple[int, str, list, array]:
    """(where the texts start, their digest, the entries' rows, the text table), every size checked against
    the file's: a truncated or padded file raises ValueError."""
    size = os.fstat(fd).st_size
    head = os.pread(fd, 16, 0)
    if len(head) < 16 or not head.startswith(_MAGIC):
        raise ValueError("not a parsed-manifest file")
    meta_size = int.from_bytes(head[8:16], "little")
    if meta_size > size - 16:
        raise ValueError(f"{size} bytes, shorter than its metadata (truncated?)")
    payload = marshal.loads(os.pread(fd, meta_size, size - meta_size))  # plain data only: marshal builds no instances
    if not (isinstance(payload, tuple) and len(payload) == 4 and isinstance(payload[0], str)
            and isinstance(payload[1], int) and isinstance(payload[2], list) and isinstance(payload[3], bytes)):
        raise ValueError("not a (digest, size, rows, offsets) record")
    digest, texts_size, rows, packed = payload
    if size != 16 + meta_size + texts_size:
        raise ValueError(f"{size} bytes, expected {16 + meta_size + texts_size} (truncated?)")
    table = array("q", packed)
    if len(table) != 4 * len(rows):
        raise ValueError("the text table does not match the entries")
    at = 0
    for start, length in zip(table[0::4], table[1::4]):
        if start != at or length < 0:
            raise ValueError("the texts' offsets do not add up")
        at = start + length
    if at != texts_size:
        raise ValueError("the texts' offsets do not add up")
    return 16, digest, rows, table


def _rows_shape(rows: list) -> bool:
    """Every row is (id, url, title, authors, published) of the types an Original has: checked a column at a
    time by the types it holds (a pass in C each), not row by row. marshal gives exact types, no subclasses."""
    if not rows:
        return True
    if set(map(type, rows)) != {tuple} or set(map(len, rows)) != {_FIELDS}:
        return False
    ids, urls, titles, authors, published = zip(*rows)
    return (set(map(type, ids + urls + titles)) == {str} and set(map(type, authors)) == {tuple}
            and set(map(type, chain.from_iterable(authors))) <= {str}
            and set(map(type, published)) <= {str, type(None)})


def _write(file: "Path | Callable[[], Path]", originals: "Iterable[Original | tuple[Original, bytes]]",
           directory: Optional[Path] = None) -> Optional[Path]:
    """Save the originals (iterated once: texts go to the file as they come); the file, or None if it cannot be.
    `file` may be a function that names it once the originals are through (`directory`: where it will be)."""
    from .text_digest import TextsDigest

    directory = file.parent if isinstance(file, Path) else directory
    assert directory is not None
    tmp = directory / f".originals.{os.getpid()}.{threading.get_ident()}.tmp"
    rows: list[tuple] = []
    table = array("q")
    digest = TextsDigest()
    at = 0
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # Texts of a few KB each: through a 1 MiB buffer, a write to the system per MiB rather than per two texts
        # (100,000 texts: 0.25 -> 0.10 s of CPU).
        with open(tmp, "wb", buffering=_WRITE_BUFFER) as f:
            f.write(_MAGIC + bytes(8))  # the metadata's size, written when it is known
            for o in originals:
                if isinstance(o, tuple):  # (original, its text's UTF-8 bytes) from a stream that encoded it
                    o, data = o
                    text = o.text
                else:
                    text = o.text
                    data = text.encode("utf-8", "surrogatepass")
                rows.append((o.id, o.url, o.title, tuple(o.authors), o.published))
                f.write(data)
                digest.update(data)
                table.extend((at, len(data), len(text), zlib.crc32(data)))
                at += len(data)
            meta = marshal.dumps((digest.hexdigest(), at, rows, table.tobytes()))
            f.write(meta)
            f.seek(len(_MAGIC))
            f.write(len(meta).to_bytes(8, "little"))
        if not isinstance(file, Path):
            file = file()
        os.replace(tmp, file)
    except (OSError, ValueError) as exc:
        log.warning("cannot save the parsed manifest in %s: %s", directory, getattr(exc, "strerror", None) or exc)
        return None
    finally:
        _unlink(tmp)
    try:
        files = sorted((p for pattern in (f"*{SUFFIX}", "*.marshal") for p in directory.glob(pattern)),
                       key=lambda p: (p.suffix == SUFFIX, p.stat().st_mtime), reverse=True)
        for old in files[KEEP_FILES:]:
            old.unlink()
    except OSError:
        pass
    return file


def _unlink(file: Path) -> None:
    try:
        file.unlink()
    except OSError:
        pass
