"""Load licensor originals from manifests (YAML/JSON), RSS/Atom feeds or article pages, with a disk cache for URLs."""
from __future__ import annotations

import calendar
import hashlib
import io
import json
import logging
import os
import re
import time
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, Sequence
from urllib.parse import unquote, urlsplit


from checker import strict_yaml
from checker.models import Fetched, Original
from checker.paths import user_cache_dir
from checker.strict_yaml import ConfigError
from checker.utf16 import utf16_without_bom
from checker.vocabulary import DEFAULT_VOCABULARY

if TYPE_CHECKING:
    from checker.crawl.fetcher import PageFetcher

# feedparser, lxml, requests (through the fetcher) and charset_normalizer are imported where a feed, a page or
# a URL needs them: a local manifest needs none of them, and `syndicheck check` starts sooner without them.

log = logging.getLogger(__name__)

MANIFEST_KEYS = ("id", "url", "title", "authors", "published", "text")
FEED_CONTENT_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
MANIFEST_CONTENT_TYPES = frozenset({"application/json", "application/x-yaml", "text/yaml", "application/yaml"})
MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
DEFAULT_MAX_AGE = 3600.0

_CACHE_VERSION = 1


class OriginalsError(ConfigError):
    """A manifest, feed or original page that cannot be used; the message names file (or URL), line and key."""


class OriginalsUnreachable(OriginalsError):
    """A source URL that could not be fetched (and has no usable cached copy): a target not read, not bad usage."""


# ---------------------------------------------------------------------------------------------- text helpers

_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "h1", "h2", "h3", "h4", "h5",
    "h6", "ul", "ol", "li", "dl", "dt", "dd", "blockquote", "pre", "table", "tr", "figure", "figcaption", "hr",
    "address", "details", "summary",
})
_SKIP_TAGS = frozenset({"script", "style", "noscript", "noframes", "noembed", "template", "head", "iframe", "object", "svg", "button",
                        "select", "textarea"})
# Inside an article these hold captions, share bars, related links: not the story's body text.
_NOT_BODY_TAGS = frozenset({"aside", "nav", "footer", "header", "figure", "figcaption", "form", "template",
                            "noscript", "script", "style"})
# Captions vary between a story and its copies (partners swap photos); they are not body text.
_SKIP_IN_BODY = _SKIP_TAGS | {"figcaption"}
_BREAK, _LINE = "\x00", "\x01"


def _squash(text: str) -> str:
    # split() and re's \s agree on what whitespace is (both str.isspace); join(split()) is ~10x faster.
    return " ".join(text.split())


def _paragraphs_of(element: Any) -> list[str]:
    """Visible text of an lxml element as paragraphs: block elements and <br><br> separate paragraphs."""
    chunks: list[str] = []
    # An explicit stack, not recursion: a feed's HTML is untrusted and may nest deeper than Python's
    # recursion limit (libxml2 caps depth at 256 today, but that is its choice, not a promise).
    # Entries: (node, entering); on leaving, a block's closing break and the node's tail are added.
    stack: list[tuple[Any, bool]] = [(element, True)]
    while stack:
        node, entering = stack.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else None
        shown = tag is not None and tag not in _SKIP_IN_BODY
        if entering:
            stack.append((node, False))
            if shown:
                if tag in _BLOCK_TAGS:
                    chunks.append(_BREAK)
                if tag == "br":
                    chunks.append(_LINE)
                if node.text:
                    chunks.append(node.text)
                stack.extend((child, True) for child in reversed(node))
            continue
        if shown and tag in _BLOCK_TAGS:
            chunks.append(_BREAK)
        if node is not element and node.tail:
            chunks.append(node.tail)
    out: list[str] = []
    for block in "".join(chunks).split(_BREAK):
        # Two line breaks in a row end a paragraph (feeds often use <br><br> instead of <p>).
        for para in re.split(_LINE + r"\s*" + _LINE, block):
            para = _squash(para.replace(_LINE, " "))
            if para:
                out.append(para)
    return out


def html_to_text(html: str) -> str:
    """HTML fragment -> plain text with paragraphs separated by blank lines."""
    if not html or not html.strip():
        return ""
    import lxml.etree
    import lxml.html
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError):
        return plain_text(html)
    return "\n\n".join(_paragraphs_of(root))


def plain_text(text: str) -> str:
    """Normalise plain text: paragraphs at blank lines (or at single newlines if there are none)."""
    # An archive's texts are mostly in this form already: single spaces, paragraphs apart by exactly "\n\n".
    # Told by C-fast string methods (any whitespace but a space is not printable), such a text is returned
    # as it is, 2.5x quicker than splitting it; what the slow way would give is the same text.
    flat = text.replace("\n\n", " ")
    if flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " ":
        return text
    return _plain_text(text)


def _plain_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paras = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return "\n\n".join(p for p in (_squash(p) for p in paras) if p)


# --------------------------------------------------------------------------------------------- author names

_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "ph.d.", "md", "m.d."})
# Parts of a credit line that are an outlet or a role, not a person ("Jane Doe, Newswire Contributor").
# Only words that are (almost) never surnames: "Bob Writer" and "Ann Press" are people.
_NOT_A_PERSON = re.compile(
    r"\b(foundation|news|newswire|contributor|contributing|reporter|correspondent|staff|"
    r"associated press|reuters|inc|llc|ltd|newsroom|editorial board)\b",
    re.IGNORECASE)
