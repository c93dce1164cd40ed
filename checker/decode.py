"""Turn fetched HTML bytes into text: BOM, transport charset, in-document declarations, then guessing."""
from __future__ import annotations

import codecs
import re
from typing import Optional

import charset_normalizer

from .utf16 import utf16_without_bom

# Longest BOMs first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Browsers treat these labels as windows-1252 (WHATWG Encoding Standard); Python does not.
_WHATWG_ALIASES = {"iso8859-1": "cp1252", "ascii": "cp1252"}

# Single-byte codecs decode (almost) any byte string, so "decodes strictly" proves nothing for them.
_PERMISSIVE = {"cp1252", "iso8859-1", "iso8859-15"}

# Legacy encodings of the WHATWG Encoding Standard: guessing among exotic DOS/Mac code pages only misleads.
_WEB_LEGACY = (
    "cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp1258", "cp874",
    "iso8859_2", "iso8859_3", "iso8859_4", "iso8859_5", "iso8859_6", "iso8859_7", "iso8859_8", "iso8859_10",
    "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16", "koi8_r", "koi8_u", "mac_cyrillic",
    "shift_jis", "euc_jp", "iso2022_jp", "gb18030", "big5", "euc_kr",
)

_PRESCAN_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE)
_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._\-]+)["']""", re.IGNORECASE)
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml\b[^>]*\?>", re.IGNORECASE)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip data"),
)


def _codec(label: Optional[str]) -> Optional[str]:
    """Python's canonical codec name for a charset label, or None if Python does not know it."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'").lower()).name
    except (LookupError, ValueError):
        return None
    return _WHATWG_ALIASES.get(name, name)


def _try(body: bytes, encoding: Optional[str]) -> Optional[str]:
    if not encoding:
        return None
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _declared_in_document(body: bytes) -> list[str]:
    """Charsets from <meta charset>, http-equiv content-type and the XML declaration, in that order."""
    head = body[:_PRESCAN_BYTES]
    found: list[str] = []
    meta = _META_CHARSET.search(head)
    if meta:
        name = _codec(meta.group(1).decode("ascii", "replace"))
        # A meta tag readable as ASCII cannot be in UTF-16/32; browsers read it as UTF-8.
        if name and name.startswith(("utf-16", "utf-32")):
            name = "utf-8"
        if name:
            found.append(name)
    xml = _XML_DECL_ENCODING.search(head)
    if xml:
        name = _codec(xml.group(1).decode("ascii", "replace"))
        if name and not name.startswith(("utf-16", "utf-32")):
            found.append(name)
    return found


def _guess(body: bytes) -> Optional[tuple[str, str]]:
    """charset_normalizer's best guess among encodings web pages actually use, preferring windows-1252 on a tie."""
    matches = charset_normalizer.from_bytes(body, cp_isolation=list(_WEB_LEGACY))
    best = matches.best()
    if best is None:
        return None
    # Short Western snippets fit a dozen single-byte codecs equally well; the web's default wins the tie.
    encoding = _codec(best.encoding) or best.encoding
    for match in matches:
        if "cp1252" in match.could_be_from_charset and match.chaos <= best.chaos \
                and match.coherence >= best.coherence:
            encoding = "cp1252"
            break
    text = _try(body, encoding)
    return (text, encoding) if text is not None else None


def _finish(text: str, encoding: str) -> tuple[str, str]:
    # lxml refuses str input that still carries an encoding declaration.
    text = text.lstrip("\ufeff")
    text = _XML_DECL_TEXT.sub("", text, count=1)
    return text, encoding


def decode_html(body: bytes, transport_charset: Optional[str]) -> tuple[str, str]:
    """Decode an HTML (or XML) document; returns (text, Python codec name used)."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text = body[len(bom):].decode(encoding, errors="replace")
            return _finish(text, encoding)
    utf16 = utf16_without_bom(body)
    if utf16:
        return _finish(body.decode(utf16, errors="replace"), utf16)

    is_utf8 = _try(body, "utf-8")
    candidates: list[str] = []
    transport = _codec(transport_charset)
    if transport:
        candidates.append(transport)
    candidates.extend(_declared_in_document(body))
    for encoding in candidates:
        # A server-wide "ISO-8859-1" default in front of UTF-8 pages is common; bytes that form
        # valid multi-byte UTF-8 sequences are almost never real windows-1252 text.
        if encoding in _PERMISSIVE and is_utf8 is not None and not body.isascii():
            return _finish(is_utf8, "utf-8")
        # Most pages declare UTF-8: the body was already decoded as such above, not again.
        decoded = is_utf8 if encoding == "utf-8" else _try(body, encoding)
        if decoded is not None:
            return _finish(decoded, encoding)

    if is_utf8 is not None:
        return _finish(is_utf8, "utf-8")

    guess = _guess(body)
    if guess is not None:
        return _finish(guess[0], guess[1])

    return _finish(body.decode("cp1252", errors="replace"), "cp1252")


def utf8_body(body: bytes, encoding: str) -> Optional[bytes]:
    """`body` itself when decode_html(body, ...) returned exactly body.decode("utf-8"), else None.

    The fast text path hands these bytes to lexbor, which parses UTF-8, instead of re-encoding the
    text. The other UTF-8 results of decode_html differ from the body: a BOM is dropped, and so is a
    leading XML declaration, so a body whose first "<" opens "<?" gets None.
    """
    if encoding != "utf-8" or body.startswith(codecs.BOM_UTF8):
        return None
    first = body.find(b"<")
    if first >= 0 and body[first + 1:first + 2] == b"?":
        return None
    return body


def looks_binary(body: bytes) -> Optional[str]:
    """Why `body` is not a text document ("binary content (PNG image)", "empty document"), or None."""
    if not body or body.isspace():  # the same test as `not body.strip()`, without copying the body
        return "empty document"
    for magic, what in _MAGIC:
        if body.startswith(magic):
            return f"binary content ({what})"
    if body.startswith(b"RIFF") and body[8:12] == b"WEBP":
        return "binary content (WebP image)"
    # UTF-16/32 text is full of NUL bytes; only a BOM or where they fall tells it apart from binary.
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or utf16_without_bom(body):
        return None
    if b"\x00" in body[:2048]:
        return "binary content (NUL bytes)"
    return None
