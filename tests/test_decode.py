"""Decoding fetched HTML bytes: BOM, transport charset vs in-document declarations, fallbacks, binary sniffing."""
from __future__ import annotations

import codecs

import lxml.html
import pytest

from checker.decode import decode_html, looks_binary


def test_utf8_bom_wins_over_everything():
    body = codecs.BOM_UTF8 + '<meta charset="windows-1252"><p>café</p>'.encode()
    text, enc = decode_html(body, "iso-8859-2")
    assert enc == "utf-8"
    assert text == '<meta charset="windows-1252"><p>café</p>'  # BOM removed


def test_utf16_bom():
    text, enc = decode_html("<p>naïve</p>".encode("utf-16"), None)
    assert text == "<p>naïve</p>" and enc.startswith("utf-16")


def test_transport_charset_beats_meta():
    body = '<meta charset="windows-1252"><p>café</p>'.encode("utf-8")
    assert decode_html(body, "utf-8") == ('<meta charset="windows-1252"><p>café</p>', "utf-8")
    latin = '<meta charset="utf-8"><p>café</p>'.encode("cp1252")
    assert decode_html(latin, "windows-1252")[0].endswith("<p>café</p>")


def test_meta_charset_and_http_equiv():
    body = '<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251")
    assert decode_html(body, None) == ('<meta charset="windows-1251"><p>Привет</p>', "cp1251")
    body = ('<meta http-equiv="Content-Type" content="text/html; charset=koi8-r">'
            "<p>Привет</p>").encode("koi8-r")
    text, enc = decode_html(body, None)
    assert enc == "koi8-r" and text.endswith("<p>Привет</p>")


def test_lying_charset_falls_through():
    # Header claims UTF-8 but the bytes are windows-1252; the meta tag tells the truth.
    body = '<meta charset="windows-1252"><p>déjà vu – “quoted”</p>'.encode("cp1252")
    text, enc = decode_html(body, "utf-8")
    assert enc == "cp1252"
    assert "déjà vu – “quoted”" in text


def test_unknown_charset_label_is_ignored():
    assert decode_html("<p>café</p>".encode(), "x-no-such-charset") == ("<p>café</p>", "utf-8")


def test_latin1_label_in_front_of_utf8_bytes():
    # Server-wide "ISO-8859-1" defaults are common; valid multi-byte UTF-8 is the better reading.
    assert decode_html("<p>café</p>".encode(), "ISO-8859-1") == ("<p>café</p>", "utf-8")


def test_xml_declaration_encoding_used_and_stripped():
    body = ('<?xml version="1.0" encoding="ISO-8859-15"?>\n'
            "<html><body><p>10 €</p></body></html>").encode("iso8859-15")
    text, enc = decode_html(body, None)
    assert enc == "iso8859-15"
    assert text.lstrip().startswith("<html>") and "10 €" in text
    lxml.html.document_fromstring(text)  # would raise ValueError if the declaration were still there


def test_xml_declaration_stripped_after_utf8_bom():
    body = codecs.BOM_UTF8 + b'<?xml version="1.0" encoding="utf-8"?><html><p>x</p></html>'
    assert decode_html(body, None)[0] == "<html><p>x</p></html>"


def test_plain_utf8_without_declarations():
    assert decode_html("<p>日本語</p>".encode(), None) == ("<p>日本語</p>", "utf-8")


def test_guess_for_undeclared_legacy_text():
    body = ("<p>" + "Zażółć gęślą jaźń, to jest polski tekst o kodowaniu. " * 3 + "</p>").encode("cp1250")
    text, enc = decode_html(body, None)
    assert "Zażółć gęślą jaźń" in text


def test_short_western_snippet_prefers_windows_1252():
    assert decode_html(b"<p>caf\xe9</p>", None) == ("<p>café</p>", "cp1252")


def test_cp1252_fallback_with_replacement():
    body = b"<p>" + bytes(range(0x80, 0x100)) + b"</p>"
    text, enc = decode_html(body, None)
    assert enc == "cp1252"
    assert "€" in text and "\ufffd" in text  # 0x81 etc. are undefined in cp1252


@pytest.mark.parametrize("body, reason", [
    (b"", "empty document"),
    (b"   \n", "empty document"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content (PNG image)"),
    (b"GIF89a\x01\x00", "binary content (GIF image)"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary content (JPEG image)"),
    (b"%PDF-1.7\n", "binary content (PDF document)"),
    (b"PK\x03\x04\x14\x00", "binary content (ZIP archive)"),
    (b"\x1f\x8b\x08\x00", "binary content (gzip data)"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 ", "binary content (WebP image)"),
    (b"<html>\x00\x01\x02", "binary content (NUL bytes)"),
])
def test_looks_binary(body, reason):
    assert looks_binary(body) == reason


def test_text_is_not_binary():
    assert looks_binary(b"<!doctype html><p>hello</p>") is None
    assert looks_binary("<html><p>x</p></html>".encode("utf-16")) is None  # NULs, but a BOM says UTF-16