_SPLIT_NAMES = re.compile(r"\s*(?:,|;|&|\||\band\b)\s*", re.IGNORECASE)
_BY_PREFIX = re.compile(r"^\s*(?:written\s+)?by[:\s]\s*", re.IGNORECASE)
_AFTER_NAMES = re.compile(r"\s+(?:on|updated|published|posted)\b.*$|\s+[-–—•·]\s+.*$", re.IGNORECASE)


def split_authors(raw: str) -> list[str]:
    """'By Jane Doe and John Roe' / 'Jane Doe, John Roe' -> ['Jane Doe', 'John Roe'], dropping outlets and roles."""
    text = _squash(_BY_PREFIX.sub("", _squash(raw)))
    names: list[str] = []
    for part in _SPLIT_NAMES.split(text):
        part = part.strip(" .:") if part.lower() not in _NAME_SUFFIXES else part.strip()
        if not part:
            continue
        if part.lower() in _NAME_SUFFIXES and names:
            names[-1] = f"{names[-1]} {part}"  # "Jane Doe, Jr." is one person
            continue
        if _NOT_A_PERSON.search(part) or "@" in part:
            continue
        names.append(part)
    return _unique(names)


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return 1 < len(words) <= 5 and all(w[0].isupper() or w.lower() in ("de", "van", "von", "da", "del", "la", "le")
                                       for w in words)


# ------------------------------------------------------------------------------------------------ manifests


def _entry_label(entry: Any, index: int) -> str:
    hint = entry.get("id") or entry.get("url") if isinstance(entry, dict) else None
    return f"entry {index + 1}" + (f" ({hint})" if isinstance(hint, str) and hint else "")


def _manifest(doc: strict_yaml.YamlDoc) -> list[Original]:
    data = doc.data
    if data is None:
        raise doc.error((), "empty manifest: expected a list of originals or a mapping with 'originals'")
    if isinstance(data, dict):
        doc.check_keys((), ["originals"], required=["originals"])
        base: tuple = ("originals",)
        items = data["originals"]
        if items is None:
            items = []
        elif not isinstance(items, list):
            raise doc.error(base, f"expected a list of originals, got {strict_yaml.type_name(items)}")
    elif isinstance(data, list):
        base, items = (), data
    else:
        raise doc.error((), f"expected a list of originals or a mapping with 'originals', "
                            f"got {strict_yaml.type_name(data)}")
    originals: list[Original] = []
    first_at: dict[str, tuple] = {}  # id -> its entry's path; lines are looked up only for an error
    for i, entry in enumerate(items):
        # The everyday entry checked inline (~40% of the CPU of checking it through the document): the same
        # Original, and any other entry, or any problem, left to _entry(), which words the error with its line.
        plain = _plain_original(entry, base + (i,), first_at)
        if plain is None:
            plain = _entry(doc, base + (i,), entry, first_at)
        else:
            text = plain_text(plain.text)
            if text is not plain.text:  # most texts are in normal form already: the same str comes back
                plain = replace(plain, text=text)
        originals.append(plain)
        # The entry's raw text is not needed again (errors name lines, found from the file): free it now,
        # or an archive's manifest is in memory twice, raw and normalised, until the last entry.
        items[i] = None
    return originals


def _url_problem(url: str) -> Optional[str]:
    """Why `url` is not an http(s) URL ("http://[::1" and a port over 65535 make urlsplit raise), or None."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number or out of range
    except ValueError as exc:
        return f"invalid URL: {exc}"
    if parts.scheme.lower() not in ("http", "https"):
        return "expected an http(s) URL"
    if not parts.hostname:
        return "invalid URL: it has no host"
    return None


def _is_date(value: str) -> bool:
    """Whether `value` starts with an ISO date, as the audit's window reads `published` (checker/audit.py)."""
    try:
        date.fromisoformat(value.strip()[:10])
    except ValueError:
        return False
    return True


def _entry(doc: strict_yaml.YamlDoc, path: tuple, entry: Any, first_at: dict[str, tuple]) -> Original:
    """One manifest entry (at `path` in doc) as an Original; `first_at` holds the ids seen before it."""
    label = _entry_label(entry, path[-1])
    if not isinstance(entry, dict):
        raise doc.error(path, f"{label}: expected a mapping with url and authors, "
                              f"got {strict_yaml.type_name(entry)}")
    doc.check_keys(path, MANIFEST_KEYS)
    for key in ("url", "authors"):
        if key not in entry or entry[key] is None:
            raise doc.error(path, f"{label}: missing required key '{key}'")
    url = doc.typed(path + ("url",), str, required=True).strip()
    problem = _url_problem(url)
    if problem:
        raise doc.error(path + ("url",), f"{label}: {problem}, got '{url}'")
    authors = doc.str_list(path + ("authors",), required=True)
    if not authors:
        raise doc.error(path + ("authors",), f"{label}: must name at least one author")
    raw_id = doc.typed(path + ("id",), (str, int), default=None)
    original_id = str(raw_id).strip() if raw_id is not None and str(raw_id).strip() else url
    if original_id in first_at:
        raise doc.error(path + ("id",) if raw_id is not None else path,
                        f"{label}: duplicate id '{original_id}' (first at line {doc.line(first_at[original_id])})")
    first_at[original_id] = path
    published = doc.typed(path + ("published",), str, default=None)
    if published is not None and not _is_date(published):  # the audit's window would keep it without a word
        raise doc.error(path + ("published",), f"{label}: '{published}' is not a date (expected ISO 8601, "
                                               "e.g. 2026-11-03 or 2026-11-03T09:30:00Z)")
    return Original(
        id=original_id,
        url=url,
        title=_squash(doc.typed(path + ("title",), str, default="")),
        authors=authors,
        published=published,
        text=plain_text(doc.typed(path + ("text",), str, default="")),
    )


