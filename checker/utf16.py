"""Text saved as UTF-16 without a byte-order mark, told apart by where its NUL bytes fall."""
from __future__ import annotations

from typing import Optional


def utf16_without_bom(raw: bytes) -> Optional[str]:
    """"utf-16-le" or "utf-16-be" when `raw` opens like UTF-16 text without a byte-order mark, else None.

    Such bytes are valid UTF-8 (NUL is a UTF-8 character), so they decoded to text full of NULs: a manifest failed
    as "unacceptable character #x0000", a page matched no original (a silent "not a copy"). Text never holds NUL;
    in UTF-16 every ASCII character (markup, YAML keys, spaces) has a NUL high byte, so the NULs all fall on one
    side: at least a quarter of those bytes, and none of the others, over 8 characters or more (a short
    "<html>" followed by binary bytes is binary).
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # a byte-order mark: not this function's case
        return None
    head = raw[:256]
    head = head[:len(head) - len(head) % 2]
    if len(head) < 16:
        return None
    even, odd = head[0::2], head[1::2]
    if 0 not in even and odd.count(0) * 4 >= len(odd):
        return "utf-16-le"
    if 0 not in odd and even.count(0) * 4 >= len(even):
        return "utf-16-be"
    return None
