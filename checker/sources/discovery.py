"""Discovery: a partner's candidate URLs within a time window, from feeds, sitemaps, URL lists and start pages."""
from __future__ import annotations

import calendar
import io
import re
import time
import zlib
from dataclasses import dataclass
from datetime import datetime, time as dtime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Optional, Sequence, Union
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html

from checker.config_types import PartnerConfig
from checker.crawl.fetcher import GZIP_TYPES, HTML_TYPES, Fetcher
from checker.crawl.hostbatch import Pacer
from checker.crawl.robots import RobotsCache
from checker.decode import decode_html
from checker.models import Fetched
from checker.url_identity import host_of, normalize_url

Dated = tuple[str, Optional[datetime]]  # (absolute URL, last change or publication time if known)

FEED_ACCEPT: tuple[str, ...] = (
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "text/plain",
)
# Sitemaps may be XML, plain text (one URL a line) or gzip files served as such.
SITEMAP_ACCEPT: tuple[str, ...] = ("application/xml", "text/xml", "text/plain", "application/octet-stream") + GZIP_TYPES

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
MAX_SITEMAP_DEPTH = 2  # index -> index -> urlset; the protocol forbids nesting, some sites do it anyway
MAX_SITEMAPS = 50  # sitemap documents fetched per partner per run

# Links from a start page that are not articles: site furniture, listings and files.
_ASSET_SUFFIXES = (
    ".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".ico", ".bmp", ".avif", ".css", ".js", ".mjs", ".json",
    ".xml", ".rss", ".atom", ".pdf", ".zip", ".gz", ".mp3", ".mp4", ".m4a", ".webm", ".mov", ".avi", ".woff",
    ".woff2", ".ttf", ".eot", ".txt", ".csv", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx",
)
_LISTING_SEGMENTS = frozenset({
    "tag", "tags", "category", "categories", "author", "authors", "topic", "topics", "page", "feed", "search",
    "login", "wp-login.php", "wp-admin", "wp-json", "xmlrpc.php", "cdn-cgi", "cart", "account", "subscribe",
})
_FEED_ROOTS = frozenset({"rss", "feed", "RDF"})


class SourceError(ValueError):
    """A feed or sitemap that cannot be read; the message says why, for the report."""


class SitemapError(SourceError):
    def __init__(self, message: str, root: Optional[str] = None):
        super().__init__(message)
        self.root = root  # local name of the root element, when the document was XML


@dataclass(frozen=True)
class Discovery:
    """A partner's candidates: normalised URLs in discovery order, and each source's problems."""

    urls: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()  # e.g. "feed https://x/feed: HTTP 500 Internal Server Error"
    truncated: bool = False  # more candidates existed than max_pages allowed
    # (normalised URL, when the partner says it last changed) for URLs a sitemap or feed dates; a bare
    # date (2024-05-01) is taken as the end of that day, since the page may have changed at any hour of it.
    modified: tuple[tuple[str, datetime], ...] = ()


# ---------------------------------------------------------------------------------------------- dates


def _parse_w3c_date(text: Optional[str]) -> Optional[datetime]:
    """W3C datetime (sitemaps: 2024-05-01, 2024-05-01T10:00Z, ...) -> aware UTC datetime; None if unreadable."""
    if not text:
        return None
    text = text.strip()
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", text)  # "2024" and "2024-05" are valid W3C dates too
        if not m:
            return None
        try:
            dt = datetime(int(m.group(1)), int(m.group(2) or 1), 1)
        except ValueError:
            return None
    # A timestamp without an offset is most often UTC in practice; assume it rather than drop the entry.
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def in_window(when: Optional[datetime], since: datetime) -> bool:
    """Undated entries are kept (we cannot tell); a bare date (midnight) counts for the whole day."""
    if when is None:
        return True
    when, since = _utc(when), _utc(since)
    if when >= since:
        return True
    return when.time() == dtime(0) and when.date() >= since.date()