def _manifest_stream(path: Path, source: str, seen: Optional[Callable[[bytes], None]] = None
                     ) -> "Iterator[Original | tuple[Original, bytes]]":
    """_manifest_from_path()'s originals for a JSON manifest, read entry by entry (checker.manifest_stream; every
    byte read goes to `seen`), some with their text's UTF-8 bytes (as manifest_cache.load takes them). Errors are
    not reported here: anything wrong stops the stream, and the whole parse reports it."""
    from checker import manifest_stream

    first_at: dict[str, tuple] = {}
    pending: "list[Original | tuple[Original, bytes]]" = []
    size = 0
    for i, entry in enumerate(manifest_stream.entries(path, seen)):
        plain = _plain_entry(entry, (i,), first_at)
        if plain is None:
            # Any other entry as a document of its own: errors have no line here, and the whole parse gives them one.
            pending.append(_entry(strict_yaml.YamlDoc({i: entry}, source, {}), (i,), entry, first_at))
        else:
            pending.append(plain)
            size += len(plain[1])
        if size >= _TOLD_AT_ONCE:
            yield from _in_normal_form(pending)
            pending, size = [], 0
    yield from _in_normal_form(pending)


# Bytes of text whose normal form is told at once: enough that numpy's per-call cost is spread thin, few enough
# that its arrays stay in the cache and are not fresh pages from the system (measured on a 100,000-original
# manifest: 2.3 ns a byte at 64 KiB, 1.9 at 32 KiB, 3.3 at 200 KiB; told one text at a time, 4.2).
_TOLD_AT_ONCE = 1 << 16


def _in_normal_form(pending: "list[Original | tuple[Original, bytes]]"
                    ) -> "Iterator[Original | tuple[Original, bytes]]":
    """The stream's originals in order, each (Original, UTF-8 bytes) of _plain_entry() with its text in
    plain_text()'s normal form: told for all of them at once, and only the few that are not normal put into it."""
    from checker.normal_text import normal_utf8_many

    normal = iter(normal_utf8_many([item[1] for item in pending if isinstance(item, tuple)]))
    for item in pending:
        if isinstance(item, tuple) and not next(normal):
            original = item[0]
            text = plain_text(original.text)
            item = replace(original, text=text), text.encode("utf-8", "surrogatepass")
        yield item


_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
_HIGH_BYTES = bytes(range(0x80, 0x100))


def _normal_utf8(data: bytes) -> bool:
    """True if plain_text() returns the text of these UTF-8 bytes as it is (told on the bytes: its printable
    ASCII deleted in one C pass, only the few other characters looked up, where str.isprintable() looks up
    every character of a text that is not pure ASCII). False may also mean: ask plain_text(). A manifest read
    entry by entry tells many texts at once (normal_text.normal_utf8_many, tested against this one)."""
    flat = data.replace(b"\n\n", b" ")  # as plain_text's: "\n" is never part of another character's bytes
    if b"  " in flat or flat[:1] == b" " or flat[-1:] == b" ":
        return False
    rest = flat.translate(None, _PRINTABLE_ASCII)
    if not rest:
        return True
    if rest.translate(None, _HIGH_BYTES):  # a control character, a tab or a lone newline
        return False
    try:
        return rest.decode("utf-8").isprintable()  # a surrogate does not decode: plain_text() decides
    except UnicodeDecodeError:
        return False


_MANIFEST_KEY_SET = frozenset(MANIFEST_KEYS)
# URLs that urlsplit() certainly reads as http(s) with a host and no port (so _url_problem() finds nothing);
# any other URL is asked of _url_problem() itself.
_PLAIN_URL = re.compile(r"(?i:https?)://[A-Za-z0-9][A-Za-z0-9.-]*(?:/[!-~]*)?\Z")


def _plain_entry(entry: Any, path: tuple, first_at: dict[str, tuple]) -> "Optional[tuple[Original, bytes]]":
    """_plain_original() with its text's UTF-8 bytes (surrogates passed), which a store writes."""
    original = _plain_original(entry, path, first_at)
    if original is None:
        return None
    return original, original.text.encode("utf-8", "surrogatepass") if original.text else b""


