"""One digest of the originals' texts, computed once: the parsed-manifest cache knows it, the index reuses it."""
from __future__ import annotations

import hashlib
import threading
from typing import Sequence

_KNOWN: list[tuple[tuple[str, ...], str]] = []  # (the very text objects, their digest); the 2 latest
_LOCK = threading.Lock()


def remember(texts: Sequence[str], digest: str) -> None:
    """`digest` is texts_digest(texts) for exactly these str objects (a cache read them back with it)."""
    with _LOCK:
        _KNOWN.insert(0, (tuple(texts), digest))
        del _KNOWN[2:]


def texts_digest(texts: Sequence[str]) -> str:
    """A hash of the texts in order. Hashing an archive's texts takes a second per 700 MiB, so texts that
    are the same objects a cache already gave a digest for (checked one by one, by identity) reuse it."""
    with _LOCK:
        known = list(_KNOWN)
    for objects, digest in known:
        if len(objects) == len(texts) and all(a is b for a, b in zip(objects, texts)):
            return digest
    h = TextsDigest()
    for text in texts:
        h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


class TextsDigest:
    """texts_digest() fed one text's UTF-8 bytes at a time (a store writes texts as a manifest is read)."""

    def __init__(self) -> None:
        self._h = hashlib.blake2b(digest_size=20)

    def update(self, data: bytes) -> None:
        self._h.update(len(data).to_bytes(8, "little"))
        self._h.update(data)

    def hexdigest(self) -> str:
        return self._h.hexdigest()