def changed_by(when: datetime) -> datetime:
    """The latest moment a dated entry may have changed: a bare date (midnight) means any time that day."""
    when = _utc(when)
    return when + timedelta(days=1) if when.time() == dtime(0) else when


def _latest(*dates: Optional[datetime]) -> Optional[datetime]:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


# ---------------------------------------------------------------------------------------------- sitemaps


def _gunzip(body: bytes) -> bytes:
    """Inflate gzip data, refusing more than the sitemap size limit (a small .gz can inflate to gigabytes)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(body, MAX_SITEMAP_BYTES + 1)
    except zlib.error as exc:
        raise SitemapError(f"not valid gzip data ({exc})") from None
    if len(data) > MAX_SITEMAP_BYTES:
        raise SitemapError(f"larger than {MAX_SITEMAP_BYTES // (1024 * 1024)} MiB uncompressed")
    return data


def _xml_parser() -> lxml.etree.XMLParser:
    # No entity expansion, no DTD or network access, default size limits: sitemaps are untrusted input.
    # A new parser per document, since lxml parsers must not be shared between threads.
    return lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
                                remove_comments=True, remove_pis=True)


def _local(el: lxml.etree._Element) -> str:
    return lxml.etree.QName(el).localname if isinstance(el.tag, str) else ""


def _child_text(el: lxml.etree._Element, name: str) -> Optional[str]:
    for child in el:
        if _local(child) == name:
            return (child.text or "").strip() or None
    return None


def _absolute(loc: Optional[str], base_url: str) -> Optional[str]:
    if not loc:
        return None
    try:
        url = urljoin(base_url, loc.strip())
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in ("http", "https") else None


def _loc_url(loc: Optional[str], base_url: str, rejected: Optional[list[str]]) -> Optional[str]:
    """A sitemap entry's absolute http(s) URL; None, and the entry kept in `rejected`, when it is not one
    ("http://[::1", a port over 65535, no host, another scheme, an empty <loc>)."""
    url = _absolute(loc, base_url)
    if url is not None:
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
            if parts.hostname:
                return url
        except ValueError:
            pass
    if rejected is not None:
        rejected.append((loc or "").strip())
    return None


def rejected_note(rejected: Sequence[str]) -> str:
    """One line for a sitemap's entries that were not URLs: how many, and the first as an example."""
    example = rejected[0]
    example = example[:100] + "..." if len(example) > 100 else example
    return (f"{len(rejected)} <loc> {'entry is' if len(rejected) == 1 else 'entries are'} not a valid http(s) URL, "
            f"left out (e.g. {example!r})")


def _text_sitemap(text: str, base_url: str, rejected: Optional[list[str]] = None) -> list[Dated]:
    urls: list[Dated] = []
    for line in text.splitlines():
        url = _loc_url(line, base_url, rejected) if line.strip().lower().startswith(("http://", "https://")) else None
        if url:
            urls.append((url, None))
    return urls


def parse_sitemap(body: bytes, base_url: str,
                  rejected: Optional[list[str]] = None) -> tuple[list[Dated], list[Dated]]:
    """(page URLs with dates, child sitemaps with dates) from a urlset, sitemap index, news or text sitemap.

    Gzip data is inflated first. A page's date is the later of <lastmod> and <news:publication_date>.
    Entries that are not http(s) URLs are left out and, when `rejected` is given, appended to it as written.
    Raises SitemapError (with `.root` set when the XML root is not a sitemap, e.g. "rss").
    """
    if body[:2] == b"\x1f\x8b":
        body = _gunzip(body)
    stripped = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not stripped:
        raise SitemapError("empty document")
    if not stripped.startswith(b"<"):
        urls = _text_sitemap(stripped.decode("utf-8", "replace"), base_url, rejected)
        if not urls and not rejected:
            raise SitemapError("not XML and not a list of URLs")
        return urls, []
    try:
        root = lxml.etree.fromstring(body, _xml_parser())
    except lxml.etree.XMLSyntaxError as exc:
        raise SitemapError(f"not XML (line {exc.lineno}: {exc.msg})") from None
    if root is None:
        raise SitemapError("not XML")
    kind = _local(root)
    urls = []
    children: list[Dated] = []
    if kind == "urlset":
        for el in root:
            if _local(el) != "url":
                continue
            url = _loc_url(_child_text(el, "loc"), base_url, rejected)
            if not url:
                continue
            published = None
            for news in el:
                if _local(news) == "news":
                    published = _parse_w3c_date(_child_text(news, "publication_date"))
            urls.append((url, _latest(_parse_w3c_date(_child_text(el, "lastmod")), published)))
    elif kind == "sitemapindex":
        for el in root:
            if _local(el) == "sitemap":
                url = _loc_url(_child_text(el, "loc"), base_url, rejected)
                if url:
                    children.append((url, _parse_w3c_date(_child_text(el, "lastmod"))))
    else:
        raise SitemapError(f"not a sitemap (root element <{kind}>)", root=kind)
    return urls, children