def _plain_original(entry: Any, path: tuple, first_at: dict[str, tuple]) -> Optional[Original]:
    """_entry()'s Original for an entry of the everyday shape, checked without a document; None for any other
    entry (an unusual type, a value _entry() would reject, a duplicate id): _entry() then decides, and words
    errors. The text is the manifest's as it is: the caller puts it into plain_text()'s normal form
    (_in_normal_form() for a stream; _entry() gives it in that form already)."""
    if type(entry) is not dict or not _MANIFEST_KEY_SET.issuperset(entry):
        return None
    url, authors, raw_id = entry.get("url"), entry.get("authors"), entry.get("id")
    title, published, text = entry.get("title"), entry.get("published"), entry.get("text")
    if (type(url) is not str or type(authors) is not list or not authors
            or (raw_id is not None and type(raw_id) is not str) or (title is not None and type(title) is not str)
            or (published is not None and type(published) is not str) or (text is not None and type(text) is not str)
            or (published is not None and not _is_date(published))):  # _entry() words the error with its line
        return None
    names = tuple(a.strip() if type(a) is str else "" for a in authors)
    if not all(names):
        return None
    url = url.strip()
    if _PLAIN_URL.match(url) is None and _url_problem(url) is not None:
        return None
    original_id = raw_id.strip() if raw_id is not None and raw_id.strip() else url
    if original_id in first_at:
        return None
    first_at[original_id] = path
    return Original(id=original_id, url=url, title=_squash(title) if title is not None else "", authors=names,
                    published=published, text=text or "")


def _manifest_from_text(text: str, source: str, *, as_json: bool = False) -> list[Original]:
    """`as_json`: served as application/json (or named .json): its syntax errors are JSON's, not YAML's."""
    try:
        return _manifest(strict_yaml.loads_json(text, source) if as_json else strict_yaml.loads(text, source))
    except OriginalsError:
        raise
    except ConfigError as exc:
        raise OriginalsError(exc.source, exc.line, exc.key, exc.detail) from None


def _manifest_from_path(path: Path, source: str) -> list[Original]:
    try:
        return _manifest(strict_yaml.load_path(path))
    except OriginalsError:
        raise
    except ConfigError as exc:
        raise OriginalsError(source if exc.source == str(path) else exc.source, exc.line, exc.key,
                             exc.detail) from None


# ----------------------------------------------------------------------------------------------------- feeds


def _iso(parsed: Optional[time.struct_time]) -> Optional[str]:
    if not parsed:
        return None
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc).isoformat()


def _feed_authors(entry: Any) -> list[str]:
    raw = [a.get("name", "") for a in entry.get("authors") or [] if isinstance(a, dict)]
    if not any(raw) and entry.get("author"):
        raw = [entry.get("author")]
    return _unique(name for r in raw if r for name in split_authors(r))


def _feed_text(entry: Any) -> str:
    contents = [c for c in entry.get("content") or [] if c.get("value")]
    if contents:
        # content:encoded / Atom content is the full article; several versions -> the longest.
        best = max(contents, key=lambda c: len(c.get("value", "")))
        value, kind = best.get("value", ""), best.get("type", "text/html")
    else:
        value = entry.get("summary") or ""
        kind = (entry.get("summary_detail") or {}).get("type", "text/html")
    return plain_text(value) if kind == "text/plain" else html_to_text(value)


def _feed(body: bytes, source: str, final_url: str, content_type: Optional[str]) -> list[Original]:
    headers = {"content-location": final_url}
    if content_type:
        headers["content-type"] = content_type
    import feedparser

    # A BytesIO, never raw bytes or a str: feedparser would treat those as a path or URL to open.
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if not parsed.entries and parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        line = exc.getLineNumber() if hasattr(exc, "getLineNumber") else None
        raise OriginalsError(source, line, "", f"not a valid RSS or Atom feed: {exc}")
    feed_authors = _feed_authors(parsed.feed)
    originals: list[Original] = []
    for n, entry in enumerate(parsed.entries, 1):
        link = (entry.get("link") or "").strip()
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]
        if not link:
            log.warning("%s: feed item %d (%s) has no link; skipped", source, n, entry.get("title", "untitled"))
            continue
        authors = _feed_authors(entry) or feed_authors
        if not authors:
            log.warning("%s: feed item %s names no author; its byline cannot be checked", source, link)
        originals.append(Original(
            id=link,
            url=link,
            title=_squash(entry.get("title", "")),
            authors=tuple(authors),
            published=_iso(entry.get("published_parsed")) or _iso(entry.get("updated_parsed"))
            or entry.get("published") or entry.get("updated"),
            text=_feed_text(entry),
        ))
    if not originals:
        log.warning("%s: the feed lists no articles", source)
    return originals


# ------------------------------------------------------------------------------------------- article pages

_ARTICLE_TYPES = re.compile(r"(Article|BlogPosting|Report)$")


def _json_ld_nodes(doc: Any) -> list[dict]:
    """Every JSON-LD object on the page, @graph members included; unreadable blocks are skipped."""
    nodes: list[dict] = []

    def collect(value: Any) -> None:
        stack = [value]  # iterative: @graph chains and nested lists can be as deep as json.loads allows
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                nodes.append(item)
                if "@graph" in item:
                    stack.append(item["@graph"])

    for script in doc.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        raw = (script.text or "").strip()
        # CMSs wrap JSON-LD in HTML comments or CDATA markers and leave raw newlines inside strings.
        raw = re.sub(r"^\s*(<!--|<!\[CDATA\[)|(-->|\]\]>)\s*$", "", raw)
        try:
            collect(json.loads(raw, strict=False))
        except (ValueError, RecursionError):  # RecursionError: json.loads of [[[[...]]]] thousands deep
            log.debug("unreadable JSON-LD block skipped")
    return nodes


