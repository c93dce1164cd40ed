"""Which UTF-8 texts plain_text() returns as they are, told for many texts at once in a few numpy passes."""
from __future__ import annotations

from typing import Sequence

import numpy as np

_SPACE, _NEWLINE, _DEL = 32, 10, 127


def normal_utf8_many(datas: Sequence[bytes]) -> list[bool]:
    """[originals._normal_utf8(data) for data in datas]: True where plain_text() would give the text of `data`
    as it is (single spaces, paragraphs apart by exactly "\\n\\n", no control character, no space at either end,
    every character printable). False may also mean: ask plain_text().

    An archive's manifest holds ~100,000 texts. Told one by one on their bytes, each costs a replace(), a search
    for "  " and a translate() (~4 ns a byte: 1.5 s for 363 MB); here the texts of a batch are joined by NUL
    bytes and looked at a few times as a whole (~1 ns a byte), and only their few non-ASCII bytes text by text."""
    out = [True] * len(datas)
    at = [i for i, data in enumerate(datas) if data]  # an empty text is normal
    if not at:
        return out
    texts = [datas[i] for i in at]
    b = np.frombuffer(b"\0".join(texts), np.uint8)
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    starts = np.zeros(len(texts), np.int64)
    np.cumsum(lengths[:-1] + 1, out=starts[1:])
    ends = starts + lengths  # the NUL after each text (past the last byte for the last one)
    space = b == _SPACE
    newline = b == _NEWLINE
    bad = b < 32
    bad ^= newline  # control characters other than the newline (which is one of them)
    bad |= b == _DEL
    bad[ends[:-1]] = False  # the NULs that join the texts are none of theirs
    # A space after a space or a newline ("  ", "\n "), a space before a newline (" \n"): plain_text() would
    # squash them (a NUL between two texts is neither, so no pair spans two texts).
    bad[1:] |= space[1:] & (space[:-1] | newline[:-1])
    bad[:-1] |= space[:-1] & newline[1:]
    # A newline must have a newline on exactly one side: on neither it is a lone line break, on both it is in
    # a run of three or more. (The first and the last byte are some text's first and last: told below.)
    bad[1:-1] |= newline[1:-1] & (newline[:-2] == newline[2:])
    verdict = np.zeros(len(texts), bool)
    if bad.any():
        verdict[np.searchsorted(starts, np.flatnonzero(bad), side="right") - 1] = True
    for edge in (b[starts], b[ends - 1]):  # a space or a newline first or last
        verdict |= (edge == _SPACE) | (edge == _NEWLINE)
    # Non-ASCII characters must be printable: each text's bytes of them (whole UTF-8 sequences, in order) decoded.
    high = np.flatnonzero(b >= 0x80)
    bounds = np.searchsorted(high, np.concatenate([starts, ends[-1:]])).tolist()
    rest = b[high].tobytes()
    for j, (i, ok) in enumerate(zip(at, (~verdict).tolist())):
        lo, hi = bounds[j], bounds[j + 1]
        if ok and hi > lo:
            try:
                ok = rest[lo:hi].decode("utf-8").isprintable()
            except UnicodeDecodeError:  # a lone surrogate (passed through): plain_text() decides
                ok = False
        out[i] = ok
    return out