# ---------------------------------------------------------------------------------------------- feeds


def _struct_time(parsed: Optional[time.struct_time]) -> Optional[datetime]:
    if not parsed:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(parsed), tz=timezone.utc)
    except (OverflowError, ValueError):
        return None


def parse_feed(body: bytes, base_url: str) -> list[Dated]:
    """Entry links with their dates (the later of published and updated) from an RSS or Atom feed.

    Raises SourceError when the document is not a feed.
    """
    # A BytesIO, never bytes or str: feedparser would treat those as a path or URL to open.
    parsed = feedparser.parse(io.BytesIO(body), response_headers={"content-location": base_url})
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        exc = parsed.get("bozo_exception")
        raise SourceError(f"not an RSS or Atom feed{f' ({exc})' if exc else ''}")
    entries: list[Dated] = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
            link = entry["id"]  # Atom entries may carry their URL only as the id
        url = _absolute(link, base_url)
        if url:
            # dict.get: FeedParserDict.get("updated_parsed") falls back to the published date, with a warning.
            entries.append((url, _latest(_struct_time(dict.get(entry, "published_parsed")),
                                         _struct_time(dict.get(entry, "updated_parsed")))))
    return entries


# ---------------------------------------------------------------------------------------------- start pages


def _site(url: str) -> str:
    # "Same registrable host" without a public-suffix list: the host with a leading www. removed.
    host = host_of(url)
    return host[4:] if host.startswith("www.") else host


def _looks_like_article(url: str) -> bool:
    path = urlsplit(url).path
    if path in ("", "/"):
        return False
    if path.lower().endswith(_ASSET_SUFFIXES):
        return False
    segments = {s.lower() for s in path.split("/") if s}
    return not segments & _LISTING_SEGMENTS


def page_links(body: bytes, charset: Optional[str], page_url: str) -> list[str]:
    """Same-site links from an HTML page that may be articles, absolute, in document order."""
    text, _ = decode_html(body, charset)
    # lxml refuses a str that still carries an encoding declaration (XHTML pages start with one).
    text = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)
    try:
        doc = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError):
        return []
    base = page_url
    for el in doc.iter("base"):
        if el.get("href"):
            base = urljoin(page_url, el.get("href").strip())  # <base href> changes what links resolve against
            break
    site = _site(page_url)
    links: list[str] = []
    for a in doc.iter("a", "area"):
        href = (a.get("href") or "").strip()
        url = _absolute(href, base) if href and not href.startswith("#") else None
        if not url:  # also drops mailto:, javascript:, tel:, data:
            continue
        try:
            if _site(url) != site:
                continue
        except ValueError:
            continue
        if _looks_like_article(url):
            links.append(url)
    return links


# ---------------------------------------------------------------------------------------------- discover