def _types(node: dict) -> list[str]:
    t = node.get("@type", [])
    return [str(x) for x in (t if isinstance(t, list) else [t])]


def _ld_article(nodes: list[dict]) -> Optional[dict]:
    return next((n for n in nodes if any(_ARTICLE_TYPES.search(t) for t in _types(n))), None)


def _ld_authors(article: dict, nodes: list[dict]) -> list[str]:
    by_id = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
    raw = article.get("author") or []
    names: list[str] = []
    for item in raw if isinstance(raw, list) else [raw]:
        if isinstance(item, dict) and "name" not in item and item.get("@id") in by_id:
            item = by_id[item["@id"]]  # {"@id": "#jane"} points at a Person elsewhere in the graph
        if isinstance(item, str):
            names.extend(split_authors(item))
        elif isinstance(item, dict) and "Organization" not in _types(item) and isinstance(item.get("name"), str):
            names.extend(split_authors(item["name"]))
    return _unique(names)


def _meta(doc: Any, *names: str) -> Optional[str]:
    for name in names:
        for el in doc.xpath(f'//meta[@property="{name}" or @name="{name}" or @itemprop="{name}"]'):
            content = _squash(el.get("content") or "")
            if content:
                return content
    return None


def _not_body(el: Any, stop: Any = None) -> bool:
    """Whether `el` sits in a caption, share bar, header or footer (looking up to `stop`, exclusive)."""
    for ancestor in el.iterancestors():
        if ancestor is stop:
            return False
        if isinstance(ancestor.tag, str) and ancestor.tag.lower() in _NOT_BODY_TAGS:
            return True
    return False


# An element whose class marks the byline (the default vocabulary's `author_marks`, in any language), a
# dateline or a credit (a photo's too): not story text.
_AUTHOR_CLASS = re.compile("|".join(map(re.escape, DEFAULT_VOCABULARY.author_marks)), re.IGNORECASE)
_NOT_AUTHOR_CLASS = re.compile("|".join(map(re.escape, DEFAULT_VOCABULARY.author_mark_exclusions)), re.IGNORECASE)
_DATELINE_OR_CREDIT_CLASS = re.compile(r"dateline|credit", re.IGNORECASE)


def _credit_class(p: Any) -> bool:
    """Whether a paragraph's class marks a credit line ("byline", "auteur", "photo-credit"), not story text;
    an author-mark word inside another ("autoresize") is no mark."""
    cls = p.get("class") or ""
    return bool(_DATELINE_OR_CREDIT_CLASS.search(cls)
                or (_AUTHOR_CLASS.search(cls) and not _NOT_AUTHOR_CLASS.search(cls)))


def _p_paragraphs(container: Any) -> list[str]:
    out: list[str] = []
    for p in container.iter("p"):
        if _not_body(p, stop=container) or _credit_class(p):
            continue
        text = _squash(" ".join(_paragraphs_of(p)))
        # The byline is the partner's to restate, not story text a copy must contain.
        if text and not (len(text) <= 150 and _BY_PREFIX.match(text)):
            out.append(text)
    return out


def _densest(doc: Any) -> Any:
    """The element whose direct <p> children hold the most text: the story body on most layouts."""
    scores: dict[Any, int] = {}
    for p in doc.iter("p"):
        parent = p.getparent()
        if parent is not None and not _not_body(p):
            scores[parent] = scores.get(parent, 0) + len(_squash(p.text_content()))
    return max(scores, key=scores.__getitem__) if scores else None


def _byline_authors(scope: Any) -> list[str]:
    """Names from visible credits: rel/itemprop=author, .byline/.author elements, or a short "By X" line."""
    candidates: list[str] = []
    for el in scope.xpath('.//*[@rel="author" or @itemprop="author" or contains(@class, "byline") '
                          'or contains(@class, "author") or contains(@id, "byline")]'):
        if not _hidden(el):
            candidates.append(_squash(el.text_content()))
    for el in scope.iter():
        # Cheap test on the element's own leading text first: text_content() on every node is quadratic.
        if isinstance(el.tag, str) and el.tag.lower() not in _SKIP_TAGS and _BY_PREFIX.match(el.text or ""):
            if not _hidden(el):
                candidates.append(_squash(el.text_content()))
    for text in candidates:
        if not text or len(text) > 150:  # an author bio box, not a credit line
            continue
        text = _AFTER_NAMES.sub("", text)
        names = [n for n in split_authors(text) if _looks_like_name(n)]
        if names:
            return names
    return []


def _hidden(el: Any) -> bool:
    for node in [el, *el.iterancestors()]:
        style = (node.get("style") or "").replace(" ", "").lower()
        if node.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style:
            return True
    return False


def _model_body(html: str, url: str) -> str:
    """The story's paragraphs as the article model finds a body without an original to match
    (checker/article/zones.py: the container with the most prose), so that an original read from
    its page and a copy checked against it are read alike."""
    from .article.zones import dense_body
    from .parse import parse_page
    from .pipeline import release

    page = parse_page(html, url)
    try:
        blocks = page.blocks
        # The densest container's paragraphs only: on a copy the model grows the body over neighbouring
        # prose to find where credits stand; an original's text must not take in a sidebar's.
        paras = [blocks[i].text for i in sorted(dense_body(blocks))]
    finally:
        release(page.soup)
    # The byline is the partner's to restate, not story text a copy must contain.
    return "\n\n".join(p for p in paras if p and not (len(p) <= 150 and _BY_PREFIX.match(p)))


def _article_page(body: bytes, charset: Optional[str], source: str, final_url: str) -> Original:
    import lxml.etree
    import lxml.html

    from checker.decode import decode_html

    text, _ = decode_html(body, charset)
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise OriginalsError(source, None, "", f"cannot parse the page as HTML: {exc}") from None
    nodes = _json_ld_nodes(doc)
    ld = _ld_article(nodes) or {}
    title = _page_title(doc, ld)
    articles = sorted(doc.iter("article"), key=lambda a: -sum(len(p) for p in _p_paragraphs(a)))
    container = articles[0] if articles and _p_paragraphs(articles[0]) else _densest(doc)
    authors = _page_authors(doc, ld, nodes, container)
    if not authors:
        log.warning("%s: no author found on the page; its byline cannot be checked", source)
    published = _published(doc, ld)
    body_text = _story_text(ld, articles, container, text, final_url)
    if not body_text:
        log.warning("%s: no article text found; copies can only be paired with --original", source)

    return Original(id=source, url=final_url, title=title, authors=tuple(authors), published=published,
                    text=body_text)


def _page_title(doc: Any, ld: dict) -> str:
    """og:title, else the JSON-LD headline, else the first non-empty <h1>, else <title>."""
    h1 = next((_squash(h.text_content()) for h in doc.iter("h1") if _squash(h.text_content())), None)
    title_el = doc.find(".//title")
    return (_meta(doc, "og:title") or (_squash(ld["headline"]) if isinstance(ld.get("headline"), str) else None)
            or h1 or (_squash(title_el.text_content()) if title_el is not None else ""))


def _page_authors(doc: Any, ld: dict, nodes: list[dict], container: Any) -> list[str]:
    """The JSON-LD article's authors, else <meta name=author>, else the credits in the story's container
    (or, if it has none, on the whole page)."""
    authors = _ld_authors(ld, nodes) if ld else []
    if not authors:
        meta_author = _meta(doc, "author")
        authors = split_authors(meta_author) if meta_author else []
    if not authors:
        authors = _byline_authors(container if container is not None else doc)
        if not authors and container is not None:
            authors = _byline_authors(doc)
    return authors


def _published(doc: Any, ld: dict) -> Optional[str]:
    """The JSON-LD datePublished, else a date <meta>, else the page's first <time datetime>."""
    published = ld.get("datePublished") if isinstance(ld.get("datePublished"), str) else None
    published = published or _meta(doc, "article:published_time", "datePublished", "pubdate", "publish-date",
                                   "date", "dc.date", "DC.date.issued")
    if not published:
        time_el = next(iter(doc.xpath("//article//time[@datetime] | //time[@datetime]")), None)
        published = time_el.get("datetime") if time_el is not None else None
    return published


def _story_text(ld: dict, articles: list[Any], container: Any, html: str, url: str) -> str:
    """The JSON-LD articleBody, else the paragraphs of the page's fullest <article>, else the article
    model's body, else the paragraphs of the densest container."""
    if isinstance(ld.get("articleBody"), str) and ld["articleBody"].strip():
        return plain_text(ld["articleBody"])
    # An <article> element says where the story is; without one, the article model's reading of
    # the page (the same one the checks use on copies) finds it.
    in_article = _p_paragraphs(articles[0]) if articles else []
    return "\n\n".join(in_article) if in_article else (_model_body(html, url) or (
        "\n\n".join(_p_paragraphs(container)) if container is not None else ""))


# ------------------------------------------------------------------------------------------ content sniffing

_ROOT = re.compile(
    r"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z][\w:.\-]*)", re.DOTALL | re.IGNORECASE)


def _root_element(body: bytes) -> Optional[str]:
    head = body[:4096].lstrip(b"\xef\xbb\xbf").decode("latin-1")
    m = _ROOT.match(head)
    return m.group(1).lower() if m else None