class _Run:
    """State of one partner's discovery: the candidates so far, the problems, and polite fetching."""

    def __init__(self, *, fetcher: Fetcher, since: datetime, max_pages: int, robots: Optional[RobotsCache],
                 delay: float, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.fetcher, self.since, self.max_pages, self.robots, self.delay = fetcher, since, max_pages, robots, delay
        self.clock, self.sleep = clock, sleep
        self.urls: list[str] = []
        self.seen: set[str] = set()
        self.errors: list[str] = []
        self.truncated = False
        self.pacers: dict[str, Pacer] = {}
        self.modified: dict[str, datetime] = {}

    @property
    def full(self) -> bool:
        return len(self.urls) >= self.max_pages

    def add(self, url: str, source: str) -> Optional[str]:
        """Add a candidate; its normalised URL if it is (or already was) one."""
        try:
            norm = normalize_url(url)
        except ValueError:
            self.errors.append(f"{source}: invalid URL {url!r}")
            return None
        if urlsplit(norm).scheme not in ("http", "https"):
            self.errors.append(f"{source}: not an http(s) URL: {url}")
            return None
        if norm in self.seen:
            return norm
        if self.full:
            self.truncated = True
            return None
        self.seen.add(norm)
        self.urls.append(norm)
        return norm

    def add_dated(self, entries: Iterable[Dated], source: str) -> None:
        for url, when in entries:
            if in_window(when, self.since):
                norm = self.add(url, source)
                if norm is not None and when is not None:
                    changed = changed_by(when)
                    self.modified[norm] = max(changed, self.modified.get(norm, changed))

    def fetch(self, url: str, label: str, accept: Sequence[str]) -> Optional[Fetched]:
        """GET a discovery document politely; None (and an error entry) when it cannot be had."""
        try:
            host = host_of(url)
        except ValueError:
            self.errors.append(f"{label} {url}: invalid URL")
            return None
        pacer = self.pacers.setdefault(host, Pacer(self.clock, self.sleep))
        if self.robots is not None:
            if not self.robots.is_loaded(url):
                pacer.wait(self.delay)
                self.robots.load(url)
            if not self.robots.allowed(url):
                self.errors.append(f"{label} {url}: blocked by robots.txt ({self.robots.why_blocked(url)})")
                return None
        crawl_delay = self.robots.crawl_delay(url) if self.robots is not None else None
        pacer.wait(max(self.delay, crawl_delay or 0.0))
        fetched = self.fetcher.fetch(url, accept_types=accept)
        if not fetched.ok:
            self.errors.append(f"{label} {url}: {fetched.error or 'no content'}")
            return None
        return fetched

    # ---- sources

    def url_list(self, entry: str, base_dir: Optional[Path]) -> None:
        if not entry.startswith("@"):
            self.add(entry.strip(), "url")
            return
        path = Path(entry[1:]).expanduser()
        if base_dir is not None and not path.is_absolute():
            path = base_dir / path
        label = f"url list {entry}"
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.errors.append(f"{label}: cannot read {path}: {exc.strerror or exc}")
            return
        # A list saved by a Windows editor as "Unicode" is UTF-16 with a byte-order mark: read it as such.
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            try:
                lines: list = raw.decode("utf-16").splitlines()
            except UnicodeDecodeError as exc:
                self.errors.append(f"{label}: cannot read {path}: not UTF-16 text (byte {exc.start})")
                return
        else:  # UTF-8, line by line: a line that is not costs that line alone
            lines = raw.removeprefix(b"\xef\xbb\xbf").splitlines()
        for n, line in enumerate(lines, 1):
            if isinstance(line, bytes):
                try:
                    line = line.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self.errors.append(f"{label} line {n}: not UTF-8 text (byte {exc.start + 1} of the line)")
                    continue
            line = line.strip()
            if line and not line.startswith("#"):
                self.add(line, f"{label} line {n}")

    def feed(self, url: str) -> None:
        fetched = self.fetch(url, "feed", FEED_ACCEPT)
        if fetched is None:
            return
        try:
            entries = parse_feed(fetched.body or b"", fetched.url)
        except SourceError as exc:
            self.errors.append(f"feed {url}: {exc}")
            return
        self.add_dated(entries, f"feed {url}")

    def sitemaps(self, roots: Sequence[str]) -> None:
        todo: list[tuple[str, int]] = [(u, 0) for u in roots]
        visited: set[str] = set()
        fetched_count = 0
        while todo and not self.full:
            url, depth = todo.pop(0)
            if url in visited:
                continue
            visited.add(url)
            if fetched_count >= MAX_SITEMAPS:
                self.errors.append(f"sitemap {url}: skipped, more than {MAX_SITEMAPS} sitemaps for one partner")
                continue
            fetched_count += 1
            fetched = self.fetch(url, "sitemap", SITEMAP_ACCEPT)
            if fetched is None:
                continue
            rejected: list[str] = []
            try:
                urls, children = parse_sitemap(fetched.body or b"", fetched.url, rejected)
            except SitemapError as exc:
                if exc.root in _FEED_ROOTS:  # a feed listed as a sitemap: read it as what it is
                    try:
                        self.add_dated(parse_feed(fetched.body or b"", fetched.url), f"sitemap {url}")
                    except SourceError as feed_exc:
                        self.errors.append(f"sitemap {url}: {feed_exc}")
                else:
                    self.errors.append(f"sitemap {url}: {exc}")
                continue
            if rejected:
                self.errors.append(f"sitemap {url}: {rejected_note(rejected)}")
            # Newest first, so that max_pages keeps the most recent pages; undated ones go last.
            urls.sort(key=lambda e: e[1].timestamp() if e[1] else float("-inf"), reverse=True)
            self.add_dated(urls, f"sitemap {url}")
            for child, lastmod in children:
                if depth + 1 > MAX_SITEMAP_DEPTH:
                    self.errors.append(f"sitemap {child}: skipped, sitemap indexes nested too deeply")
                    break
                # A child sitemap unchanged since the window opened lists no page changed since then.
                if in_window(lastmod, self.since):
                    todo.append((child, depth + 1))
        if todo and self.full:
            self.truncated = True

    def start_page(self, url: str) -> None:
        fetched = self.fetch(url, "start page", HTML_TYPES)
        if fetched is None:
            return
        for link in page_links(fetched.body or b"", fetched.charset, fetched.url):
            if self.full:
                self.truncated = True
                return
            try:
                if normalize_url(link) == normalize_url(fetched.url):
                    continue
            except ValueError:
                continue
            self.add(link, f"start page {url}")


def discover(partner: PartnerConfig, *, fetcher: Fetcher, since: datetime, max_pages: int,
             robots: Optional[RobotsCache] = None, delay: float = 0.0, base_dir: Union[str, Path, None] = None,
             clock: Callable[[], float] = time.monotonic,
             sleep: Callable[[float], None] = time.sleep) -> Discovery:
    """Candidate URLs of `partner` changed or published since `since`, at most `max_pages` of them.

    Sources in order: explicit URLs (and @files of URLs, relative to `base_dir`), feeds, sitemaps, start
    pages (same-site links one level deep). Dated entries older than `since` are left out; undated ones
    are kept. With `robots`, discovery documents obey robots.txt; requests to one host are spaced by
    max(`delay`, Crawl-delay). Never raises for a bad source: each problem is one entry in `errors`.
    """
    run = _Run(fetcher=fetcher, since=since, max_pages=max(0, max_pages), robots=robots, delay=delay,
               clock=clock, sleep=sleep)
    base = Path(base_dir) if base_dir is not None else None
    for entry in partner.urls:
        run.url_list(entry, base)
    # Once max_pages is reached, remaining sources are not fetched; they may hold more candidates.
    for url in partner.feeds:
        if run.full:
            run.truncated = True
            break
        run.feed(url)
    if partner.sitemaps:
        if run.full:
            run.truncated = True
        else:
            run.sitemaps(partner.sitemaps)
    for url in partner.start_pages:
        if run.full:
            run.truncated = True
            break
        run.start_page(url)
    return Discovery(urls=tuple(run.urls), errors=tuple(run.errors), truncated=run.truncated,
                     modified=tuple(run.modified.items()))