def _parse_document(body: bytes, *, content_type: Optional[str], charset: Optional[str], source: str,
                    final_url: str) -> list[Original]:
    """Dispatch a fetched or local document on what it is: feed, manifest or article page."""
    if not body.strip():  # not an "empty manifest": nothing says it was meant to be one
        size = "0 bytes" if not body else f"{len(body)} bytes of whitespace"
        raise OriginalsError(source, None, "", f"empty document ({size}{f', {content_type}' if content_type else ''})"
                                               ": expected a manifest, an RSS/Atom feed or an article page")
    root = _root_element(body)
    suffix = Path(urlsplit(final_url).path if "://" in final_url else final_url).suffix.lower()
    if content_type in FEED_CONTENT_TYPES or root in ("rss", "feed", "rdf:rdf", "rdf"):
        return _feed(body, source, final_url, content_type)
    if content_type in ("application/xml", "text/xml") and root != "html":
        raise OriginalsError(source, None, "", f"XML document <{root}> is neither an RSS nor an Atom feed")
    if content_type in MANIFEST_CONTENT_TYPES or (suffix in MANIFEST_SUFFIXES and root is None):
        as_json = content_type == "application/json" or (suffix == ".json"
                                                         and content_type not in MANIFEST_CONTENT_TYPES)
        return _manifest_from_text(_utf8(body, source, charset), source, as_json=as_json)
    if root is not None:
        return [_article_page(body, charset, source, final_url)]
    return _manifest_from_text(_utf8(body, source, charset), source)


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def _utf8(body: bytes, source: str, charset: Optional[str] = None) -> str:
    """A manifest's text: by its byte-order mark, else the charset its server declared, else UTF-8. A fetched
    manifest cannot be re-saved by the user as a local one can, so a marked or declared encoding is honoured."""
    encoding = next((name for bom, name in _BOMS if body.startswith(bom)), None) or charset \
        or utf16_without_bom(body) or "utf-8-sig"
    try:
        return body.decode(encoding)
    except LookupError:
        if encoding != charset:
            raise
        encoding = "utf-8-sig"  # an unknown declared charset: read as UTF-8, like the local file
        try:
            return body.decode(encoding)
        except UnicodeDecodeError as exc:
            raise OriginalsError(source, None, "", f"not UTF-8 text (byte {exc.start}), and the declared charset "
                                                   f"{charset!r} is unknown") from None
    except UnicodeDecodeError as exc:
        if encoding == "utf-8-sig":
            raise OriginalsError(source, None, "", strict_yaml.not_utf8(body[:2], exc)) from None
        raise OriginalsError(source, None, "", f"not {encoding} text as "
                                               f"{'its byte-order mark says' if encoding != charset else 'declared'}"
                                               f" (byte {exc.start})") from None


# ---------------------------------------------------------------------------------------------------- cache


def default_cache_dir() -> Path:
    """$SYNDICHECK_CACHE_DIR, else $XDG_CACHE_HOME/syndicheck, else ~/.cache/syndicheck."""
    return user_cache_dir()


@dataclass(frozen=True)
class CachedSource:
    """A fetched source document as stored on disk, with its validators and when it was fetched."""

    url: str  # as requested (the cache key)
    final_url: str
    body: bytes
    content_type: Optional[str]
    charset: Optional[str]
    etag: Optional[str]
    last_modified: Optional[str]
    fetched_at: float  # Unix time


class SourceCache:
    """Files `<sha256(url)>.json` (metadata) and `.body` under one directory; a broken entry is a miss."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        return self.directory / f"{key}.json", self.directory / f"{key}.body"

    def get(self, url: str) -> Optional[CachedSource]:
        meta_path, body_path = self._paths(url)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            if meta.get("version") != _CACHE_VERSION or meta.get("url") != url:
                return None
            body = body_path.read_bytes()
            return CachedSource(url=url, final_url=meta["final_url"], body=body,
                                content_type=meta.get("content_type"), charset=meta.get("charset"),
                                etag=meta.get("etag"), last_modified=meta.get("last_modified"),
                                fetched_at=float(meta["fetched_at"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, entry: CachedSource, *, body_changed: bool = True) -> None:
        meta_path, body_path = self._paths(entry.url)
        meta = {"version": _CACHE_VERSION, "url": entry.url, "final_url": entry.final_url,
                "content_type": entry.content_type, "charset": entry.charset, "etag": entry.etag,
                "last_modified": entry.last_modified, "fetched_at": entry.fetched_at}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Body first, metadata last, each via rename: a crash never pairs new metadata with an old body.
            if body_changed:
                _atomic_write(body_path, entry.body)
            _atomic_write(meta_path, json.dumps(meta, indent=1).encode("utf-8"))
        except OSError as exc:
            log.warning("cannot write the originals cache in %s: %s", self.directory, exc.strerror or exc)


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _stale_ok(fetched: Fetched) -> bool:
    # Like stale-if-error: network trouble and server-side failures, not "this URL is gone" (4xx).
    code = fetched.status_code
    return code is None or code == 429 or code >= 500


def fetch_source(url: str, fetcher: PageFetcher, cache: SourceCache, max_age: float) -> CachedSource:
    """The document at `url`: fresh from the cache, revalidated (304 reuses it), refetched, or stale on failure."""
    from checker.crawl.fetcher import SOURCE_TYPES

    cached = cache.get(url)
    now = time.time()
    if cached is not None and 0 <= now - cached.fetched_at < max_age:
        return cached
    # application/yaml is YAML's registered type (RFC 9512); a static server that does not know .yaml or .json
    # sends application/octet-stream, and a URL ending in one is a manifest whatever its type says.
    accept = SOURCE_TYPES + ("application/yaml",)
    if Path(urlsplit(url).path).suffix.lower() in MANIFEST_SUFFIXES:
        accept += ("application/octet-stream",)
    fetched = fetcher.fetch(url, etag=cached.etag if cached else None,
                            last_modified=cached.last_modified if cached else None, accept_types=accept)
    if fetched.status_code == 304 and fetched.error is None and cached is not None:
        fresh = CachedSource(url=url, final_url=cached.final_url, body=cached.body,
                             content_type=cached.content_type, charset=cached.charset,
                             etag=fetched.etag or cached.etag,
                             last_modified=fetched.last_modified or cached.last_modified, fetched_at=now)
        cache.put(fresh, body_changed=False)
        return fresh
    if fetched.ok:
        assert fetched.body is not None
        fresh = CachedSource(url=url, final_url=fetched.url, body=fetched.body, content_type=fetched.content_type,
                             charset=fetched.charset, etag=fetched.etag, last_modified=fetched.last_modified,
                             fetched_at=now)
        cache.put(fresh)
        return fresh
    reason = fetched.error or f"HTTP {fetched.status_code} without a body"
    if cached is not None and _stale_ok(fetched):
        age = (now - cached.fetched_at) / 3600
        log.warning("cannot fetch %s (%s); using the cached copy from %.1f hours ago", url, reason, age)
        return cached
    raise OriginalsUnreachable(url, None, "", f"cannot fetch: {reason.replace(url, 'the URL')}")


# ---------------------------------------------------------------------------------------------- entry points


def _is_url(src: str) -> bool:
    # By its scheme alone: urlsplit() raises on "http://[::1", which load_originals() reports as a bad URL.
    return src.split(":", 1)[0].strip().lower() in ("http", "https") and ":" in src


def load_originals(src: str, *, fetcher: Optional[PageFetcher] = None, cache_dir: Optional[Path] = None,
                   max_age: float = DEFAULT_MAX_AGE) -> list[Original]:
    """Originals from a manifest file, or from a URL (feed, manifest or article page) fetched through the cache."""
    if not src.strip():  # Path("") is the current directory: "is a directory" would mislead
        raise OriginalsError(repr(src), None, "", "an empty originals source: give a manifest file, a feed URL or "
                                                  "an article's URL")
    if src == "-" and not Path(src).exists():  # `check -` reads targets there; originals are never read from it
        raise OriginalsError(src, None, "", "standard input is not an originals source: give a manifest file, a "
                                            "feed URL or an article's URL")
    if _is_url(src):
        from checker.crawl.fetcher import Fetcher

        problem = _url_problem(src.strip())
        if problem is not None:
            raise OriginalsError(src, None, "", problem)

        owned = fetcher is None
        fetcher = fetcher or Fetcher()
        try:
            doc = fetch_source(src, fetcher, SourceCache(cache_dir or default_cache_dir()), max_age)
        finally:
            if owned:
                fetcher.close()
        return _parse_document(doc.body, content_type=doc.content_type, charset=doc.charset, source=src,
                               final_url=doc.final_url)

    scheme = urlsplit(src).scheme.lower()
    if scheme == "file":
        path = Path(unquote(urlsplit(src).path))
    elif "://" in src:
        raise OriginalsError(src, None, "", f"unsupported scheme {scheme}: (use a file, or an http(s) URL)")
    else:
        path = Path(src).expanduser()
    if not path.exists():
        raise OriginalsError(src, None, "", "no such file or directory")
    if path.is_dir():
        raise OriginalsError(src, None, "", "is a directory; expected a manifest file or a feed URL")
    if path.suffix.lower() in MANIFEST_SUFFIXES:
        from checker import manifest_cache  # an archive's manifest: parsed once, then read back by its bytes
        stream = (lambda seen: _manifest_stream(path, src, seen)) if path.suffix.lower() == ".json" else None
        return manifest_cache.load(path, cache_dir, lambda: _manifest_from_path(path, src), stream)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise OriginalsError(src, None, "", f"cannot read file: {exc.strerror or exc}") from None
    # A saved feed or article page works too; anything else is read as a manifest.
    return _parse_document(body, content_type=None, charset=None, source=src, final_url=path.resolve().as_uri())


def load_all(sources: Sequence[str], *, fetcher: Optional[PageFetcher] = None, cache_dir: Optional[Path] = None,
             max_age: float = DEFAULT_MAX_AGE,
             unreachable: Optional[list[OriginalsUnreachable]] = None) -> list[Original]:
    """All sources' originals in order; the first source to define an id wins. With `unreachable`, a source URL
    that cannot be fetched is put there and the others are still read, instead of raising."""
    owned = fetcher is None and any(_is_url(s) for s in sources)
    if owned:
        from checker.crawl.fetcher import Fetcher
        fetcher = Fetcher()
    try:
        by_id: dict[str, Original] = {}
        origin: dict[str, str] = {}
        for src in sources:
            try:
                loaded = load_originals(src, fetcher=fetcher, cache_dir=cache_dir, max_age=max_age)
            except OriginalsUnreachable as exc:
                if unreachable is None:
                    raise
                unreachable.append(exc)
                continue
            for original in loaded:
                kept = by_id.get(original.id)
                if kept is None:
                    by_id[original.id], origin[original.id] = original, src
                elif kept.url != original.url:
                    log.warning("original id %r from %s (%s) is already defined by %s (%s); keeping the first",
                                original.id, src, original.url, origin[original.id], kept.url)
        return list(by_id.values())
    finally:
        if owned and fetcher is not None:
            fetcher.close()

