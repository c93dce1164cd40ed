"""The demo's sample sites, built in memory: a DCNF-like licensor and five partner publishers.

Night 1 and night 2 (`build_sites(night)`) differ the way real sites do between two nightly audits: two
violations are fixed, two new violating copies appear (new entries in a feed and a sitemap), everything
else is byte-for-byte unchanged and carries the same validators (ETag / Last-Modified), so a conditional
GET of an unchanged page gets 304.

Absolute URLs
-------------
Feeds, sitemaps, robots.txt, canonical links and redirects need absolute URLs with the port the server
actually bound, which is only known after binding. Route bodies and header values therefore contain the
placeholder ``{{BASE:<site name>}}`` (e.g. ``{{BASE:valley-courier}}/news-sitemap.xml``) and the server
(`checker.demo.server`) replaces it with ``http://<ip>:<port>`` when the content is installed (at start
and at every `swap`). A route with ``gzip=True`` is compressed *after* that substitution. ETags are
computed from the template, so they do not depend on the port and stay equal across nights for
unchanged content. `expected_verdicts(night, url_for)` and `demo_config(sites, workdir)` take the real
base URLs (the server's `url_for`, or sites whose `port` is set, as `DemoServers.sites` returns them).

Dates are relative to the demo's "today" (UTC; fixed at the first call in a process, or passed as
`today=`), so every original falls inside the audit window.
"""
from __future__ import annotations

import hashlib
import html
import io
import json
import re
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from functools import lru_cache
from pathlib import Path
from typing import Callable, Optional, Sequence

from checker.config_types import (
    AuditConfig,
    CrawlSettings,
    EmailConfig,
    HostCrawl,
    NotificationsConfig,
    OriginalsConfig,
    PartnerConfig,
    WaiverConfig,
    WebhookConfig,
)

from .content import BY_KEY, NOTICE, ORIGINALS, OWN, Story

__all__ = [
    "Route", "Site", "LICENSOR", "PARTNERS", "CRAWL_DELAY", "base_placeholder", "build_sites",
    "expected_verdicts", "demo_config", "demo_config_yaml", "write_demo_config", "demo_today",
    "original_urls",
]

LICENSOR = "dcnf"
LICENSOR_IP = "127.0.0.10"
CRAWL_DELAY = 2  # robots.txt Crawl-delay of the smallest site (prairie-post); keeps the demo under a minute
HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"


def base_placeholder(name: str) -> str:
    """The placeholder the server replaces with the site's base URL (scheme://ip:port, no trailing slash)."""
    return "{{BASE:" + name + "}}"


B = base_placeholder


# ============================================================================================== data model


@dataclass(frozen=True)
class Route:
    """What one path of a site answers. Bodies may contain {{BASE:name}} placeholders (see module doc)."""

    status: int = 200
    body: bytes = b""
    content_type: str = HTML_TYPE
    headers: tuple[tuple[str, str], ...] = ()  # extra headers (e.g. Location, Cache-Control)
    etag: Optional[str] = None  # quoted, e.g. '"abc"' or 'W/"abc"'
    last_modified: Optional[str] = None  # HTTP-date
    gzip: bool = False  # serve gzip(body after placeholder substitution): a .gz file, not Content-Encoding


@dataclass(frozen=True)
class Site:
    name: str  # also the partner id in the audit config
    ip: str
    title: str
    role: str  # "licensor" | "partner"
    routes: dict = field(default_factory=dict)  # path (optionally with ?query) -> Route
    port: int = 0  # set by the server once bound (DemoServers.sites)

    @property
    def base_url(self) -> str:
        if not self.port:
            raise ValueError(f"site {self.name} has no port yet: use the sites DemoServers.sites returns")
        return f"http://{self.ip}:{self.port}"


@dataclass(frozen=True)
class PartnerSpec:
    id: str
    ip: str
    name: str
    layout: str
    contacts: tuple[str, ...]
    feeds: tuple[str, ...] = ()  # paths
    sitemaps: tuple[str, ...] = ()
    start_pages: tuple[str, ...] = ()
    validators: tuple[str, ...] = ("etag", "last-modified")  # what article pages carry ("weak-etag" too)


PARTNERS: tuple[PartnerSpec, ...] = (
    PartnerSpec("heartland-ledger", "127.0.0.11", "The Heartland Ledger", "wordpress",
                ("editor@heartland-ledger.example", "webmaster@heartland-ledger.example"),
                feeds=("/feed/",)),
    PartnerSpec("valley-courier", "127.0.0.12", "Valley Courier", "newspaper",
                ("newsdesk@valleycourier.example",), sitemaps=("/news-sitemap.xml",), validators=()),
    PartnerSpec("civic-review", "127.0.0.13", "The Civic Review", "drupal",
                ("editors@civicreview.example",), sitemaps=("/sitemap.xml",),
                validators=("weak-etag", "last-modified")),
    PartnerSpec("liberty-monthly", "127.0.0.14", "Liberty Monthly", "magazine",
                ("digital@libertymonthly.example", "m.sato@libertymonthly.example"),
                feeds=("/rss.xml",), start_pages=("/",)),
    PartnerSpec("prairie-post", "127.0.0.15", "Prairie Post", "static",
                ("hello@prairiepost.example",), sitemaps=("/sitemap.xml",), validators=("last-modified",)),
)
PARTNER_BY_ID = {p.id: p for p in PARTNERS}


@dataclass(frozen=True)
class Page:
    """One partner page: what it shows, where it is listed, and the verdict the audit must reach."""

    site: str
    path: str
    kind: str  # short label: compliant, missing-logo, by-staff, own-article, ...
    status: str  # expected page status: compliant | violation | not-a-copy | error
    rules: tuple[str, ...] = ()  # expected failing rules
    original: Optional[str] = None  # ORIGINALS key when the page copies one
    own: Optional[str] = None  # OWN key for the partner's own article
    nights: tuple[int, ...] = (1, 2)
    listed: str = "feed"  # feed | sitemap | urls | start-page | none
    byline: str = ""  # HTML at the layout's byline spot
    lead: str = ""  # HTML at the top of the article body
    after: str = ""  # HTML right after the last paragraph
    foot: str = ""  # HTML after the body container (author box)
    head: str = ""  # extra <head> HTML
    paragraphs: Optional[tuple[str, ...]] = None  # default: the story's
    http_status: int = 200
    moved_to: Optional[str] = None  # 301 to this path
    waived: tuple[str, ...] = ()  # rules an active waiver covers
    note: str = ""
    article: bool = True  # False for the about page (a non-article page a start page links to)
    night2: Optional[dict] = None  # field overrides on night 2 (a fix)
    days_after: float = 0.25  # published this many days after the original


# ===================================================================================================== time

_TODAY: Optional[date] = None


def demo_today(today: Optional[date] = None) -> date:
    """The demo's reference day: `today` if given, else the UTC date at the first call in this process."""
    global _TODAY
    if today is not None:
        return today
    if _TODAY is None:
        _TODAY = datetime.now(timezone.utc).date()
    return _TODAY


def _at(today: date, days_ago: float, hour: float = 0.0) -> datetime:
    base = datetime.combine(today, time(0, 0), tzinfo=timezone.utc)
    return base - timedelta(days=days_ago) + timedelta(hours=hour)


def _http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def _original_time(today: date, story: Story) -> datetime:
    index = ORIGINALS.index(story)
    return _at(today, story.days_ago, 9 + (index % 5) + 0.25 * index)


# ================================================================================================= images


@lru_cache(maxsize=None)
def _png(kind: str, width: int, height: int, seed: int = 0) -> bytes:
    from PIL import Image, ImageDraw

    if kind == "dcnf":  # red square with a white triangle, then four navy blocks (like the pack's reference)
        im = Image.new("RGB", (240, 80), "white")
        d = ImageDraw.Draw(im)
        d.rectangle([0, 0, 79, 79], fill=(200, 30, 40))
        d.polygon([(12, 70), (40, 12), (68, 70)], fill="white")
        for i in range(4):
            d.rectangle([96 + i * 36, 24, 120 + i * 36, 56], fill=(20, 30, 70))
    elif kind == "dailycaller":  # navy field, white "DC" bars, orange rule: a different organisation's logo
        im = Image.new("RGB", (240, 80), (15, 35, 75))
        d = ImageDraw.Draw(im)
        d.rectangle([20, 14, 34, 62], fill="white")
        d.ellipse([20, 14, 80, 62], outline="white", width=10)
        d.arc([96, 14, 146, 62], 40, 320, fill="white", width=10)
        d.rectangle([0, 70, 239, 79], fill=(240, 130, 20))
    else:  # a "photo": a soft two-colour gradient with a horizon
        im = Image.new("RGB", (160, 90))
        d = ImageDraw.Draw(im)
        a = ((seed * 53) % 200 + 30, (seed * 97) % 180 + 40, (seed * 31) % 160 + 60)
        b = ((seed * 17) % 120 + 20, (seed * 71) % 140 + 60, (seed * 13) % 100 + 30)
        for y in range(90):
            t = y / 89
            d.line([(0, y), (159, y)], fill=tuple(int(a[i] * (1 - t) + b[i] * t) for i in range(3)))
        d.rectangle([0, 58, 159, 60], fill=tuple(max(0, c - 40) for c in b))
    if im.size != (width, height):
        im = im.resize((width, height))
    out = io.BytesIO()
    im.save(out, "PNG", optimize=True)
    return out.getvalue()


def _photo_seed(key: str) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest()[:6], 16) % 997


# ================================================================================================ helpers

esc = html.escape


def _paras(paragraphs: Sequence[str]) -> str:
    return "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def _etag(body: bytes, weak: bool = False) -> str:
    tag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    return "W/" + tag if weak else tag


def _route(body: str | bytes, content_type: str = HTML_TYPE, *, modified: Optional[datetime] = None,
           validators: Sequence[str] = ("etag", "last-modified"), status: int = 200,
           headers: tuple = (), gz: bool = False) -> Route:
    data = body.encode("utf-8") if isinstance(body, str) else body
    etag = None
    if "etag" in validators:
        etag = _etag(data)
    elif "weak-etag" in validators:
        etag = _etag(data, weak=True)
    lm = _http_date(modified) if modified is not None and "last-modified" in validators else None
    return Route(status=status, body=data, content_type=content_type, headers=tuple(headers), etag=etag,
                 last_modified=lm, gzip=gz)


def _story(page: Page) -> Story:
    if page.original:
        return BY_KEY[page.original]
    if page.own:
        return OWN[page.own]
    raise ValueError(f"{page.site}{page.path}: no story")


def _original_path(today: date, story: Story) -> str:
    return f"/{_original_time(today, story):%Y/%m/%d}/{story.slug}/"


def original_urls(url_for: Callable[[str], str] = B, today: Optional[date] = None) -> dict[str, str]:
    """ORIGINALS key -> the licensor article's URL."""
    today = demo_today(today)
    return {s.key: url_for(LICENSOR) + _original_path(today, s) for s in ORIGINALS}


def _copy_time(today: date, page: Page) -> datetime:
    if page.original:
        return _original_time(today, BY_KEY[page.original]) + timedelta(days=page.days_after)
    if page.own:
        return _at(today, OWN[page.own].days_ago, 8.5)
    return _at(today, 12, 8)


def _published(today: date, page: Page, night: int) -> datetime:
    t = _copy_time(today, page)
    if 1 not in page.nights:  # new on night 2: published since night 1
        t = max(t, _at(today, 1, 6))
    return t


def _modified(today: date, page: Page, night: int) -> datetime:
    if night == 2 and page.night2:
        return _at(today, 1, 21)  # edited after night 1's audit
    return _published(today, page, night) + timedelta(minutes=40)


# ================================================================================================= pages


def _notice_p(cls: str = "") -> str:
    c = f' class="{cls}"' if cls else ""
    return f"<p{c}><em>{esc(NOTICE)}</em></p>"


def _pages(today: date) -> list[Page]:
    """Every partner page of both nights (Page.nights says which)."""
    def wp(key: str, slug: Optional[str] = None) -> str:
        s = BY_KEY[key] if key in BY_KEY else OWN[key]
        t = _original_time(today, s) + timedelta(days=0.25) if key in BY_KEY else _at(today, s.days_ago, 8.5)
        return f"/{t:%Y/%m/%d}/{slug or s.slug}/"

    def courier(key: str, section: str = "national") -> str:
        s = BY_KEY[key] if key in BY_KEY else OWN[key]
        return f"/news/{section}/{s.slug}/article_{hashlib.md5(s.slug.encode()).hexdigest()[:12]}.html"

    def static(key: str) -> str:
        s = BY_KEY[key] if key in BY_KEY else OWN[key]
        t = _original_time(today, s) if key in BY_KEY else _at(today, s.days_ago)
        return f"/stories/{t:%Y}/{s.slug}.html"

    wp_logo = ('<figure class="wp-block-image size-full is-resized"><img decoding="async" '
               'src="/wp-content/uploads/dcnf-logo.png" alt="" width="180" height="60"></figure>')
    wp_logo_alt = ('<figure class="wp-block-image size-full"><img decoding="async" loading="lazy" '
                   'src="/wp-content/uploads/dcnf-logo.png" alt="Daily Caller News Foundation logo" width="180" '
                   'height="60"></figure>')

    def wp_byline(names: str, suffix: str = "") -> str:
        return (f'<span class="byline"><span class="author vcard">By <a class="url fn n" rel="author" '
                f'href="/author/{_slugify(names)}/">{esc(names)}</a></span>{esc(suffix)}</span>')

    courier_logo = ('<div class="partner-credit"><picture><source type="image/png" '
                    'srcset="/static/logos/dcnf-logo.png 1x, /static/logos/dcnf-logo@2x.png 2x">'
                    '<img src="/static/logos/dcnf-logo.png" alt="Daily Caller News Foundation" width="150" '
                    'height="50"></picture></div>')

    def courier_byline(author: str, outlet: str = "") -> str:
        o = f'\n  <span class="byline-outlet">{esc(outlet)}</span>' if outlet else ""
        return f'<div class="story-byline">\n  <span class="byline-author">{esc(author)}</span>{o}\n</div>'

    svg_logo = ('<div class="field field--name-field-partner-logo field--label-hidden field__item">'
                '<svg class="partner-logo" role="img" aria-labelledby="dcnf-logo-title" viewBox="0 0 120 40" '
                'width="120" height="40"><title id="dcnf-logo-title">Daily Caller News Foundation</title>'
                '<rect width="40" height="40" fill="#c81e28"/><path d="M6 35 L20 6 L34 35 Z" fill="#fff"/>'
                '<rect x="48" y="12" width="12" height="16" fill="#141e46"/><rect x="66" y="12" width="12" '
                'height="16" fill="#141e46"/><rect x="84" y="12" width="12" height="16" fill="#141e46"/>'
                '<rect x="102" y="12" width="12" height="16" fill="#141e46"/></svg></div>')

    def drupal_byline(text: str) -> str:
        return ('<div class="field field--name-field-byline field--type-string field--label-hidden field__item">'
                f'{esc(text)}</div>')

    def drupal_source(text: str) -> str:
        return ('<div class="field field--name-field-source field--type-string field--label-hidden field__item">'
                f'{esc(text)}</div>')

    mag_logo = ('<img class="author-box__logo" src="/assets/partners/dcnf-logo@2x.png" '
                'alt="Daily Caller News Foundation" width="120" height="40">')
    mag_end_logo = ('<div class="syndication-credit"><span>Republished with permission</span>'
                    '<img src="/assets/partners/dcnf-logo@2x.png" alt="Daily Caller News Foundation" '
                    'width="120" height="40"></div>')

    def mag_byline(name: str) -> str:
        return f'<p class="byline">By <a href="/contributors/{_slugify(name)}/">{esc(name)}</a></p>'

    def author_box(name: str, bio: str, logo: bool = True) -> str:
        return (f'<section class="author-box">{mag_logo if logo else ""}<div class="author-box__text">'
                f'<p class="author-box__name">{esc(name)}</p><p class="author-box__bio">{esc(bio)}</p></div>'
                '</section>')

    static_logo = ('<p><img src="/img/dcnf.png" alt="Daily Caller News Foundation" width="120" height="40"></p>')

    pages = [
        # ---------------------------------------------------------------- heartland-ledger: WordPress blog
        Page("heartland-ledger", wp("O1"), "compliant: logo named by file only (alt=\"\")", "compliant",
             original="O1", byline=wp_byline("Margaret Ellison", ", Daily Caller News Foundation"),
             lead=wp_logo, after=_notice_p()),
        Page("heartland-ledger", wp("O3"), "compliant: lazy-loaded logo, name without accents, \"| DCNF\"",
             "compliant", original="O3", byline=wp_byline("Sofia Ramirez-Castano", " | DCNF"),
             lead=('<figure class="wp-block-image size-medium"><img decoding="async" class="lazyload" '
                   'src="data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw==" '
                   'data-lazy-src="/wp-content/uploads/2024/11/DCNF-Logo-300x100.png" alt="" width="300" '
                   'height="100"><noscript><img src="/wp-content/uploads/2024/11/DCNF-Logo-300x100.png" alt="" '
                   'width="300" height="100"></noscript></figure>'),
             after=_notice_p()),
        Page("heartland-ledger", wp("O2"), "missing logo", "violation", ("logo",), original="O2",
             byline=wp_byline("Daniel Okafor", ", Daily Caller News Foundation"), after=_notice_p(),
             night2={"lead": wp_logo_alt, "status": "compliant", "rules": (),
                     "kind": "fixed on night 2: the DCNF logo was added"},
             note="fixed on night 2"),
        Page("heartland-ledger", wp("O4"), "the Daily Caller logo instead of the DCNF logo", "violation", ("logo",),
             original="O4", byline=wp_byline("Thomas Whitcombe", ", Daily Caller News Foundation"),
             lead=('<figure class="wp-block-image"><img decoding="async" src="/wp-content/uploads/daily-caller-logo.png"'
                   ' alt="The Daily Caller" width="180" height="60"></figure>'), after=_notice_p()),
        Page("heartland-ledger", wp("O6", "ranchers-selling-herds-early-amid-drought"), "redirect (301) to a compliant copy",
             "compliant", original="O6", listed="urls", moved_to=wp("O6"),
             note="listed under the partner's urls; the slug changed, the old URL answers 301"),
        Page("heartland-ledger", wp("O6"), "compliant (target of the 301)", "compliant", original="O6",
             listed="none", byline=wp_byline("Caleb Brandt", ", Daily Caller News Foundation"), lead=wp_logo_alt,
             after=_notice_p(), note="reached only through the redirect"),
        Page("heartland-ledger", wp("O7"), "compliant: affiliation on the byline's second line", "compliant",
             original="O7",
             byline=('<span class="byline">By <a class="url fn n" rel="author" href="/author/jonah-whitfield/">'
                     'Jonah Whitfield</a><br>Daily Caller News Foundation</span>'),
             lead=wp_logo_alt),
        Page("heartland-ledger", wp("O5"), "compliant: two reporters", "compliant", original="O5",
             byline=('<span class="byline">By <a rel="author" href="/author/rebecca-lindqvist/">Rebecca Lindqvist'
                     '</a> and <a rel="author" href="/author/marcus-hale/">Marcus Hale</a>, Daily Caller News '
                     'Foundation</span>'),
             lead=wp_logo, after=_notice_p()),
        Page("heartland-ledger", wp("library-hours"), "own article", "not-a-copy", own="library-hours",
             byline=wp_byline("Jenna Morrow")),
        Page("heartland-ledger", wp("newswire-partnership"), "own article that mentions the DCNF and its license",
             "not-a-copy", own="newswire-partnership", byline=wp_byline("Paul Henning", ", Editor")),
        Page("heartland-ledger", wp("O8"), "\"Daily Caller\" alone in the byline", "violation", ("affiliation",),
             original="O8", nights=(2,), byline=wp_byline("Eleanor Vance", ", Daily Caller"), lead=wp_logo_alt,
             note="new on night 2", days_after=1.0),

        # ---------------------------------------------------------------- valley-courier: local newspaper with a right rail
        Page("valley-courier", courier("O5"), "compliant: two reporters, affiliation on its own line, <picture> logo",
             "compliant", original="O5", listed="sitemap",
             byline=courier_byline("By Rebecca Lindqvist and Marcus Hale", "Daily Caller News Foundation"),
             lead=courier_logo),
        Page("valley-courier", courier("O1"), "\"By Staff\" (the reporter is credited only in a rail teaser)",
             "violation", ("affiliation", "byline"), original="O1", listed="sitemap",
             byline=courier_byline("By Staff"), lead=courier_logo),
        Page("valley-courier", courier("O8"), "hidden logo (display:none)", "violation", ("logo",), original="O8",
             listed="sitemap", byline=courier_byline("By Eleanor Vance", "Daily Caller News Foundation"),
             lead=('<div class="partner-credit" style="display:none"><img src="/static/logos/dcnf-logo.png" '
                   'alt="Daily Caller News Foundation" width="150" height="50"></div>')),
        Page("valley-courier", courier("O6"), "\"Daily Caller\" alone in the byline", "violation", ("affiliation",),
             original="O6", listed="sitemap", byline=courier_byline("By Caleb Brandt, Daily Caller"),
             lead=courier_logo),
        Page("valley-courier", courier("O3"), "compliant: accented name, logo with srcset and alt \"DCNF\"",
             "compliant", original="O3", listed="sitemap",
             byline=courier_byline("By Sof\u00eda Ram\u00edrez-Casta\u00f1o, Daily Caller News Foundation"),
             lead=('<div class="partner-credit"><img src="/static/logos/dcnf-logo.png" srcset="/static/logos/'
                   'dcnf-logo.png 1x, /static/logos/dcnf-logo@2x.png 2x" alt="DCNF" width="150" height="50"></div>'),
             after=_notice_p("tagline")),
        Page("valley-courier", courier("county-fair", "local"), "own article", "not-a-copy", own="county-fair",
             listed="sitemap", byline=courier_byline("By Dana Whitlock", "Courier staff")),
        Page("valley-courier", courier("four-day-week", "local"), "own article that cites a DCNF report",
             "not-a-copy", own="four-day-week", listed="sitemap", byline=courier_byline("By Luis Ortega")),
        Page("valley-courier", "/news/local/water-rates-hearing-draws-crowd/article_5e0c1d2f7a9b.html",
             "server error (HTTP 500 every time)", "error", listed="sitemap", http_status=500,
             note="answers 500 to every request"),
        Page("valley-courier", f"/private/embargoed/{BY_KEY['O7'].slug}.html",
             "disallowed by robots.txt (Disallow: /private/)", "error", original="O7", listed="sitemap",
             lead="<p><strong>EMBARGOED DRAFT \u2014 DO NOT PUBLISH</strong></p>",
             note="must not be fetched; a crawler that ignores robots.txt would find a violating copy here"),

        # ---------------------------------------------------------------- civic-review: Drupal
        Page("civic-review", f"/news/{BY_KEY['O2'].slug}", "compliant: byline field + source field, inline SVG logo",
             "compliant", original="O2", listed="sitemap", byline=drupal_byline("Daniel Okafor"),
             foot=drupal_source("Daily Caller News Foundation"), lead=svg_logo),
        Page("civic-review", f"/news/{BY_KEY['O4'].slug}", "surname only in the byline", "violation",
             ("affiliation", "byline"), original="O4", listed="sitemap",
             byline=drupal_byline("By Whitcombe, Daily Caller News Foundation"), lead=svg_logo),
        Page("civic-review", f"/news/{BY_KEY['O3'].slug}", "reporter named only in <meta name=author> and JSON-LD",
             "violation", ("affiliation", "byline"), original="O3", listed="sitemap",
             byline=drupal_source("From the Daily Caller News Foundation"), lead=svg_logo,
             head=('<meta name="author" content="Sof\u00eda Ram\u00edrez-Casta\u00f1o">\n'
                   '<script type="application/ld+json">' + json.dumps({
                       "@context": "https://schema.org", "@type": "NewsArticle",
                       "headline": BY_KEY["O3"].title,
                       "author": {"@type": "Person", "name": "Sof\u00eda Ram\u00edrez-Casta\u00f1o"},
                   }, ensure_ascii=False) + "</script>")),
        Page("civic-review", f"/opinion/{BY_KEY['O7'].slug}", "missing logo (covered by an active waiver)",
             "violation", ("logo",), original="O7", listed="sitemap",
             byline=drupal_byline("By Jonah Whitfield, Daily Caller News Foundation"), waived=("logo",),
             note="waiver: civic-review /opinion/* logo, expires in the future"),
        Page("civic-review", f"/opinion/{BY_KEY['O8'].slug}", "compliant: \"The Daily Caller News Foundation\"",
             "compliant", original="O8", listed="sitemap",
             byline=drupal_byline("By Eleanor Vance, The Daily Caller News Foundation"),
             lead=('<div class="field field--name-field-partner-logo field__item"><img loading="lazy" '
                   'src="/sites/default/files/partners/dcnf_logo.png" alt="DCNF" width="120" height="40" '
                   'typeof="foaf:Image"></div>')),
        Page("civic-review", f"/news/{BY_KEY['O5'].slug}", "two reporters, only one named", "violation", ("byline",),
             original="O5", listed="sitemap",
             byline=drupal_byline("By Rebecca Lindqvist, Daily Caller News Foundation"), lead=svg_logo,
             note="an expired waiver (civic-review /news/* byline) no longer covers it"),
        Page("civic-review", f"/opinion/{OWN['editorial-newswire'].slug}", "own editorial about the DCNF license",
             "not-a-copy", own="editorial-newswire", listed="sitemap",
             byline=drupal_byline("The Civic Review Editorial Board")),
        Page("civic-review", f"/news/{OWN['riverfront-towers'].slug}", "own article", "not-a-copy",
             own="riverfront-towers", listed="sitemap", byline=drupal_byline("By Grace Liu")),
        Page("civic-review", f"/opinion/{OWN['letters-transit'].slug}", "own letters page on a DCNF story's topic",
             "not-a-copy", own="letters-transit", listed="sitemap"),

        # ---------------------------------------------------------------- liberty-monthly: magazine, author box at the foot
        Page("liberty-monthly", f"/economy/{BY_KEY['O4'].slug}/", "compliant: author box with logo at the foot only",
             "compliant", original="O4",
             foot=author_box("Thomas Whitcombe",
                             "Thomas Whitcombe is an economy reporter for the Daily Caller News Foundation.")),
        Page("liberty-monthly", f"/politics/{BY_KEY['O1'].slug}/", "DCNF named only in a body sentence (\"told the "
             "Daily Caller News Foundation\")", "violation", ("affiliation",), original="O1",
             byline=mag_byline("Margaret Ellison"), after=mag_end_logo),
        Page("liberty-monthly", f"/agriculture/{BY_KEY['O6'].slug}/", "DCNF named only in the license notice",
             "violation", ("affiliation",), original="O6", byline=mag_byline("Caleb Brandt"),
             after=mag_end_logo + _notice_p("license-notice"),
             night2={"byline": ('<p class="byline">By <a href="/contributors/caleb-brandt/">Caleb Brandt</a>, '
                                'Daily Caller News Foundation</p>'),
                     "status": "compliant", "rules": (),
                     "kind": "fixed on night 2: the affiliation was added to the byline"},
             note="fixed on night 2"),
        Page("liberty-monthly", f"/health/{BY_KEY['O3'].slug}/", "missing affiliation", "violation", ("affiliation",),
             original="O3", byline=mag_byline("Sof\u00eda Ram\u00edrez-Casta\u00f1o"), after=mag_end_logo),
        Page("liberty-monthly", f"/politics/{BY_KEY['O7'].slug}/", "compliant: byline on top, author box at the foot",
             "compliant", original="O7", byline=mag_byline("Jonah Whitfield"),
             foot=author_box("Jonah Whitfield | Daily Caller News Foundation",
                             "Jonah Whitfield covers immigration and border security for the Daily Caller News "
                             "Foundation.")),
        Page("liberty-monthly", f"/culture/{OWN['county-almanac'].slug}/", "own feature", "not-a-copy",
             own="county-almanac", byline=mag_byline("Miriam Sato"),
             foot=author_box("Miriam Sato", "Miriam Sato is a senior editor at Liberty Monthly.", logo=False)),
        Page("liberty-monthly", f"/essays/{OWN['ranchers-ledger'].slug}/", "own essay that cites DCNF reporting",
             "not-a-copy", own="ranchers-ledger", listed="start-page", byline=mag_byline("Walt Pruitt"),
             note="not in the feed: found through the start page"),
        Page("liberty-monthly", "/about/", "about page (linked from the start page)", "not-a-copy",
             listed="start-page", article=False),

        # ---------------------------------------------------------------- prairie-post: minimal static site
        Page("prairie-post", static("O8"), "compliant: plain <img>, two-line byline", "compliant", original="O8",
             listed="sitemap", lead=static_logo,
             byline='<p class="byline">By Eleanor Vance<br>Daily Caller News Foundation</p>'),
        Page("prairie-post", static("O2"), "one-pixel logo", "violation", ("logo",), original="O2", listed="sitemap",
             byline="<p>By Daniel Okafor, Daily Caller News Foundation</p>",
             lead='<p><img src="/img/dcnf.png" width="1" height="1" alt="DCNF"></p>'),
        Page("prairie-post", static("harvest-supper"), "own article", "not-a-copy", own="harvest-supper",
             listed="sitemap", byline="<p>By Nora Lindgren</p>"),
        Page("prairie-post", static("O5"), "compliant: \"&\" between two reporters", "compliant", original="O5",
             listed="urls", lead=static_logo,
             byline="<p>Rebecca Lindqvist &amp; Marcus Hale, Daily Caller News Foundation</p>",
             note="not in the sitemap: listed under the partner's urls"),
        Page("prairie-post", static("O6"), "logo only in og:image and JSON-LD", "violation", ("logo",), original="O6",
             listed="sitemap", byline="<p>By Caleb Brandt, Daily Caller News Foundation</p>",
             head=('<meta property="og:image" content="' + B("prairie-post") + '/img/dcnf.png">\n'
                   '<script type="application/ld+json">' + json.dumps({
                       "@context": "https://schema.org", "@type": "NewsArticle", "headline": BY_KEY["O6"].title,
                       "publisher": {"@type": "Organization", "name": "Daily Caller News Foundation",
                                     "logo": {"@type": "ImageObject", "url": "/img/dcnf.png"}},
                   }) + "</script>")),
        Page("prairie-post", static("O4"), "missing logo", "violation", ("logo",), original="O4", nights=(2,),
             listed="sitemap", byline="<p>By Thomas Whitcombe, Daily Caller News Foundation</p>",
             note="new on night 2", days_after=4.5),
    ]
    return pages


def _slugify(text: str) -> str:
    import unicodedata

    t = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", t).strip("-")


def _for_night(page: Page, night: int) -> Page:
    if night == 2 and page.night2:
        return replace(page, **page.night2)
    return page


# ================================================================================================ layouts


@dataclass(frozen=True)
class _Ctx:
    site: PartnerSpec
    page: Page
    story: Story
    url: str  # absolute (with placeholder)
    published: datetime
    related: tuple[tuple[str, str, str], ...]  # (title, path, credit) of other stories on the site


def _body(ctx: _Ctx) -> str:
    paragraphs = ctx.page.paragraphs if ctx.page.paragraphs is not None else ctx.story.paragraphs
    return "\n".join(x for x in (ctx.page.lead, _paras(paragraphs), ctx.page.after) if x)


def _head_common(ctx: _Ctx, title_suffix: str) -> str:
    s = ctx.story
    return (f'<meta charset="utf-8">\n<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{esc(s.title)}{esc(title_suffix)}</title>\n"
            f'<link rel="canonical" href="{ctx.url}">\n'
            f'<meta name="description" content="{esc(s.dek)}">\n'
            f'<meta property="og:type" content="article">\n<meta property="og:title" content="{esc(s.title)}">\n'
            f'<meta property="og:url" content="{ctx.url}">\n'
            f'<meta property="article:published_time" content="{ctx.published.isoformat()}">\n'
            + (ctx.page.head + "\n" if ctx.page.head else ""))


def _wordpress(ctx: _Ctx) -> str:
    s, p, site = ctx.story, ctx.page, ctx.site
    cat = s.section if p.original is None else "National"
    pid = 4000 + int(hashlib.md5(p.path.encode()).hexdigest()[:4], 16) % 5000
    recent = "\n".join(f'<li><a href="{path}">{esc(t)}</a></li>' for t, path, _ in ctx.related)
    return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
{_head_common(ctx, " – The Heartland Ledger")}<link rel="alternate" type="application/rss+xml" title="The Heartland Ledger &raquo; Feed" href="{B(site.id)}/feed/">
<meta name="generator" content="WordPress 6.5.3">
<style>body{{font-family:Georgia,serif;margin:0;color:#222}}.site-header{{background:#2d4a22;color:#fff;padding:1em 2em}}
.site-header a{{color:#fff}}.site-content{{display:flex;gap:2em;max-width:1100px;margin:auto;padding:1em}}
#primary{{flex:3}}.widget-area{{flex:1;font-size:.9em}}.entry-meta{{color:#666;margin:.5em 0 1em}}
.menu-wrapper{{list-style:none;display:flex;gap:1em;padding:0}}</style>
</head>
<body class="post-template-default single single-post postid-{pid} single-format-standard">
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<header id="masthead" class="site-header" role="banner">
<div class="site-branding"><p class="site-title"><a href="/" rel="home">The Heartland Ledger</a></p>
<p class="site-description">News for the river counties since 1911</p></div>
<nav id="site-navigation" class="primary-navigation" aria-label="Primary menu"><ul class="menu-wrapper">
<li><a href="/category/local/">Local</a></li><li><a href="/category/national/">National</a></li>
<li><a href="/category/sports/">Sports</a></li><li><a href="/category/obituaries/">Obituaries</a></li></ul></nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{pid}" class="post-{pid} post type-post status-publish format-standard has-post-thumbnail hentry category-{_slugify(cat)}">
<header class="entry-header alignwide">
<h1 class="entry-title">{esc(s.title)}</h1>
<figure class="post-thumbnail"><img width="800" height="450" src="/wp-content/uploads/stock/{s.key.lower()}-800x450.png" class="attachment-post-thumbnail size-post-thumbnail wp-post-image" alt="" decoding="async"></figure>
</header>
<div class="entry-meta">{p.byline} <span class="posted-on">Posted on <time class="entry-date published" datetime="{ctx.published.isoformat()}">{ctx.published:%B} {ctx.published.day}, {ctx.published:%Y}</time></span></div>
<div class="entry-content">
{_body(ctx)}
</div>
<footer class="entry-footer default-max-width"><span class="cat-links">Categorized as <a href="/category/{_slugify(cat)}/" rel="category tag">{esc(cat)}</a></span></footer>
</article>
<div id="comments" class="comments-area default-max-width"><div id="respond" class="comment-respond">
<h2 id="reply-title" class="comment-reply-title">Leave a comment</h2>
<p class="must-log-in">You must be <a href="/wp-login.php">logged in</a> to post a comment.</p></div></div>
</main></div>
<aside id="secondary" class="widget-area" role="complementary">
<section id="recent-posts-2" class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2>
<ul>
{recent}
</ul></section>
<section id="text-3" class="widget widget_text"><h2 class="widget-title">Subscribe</h2>
<div class="textwidget"><p>Get the Ledger delivered Tuesday and Friday. Call 555-0141.</p></div></section>
</aside>
</div>
<footer id="colophon" class="site-footer" role="contentinfo"><div class="site-info">
&copy; {ctx.published:%Y} The Heartland Ledger &middot; 214 Main Street, Millbrook &middot; Proudly powered by WordPress</div></footer>
</div>
</body>
</html>
"""


def _newspaper(ctx: _Ctx) -> str:
    s, p = ctx.story, ctx.page
    rail = "\n".join(
        f'<li class="rail-item"><a class="rail-thumb" href="{path}"><img src="/static/photos/rail-{i}.png" alt="" '
        f'width="80" height="45"></a><h4><a href="{path}">{esc(t)}</a></h4><p class="teaser-byline">{esc(c)}</p></li>'
        for i, (t, path, c) in enumerate(ctx.related))
    when = f"{ctx.published:%b} {ctx.published.day}, {ctx.published:%Y}"
    return f"""<!doctype html>
<html lang="en">
<head>
{_head_common(ctx, " | Valley Courier")}<style>body{{font-family:Arial,sans-serif;margin:0}}.topbar{{background:#111;color:#eee;font-size:12px;padding:4px 16px}}
.masthead{{text-align:center;font-family:Georgia,serif;font-size:40px;padding:10px}}.grid{{display:grid;grid-template-columns:3fr 1fr;gap:24px;max-width:1140px;margin:auto}}
.story-byline{{font-weight:bold;margin:8px 0}}.byline-outlet{{display:block;font-weight:normal;color:#555}}
.right-rail{{border-left:1px solid #ddd;padding-left:16px}}.ad-slot{{background:#f2f2f2;text-align:center;color:#999;padding:40px 0}}</style>
</head>
<body class="story-page">
<div class="topbar">Subscribe for $1 &middot; E-Edition &middot; Obituaries &middot; Classifieds</div>
<header class="masthead"><a href="/">Valley Courier</a></header>
<nav class="section-nav" aria-label="Sections"><a href="/news/local/">Local</a> <a href="/news/national/">State &amp; Nation</a> <a href="/sports/">Sports</a> <a href="/opinion/">Opinion</a></nav>
<div class="grid">
<div class="col-main">
<div class="breadcrumbs"><a href="/">Home</a> / <a href="/news/">News</a></div>
<article class="story" itemscope itemtype="https://schema.org/NewsArticle">
<h1 class="headline" itemprop="headline">{esc(s.title)}</h1>
<p class="subhead">{esc(s.dek)}</p>
{p.byline}
<div class="story-meta"><time datetime="{ctx.published.isoformat()}">{when}</time></div>
<figure class="lead-photo"><img src="/static/photos/{s.key.lower()}.png" alt="" width="640" height="360"><figcaption>File photo</figcaption></figure>
<div class="story-body" itemprop="articleBody">
{_body(ctx)}
</div>
{p.foot}
<div class="share-tools"><a href="mailto:?subject={esc(s.title)}">Email</a> <a href="#print">Print</a></div>
</article>
<div class="ad-slot">Advertisement</div>
</div>
<aside class="right-rail">
<div class="ad-slot">Advertisement</div>
<section class="rail-module related-stories"><h3>Related stories</h3>
<ul>
{rail}
</ul></section>
<section class="rail-module most-read"><h3>Most read</h3><ol><li><a href="/news/local/">Storm damage cleanup continues</a></li><li><a href="/sports/">Eagles clinch district title</a></li></ol></section>
</aside>
</div>
<footer class="site-footer"><p>&copy; {ctx.published:%Y} Valley Courier, a family-owned newspaper. 88 Depot Street.</p></footer>
</body>
</html>
"""


def _drupal(ctx: _Ctx) -> str:
    s, p = ctx.story, ctx.page
    nid = 1000 + int(hashlib.md5(p.path.encode()).hexdigest()[:4], 16) % 9000
    section = "Opinion" if p.path.startswith("/opinion/") else "News"
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr" prefix="content: http://purl.org/rss/1.0/modules/content/ og: https://ogp.me/ns#">
<head>
{_head_common(ctx, " | The Civic Review")}<meta name="Generator" content="Drupal 10 (https://www.drupal.org)">
<link rel="shortlink" href="{B(ctx.site.id)}/node/{nid}">
<style>body{{font-family:"Source Sans Pro",sans-serif;margin:0}}.layout-container{{max-width:960px;margin:auto}}
.region-header{{border-bottom:3px solid #8b0000;padding:12px}}.field--name-field-byline{{font-weight:600}}
.field--name-field-source{{color:#8b0000;text-transform:uppercase;font-size:.85em}}</style>
</head>
<body class="path-node page-node-type-article">
<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<div class="layout-container">
<header role="banner"><div class="region region-header"><div id="block-civic-branding" class="block block-system block-system-branding-block">
<a href="/" rel="home" class="site-branding__name">The Civic Review</a><div class="site-branding__slogan">Independent news for Riverton</div></div></div>
<div class="region region-primary-menu"><nav role="navigation" aria-labelledby="block-civic-main-menu-menu" id="block-civic-main-menu">
<h2 class="visually-hidden" id="block-civic-main-menu-menu">Main navigation</h2>
<ul class="menu"><li class="menu-item"><a href="/news">News</a></li><li class="menu-item"><a href="/opinion">Opinion</a></li><li class="menu-item"><a href="/events">Events</a></li></ul></nav></div>
</header>
<div class="region region-breadcrumb"><nav class="breadcrumb" role="navigation"><ol><li><a href="/">Home</a></li><li><a href="/{section.lower()}">{section}</a></li></ol></nav></div>
<main role="main"><a id="main-content" tabindex="-1"></a>
<div class="layout-content"><div class="region region-content">
<div id="block-civic-content" class="block block-system block-system-main-block">
<article role="article" about="/node/{nid}" class="node node--type-article node--promoted node--view-mode-full">
<h1 class="page-title"><span class="field field--name-title field--type-string field--label-hidden">{esc(s.title)}</span></h1>
<div class="node__meta">
{p.byline}
{p.foot}
<span class="field field--name-created field--type-created field--label-hidden"><time datetime="{ctx.published.isoformat()}">{ctx.published:%a, %m/%d/%Y - %H:%M}</time></span>
</div>
<div class="node__content clearfix">
{p.lead}
<div class="clearfix text-formatted field field--name-body field--type-text-with-summary field--label-hidden field__item">
{_paras(p.paragraphs if p.paragraphs is not None else s.paragraphs)}
{p.after}
</div>
<div class="field field--name-field-tags field--type-entity-reference field--label-above"><div class="field__label">Tags</div>
<div class="field__items"><div class="field__item"><a href="/taxonomy/term/{len(s.section)}" hreflang="en">{esc(s.section)}</a></div></div></div>
</div>
</article>
</div></div></div>
</main>
<footer role="contentinfo"><div class="region region-footer"><p>The Civic Review is a member-supported newsroom. &copy; {ctx.published:%Y}</p></div></footer>
</div></div>
</body>
</html>
"""


def _magazine(ctx: _Ctx) -> str:
    s, p = ctx.story, ctx.page
    more = "\n".join(f'<li><a href="{path}">{esc(t)}</a></li>' for t, path, _ in ctx.related[:3])
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{_head_common(ctx, " — Liberty Monthly")}<link rel="alternate" type="application/rss+xml" title="Liberty Monthly" href="{B(ctx.site.id)}/rss.xml">
<style>body{{font-family:"Playfair Display",Georgia,serif;margin:0;background:#fbf8f3}}.mag-header{{display:flex;justify-content:space-between;padding:18px 40px;border-bottom:1px solid #ccc}}
.hero img{{width:100%;height:auto}}.article-wrap{{max-width:720px;margin:auto}}.kicker{{text-transform:uppercase;letter-spacing:.1em;color:#a33}}
.dek{{font-size:1.3em;font-style:italic}}.article-body p:first-child::first-letter{{font-size:3em;float:left}}
.author-box{{display:flex;gap:16px;border-top:2px solid #222;margin-top:2em;padding-top:1em}}</style>
</head>
<body class="single-article">
<header class="mag-header"><a class="logo" href="/">Liberty Monthly</a>
<nav class="mag-nav"><a href="/politics/">Politics</a> <a href="/economy/">Economy</a> <a href="/culture/">Culture</a> <a href="/essays/">Essays</a> <a href="/subscribe/" class="button">Subscribe</a></nav></header>
<main class="article-wrap">
<article class="feature">
<div class="hero"><img src="/assets/images/{s.key.lower()}-hero.png" alt="" width="1200" height="675"></div>
<p class="kicker">{esc(s.section)}</p>
<h1 class="article-title">{esc(s.title)}</h1>
<p class="dek">{esc(s.dek)}</p>
{p.byline}
<p class="pubdate"><time datetime="{ctx.published.isoformat()}">{ctx.published:%B} {ctx.published.day}, {ctx.published:%Y}</time></p>
<div class="article-body">
{_body(ctx)}
</div>
{p.foot}
</article>
<section class="more-from"><h2>More from Liberty Monthly</h2><ul>
{more}
</ul></section>
</main>
<footer class="mag-footer"><p>Liberty Monthly &middot; Ideas, culture and the American interior &middot; &copy; {ctx.published:%Y}</p>
<p><a href="/about/">About</a> &middot; <a href="/subscribe/">Subscribe</a></p></footer>
</body>
</html>
"""


def _static(ctx: _Ctx) -> str:
    s, p = ctx.story, ctx.page
    return f"""<!doctype html>
<html lang="en">
<head>
{_head_common(ctx, " - Prairie Post")}<style>body{{max-width:40em;margin:2em auto;font:18px/1.5 system-ui,sans-serif;padding:0 1em}}header,footer{{color:#555}}</style>
</head>
<body>
<header><a href="/">Prairie Post</a> &middot; <a href="/about/">About</a></header>
<main>
<h1>{esc(s.title)}</h1>
<p class="date">{ctx.published:%Y-%m-%d}</p>
{p.lead}
{p.byline}
{_paras(p.paragraphs if p.paragraphs is not None else s.paragraphs)}
{p.after}
</main>
<footer><p>Prairie Post is written and printed in Willow Creek. Questions: hello@prairiepost.example</p></footer>
</body>
</html>
"""


_LAYOUTS = {"wordpress": _wordpress, "newspaper": _newspaper, "drupal": _drupal, "magazine": _magazine,
            "static": _static}

_ERROR_500 = """<!DOCTYPE html>
<html><head><title>500 Internal Server Error</title></head>
<body><h1>Internal Server Error</h1><p>The server encountered an unexpected condition. Please try again later.</p>
<hr><address>Apache Server at valleycourier.example Port 443</address></body></html>
"""


# ================================================================================================ feeds, sitemaps


def _rfc822(dt: datetime) -> str:
    return format_datetime(dt, usegmt=True)


def _licensor_feed(today: date) -> tuple[str, datetime]:
    items = []
    newest = max(_original_time(today, s) for s in ORIGINALS)
    for n, s in sorted(enumerate(ORIGINALS), key=lambda x: _original_time(today, x[1]), reverse=True):
        url = B(LICENSOR) + _original_path(today, s)
        content = _paras(s.paragraphs) + "\n" + f"<p><em>{esc(NOTICE)}</em></p>"
        items.append(f"""  <item>
    <title>{esc(s.title)}</title>
    <link>{url}</link>
    <dc:creator><![CDATA[{" and ".join(s.authors)}]]></dc:creator>
    <pubDate>{_rfc822(_original_time(today, s))}</pubDate>
    <category><![CDATA[{s.section}]]></category>
    <guid isPermaLink="false">{B(LICENSOR)}/?p={81200 + n * 37}</guid>
    <description><![CDATA[{s.dek}]]></description>
    <content:encoded><![CDATA[{content}]]></content:encoded>
  </item>""")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
  <title>Daily Caller News Foundation</title>
  <atom:link href="{B(LICENSOR)}/feed.xml" rel="self" type="application/rss+xml"/>
  <link>{B(LICENSOR)}/</link>
  <description>An independent and nonpartisan newswire service (demo)</description>
  <lastBuildDate>{_rfc822(newest)}</lastBuildDate>
  <language>en-US</language>
  <sy:updatePeriod>hourly</sy:updatePeriod>
  <sy:updateFrequency>1</sy:updateFrequency>
{chr(10).join(items)}
</channel>
</rss>
"""
    return feed, newest


def _rss(site: PartnerSpec, title: str, entries: list[tuple[Page, Story, datetime, str]], *, utm: bool) -> str:
    items = []
    for page, story, published, url in entries:
        link = url + (f"?utm_source=rss&amp;utm_medium=rss&amp;utm_campaign={story.slug}" if utm else "")
        creator = _feed_credit(page)
        items.append(f"""  <item>
    <title>{esc(story.title)}</title>
    <link>{link}</link>
    <dc:creator><![CDATA[{creator}]]></dc:creator>
    <pubDate>{_rfc822(published)}</pubDate>
    <guid isPermaLink="false">{url}</guid>
    <description><![CDATA[{story.dek}]]></description>
  </item>""")
    newest = max(e[2] for e in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
  <title>{esc(title)}</title>
  <atom:link href="{B(site.id)}{site.feeds[0]}" rel="self" type="application/rss+xml"/>
  <link>{B(site.id)}/</link>
  <description>Latest stories from {esc(title)}</description>
  <lastBuildDate>{_rfc822(newest)}</lastBuildDate>
  <language>en-US</language>
{chr(10).join(items)}
</channel>
</rss>
"""


def _feed_credit(page: Page) -> str:
    """The dc:creator a partner's CMS puts in its feed for a copy: its newswire account, or the reporters."""
    if "Staff" in page.kind:
        return "Staff"
    return " and ".join(_story(page).authors)


def _urlset(entries: list[tuple[str, datetime]]) -> str:
    urls = "\n".join(f"  <url>\n    <loc>{esc(u)}</loc>\n    <lastmod>{m.isoformat()}</lastmod>\n  </url>"
                     for u, m in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "\n</urlset>\n")


def _news_sitemap(entries: list[tuple[str, str, datetime]]) -> str:
    urls = "\n".join(f"""  <url>
    <loc>{esc(u)}</loc>
    <news:news>
      <news:publication><news:name>Valley Courier</news:name><news:language>en</news:language></news:publication>
      <news:publication_date>{m.isoformat()}</news:publication_date>
      <news:title>{esc(t)}</news:title>
    </news:news>
  </url>""" for u, t, m in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + urls + "\n</urlset>\n")


def _sitemap_index(children: list[tuple[str, datetime]]) -> str:
    items = "\n".join(f"  <sitemap>\n    <loc>{esc(u)}</loc>\n    <lastmod>{m.isoformat()}</lastmod>\n  </sitemap>"
                      for u, m in children)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + items + "\n</sitemapindex>\n")


_ROBOTS = {
    "heartland-ledger": "User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n",
    "valley-courier": ("# Valley Courier\nUser-agent: *\nDisallow: /private/\nDisallow: /search\n\n"
                       "User-agent: GPTBot\nDisallow: /\n\nSitemap: {base}/news-sitemap.xml\n"),
    "civic-review": ("# robots.txt (Drupal)\nUser-agent: *\n# Directories\nDisallow: /core/\nDisallow: /profiles/\n"
                     "# Paths (clean URLs)\nDisallow: /admin/\nDisallow: /search/\nDisallow: /user/login\n"
                     "Disallow: /node/add/\n\nSitemap: {base}/sitemap.xml\n"),
    "liberty-monthly": "User-agent: *\nAllow: /\nDisallow: /subscribe/checkout\n",
    "prairie-post": "User-agent: *\nCrawl-delay: {delay}\nDisallow:\n\nSitemap: {base}/sitemap.xml\n",
}


# ================================================================================================ building


def _night_pages(today: date, night: int) -> list[Page]:
    if night not in (1, 2):
        raise ValueError(f"night must be 1 or 2, not {night!r}")
    return [_for_night(p, night) for p in _pages(today) if night in p.nights]


def build_sites(night: int = 1, *, today: Optional[date] = None) -> list[Site]:
    """The licensor site and the five partner sites as they are on `night` (1 or 2); ports unset (0)."""
    today = demo_today(today)
    pages = _night_pages(today, night)
    return [_licensor_site(today)] + [_partner_site(spec, [p for p in pages if p.site == spec.id], today, night)
                                      for spec in PARTNERS]


def _licensor_site(today: date) -> Site:
    routes: dict[str, Route] = {}
    feed, newest = _licensor_feed(today)
    routes["/feed.xml"] = _route(feed, RSS_TYPE, modified=newest)
    routes["/feed/"] = Route(301, b"", headers=(("Location", B(LICENSOR) + "/feed.xml"),))
    routes["/robots.txt"] = _route("User-agent: *\nDisallow: /wp-admin/\n", "text/plain; charset=utf-8",
                                   modified=_at(today, 400))
    routes["/wp-content/uploads/dcnf-logo.png"] = _route(_png("dcnf", 240, 80), "image/png", modified=_at(today, 400))
    routes["/hooks/syndicheck"] = Route(204, b"", content_type="text/plain")  # POST sink for webhook notifications
    items = []
    for s in ORIGINALS:
        path = _original_path(today, s)
        when = _original_time(today, s)
        authors = " and ".join(s.authors)
        page = f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="utf-8"><title>{esc(s.title)} | Daily Caller News Foundation</title>
<link rel="canonical" href="{B(LICENSOR)}{path}">
<meta name="author" content="{esc(authors)}">
<meta property="og:image" content="{B(LICENSOR)}/wp-content/uploads/dcnf-logo.png">
</head>
<body class="single-post">
<header class="site-header"><a href="/"><img src="/wp-content/uploads/dcnf-logo.png" alt="Daily Caller News Foundation" width="240" height="80"></a></header>
<main><article>
<p class="category">{esc(s.section)}</p>
<h1>{esc(s.title)}</h1>
<div class="byline">{esc(authors)}<br>Daily Caller News Foundation</div>
<time datetime="{when.isoformat()}">{when:%B} {when.day}, {when:%Y}</time>
<div class="article-content">
{_paras(s.paragraphs)}
<p><em>{esc(NOTICE)}</em></p>
</div>
</article></main>
<footer><p>&copy; {when:%Y} Daily Caller News Foundation (demo). 1775 Eye Street NW, Washington, D.C.</p></footer>
</body>
</html>
"""
        routes[path] = _route(page, modified=when + timedelta(minutes=5))
        items.append(f'<li><a href="{path}">{esc(s.title)}</a> <span>{esc(authors)}</span></li>')
    routes["/"] = _route(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Daily Caller News Foundation (demo)"
        "</title></head><body><h1><img src=\"/wp-content/uploads/dcnf-logo.png\" alt=\"Daily Caller News Foundation\""
        " width=\"240\" height=\"80\"></h1><p>Sample licensor for the syndicheck demo. Feed: <a href=\"/feed.xml\">"
        "/feed.xml</a></p><ul>" + "".join(items) + "</ul></body></html>\n", modified=newest)
    return Site(LICENSOR, LICENSOR_IP, "Daily Caller News Foundation (demo licensor)", "licensor", routes)


def _partner_site(spec: PartnerSpec, pages: list[Page], today: date, night: int) -> Site:
    routes: dict[str, Route] = {}
    base = B(spec.id)
    layout = _LAYOUTS[spec.layout]
    stories = [p for p in pages if p.article and (p.original or p.own) and p.http_status == 200
               and not p.moved_to and not p.path.startswith("/private/") and p.listed != "none"]
    baseline = [p for p in stories if 1 in p.nights and not p.night2]  # stable: sidebars never change between nights
    entries: list[tuple[Page, Story, datetime, str]] = []
    for p in pages:
        published = _published(today, p, night)
        modified = _modified(today, p, night)
        if p.moved_to:
            routes[p.path] = Route(301, b"", headers=(("Location", base + p.moved_to),))
            continue
        if p.http_status != 200:
            routes[p.path] = Route(p.http_status, _ERROR_500.encode(), headers=(("Cache-Control", "no-store"),))
            continue
        if not p.article:
            continue  # home and about pages: below
        story = _story(p)
        related = tuple((_story(o).title, o.path, _teaser_credit(o)) for o in baseline if o.path != p.path)[:4]
        if spec.layout == "newspaper" and p.original == "O1":
            # The reporter's name appears only in a teaser for another story: not this article's byline.
            related = (("Offshore Wind Auction Draws Few Bidders As Costs Climb",
                        "/news/national/offshore-wind-auction-draws-few-bidders/article_0a7d6be41c22.html",
                        "By Margaret Ellison, Daily Caller News Foundation"),) + related[:3]
        ctx = _Ctx(spec, p, story, base + p.path, published, related)
        body = layout(ctx)
        validators = spec.validators
        headers: tuple = ()
        if not validators:
            headers = (("Cache-Control", "private, no-cache"),)
        routes[p.path] = _route(body, HTML_TYPE if spec.layout != "static" else "text/html", modified=modified,
                                validators=validators, headers=headers)
        if p in stories:
            entries.append((p, story, published, base + p.path))
    entries.sort(key=lambda e: e[2], reverse=True)

    # -- discovery sources
    lm = ("etag", "last-modified")
    if spec.id == "heartland-ledger":
        routes["/feed/"] = _route(_rss(spec, spec.name, entries, utm=True), RSS_TYPE, modified=_latest(entries),
                                  validators=lm)
    elif spec.id == "liberty-monthly":
        feed_entries = [e for e in entries if e[0].listed == "feed"]
        routes["/rss.xml"] = _route(_rss(spec, spec.name, feed_entries, utm=False), RSS_TYPE,
                                    modified=_latest(feed_entries), validators=lm)
    elif spec.id == "valley-courier":
        listed = [(base + p.path, _story_title(p), _published(today, p, night)) for p in pages
                  if p.listed == "sitemap"]
        routes["/news-sitemap.xml"] = _route(_news_sitemap(listed), XML_TYPE, modified=max(e[2] for e in listed),
                                             validators=("last-modified",))
    elif spec.id == "civic-review":
        news = [(base + p.path, _modified(today, p, night)) for p in pages
                if p.listed == "sitemap" and p.path.startswith("/news/")]
        opinion = [(base + p.path, _modified(today, p, night)) for p in pages
                   if p.listed == "sitemap" and p.path.startswith("/opinion/")]
        news_xml = _urlset(news)
        routes["/sitemaps/news-1.xml.gz"] = _route(news_xml, "application/x-gzip", modified=max(m for _, m in news),
                                                   gz=True)
        routes["/sitemaps/opinion-1.xml"] = _route(_urlset(opinion), XML_TYPE, modified=max(m for _, m in opinion))
        routes["/sitemap.xml"] = _route(_sitemap_index([
            (base + "/sitemaps/news-1.xml.gz", max(m for _, m in news)),
            (base + "/sitemaps/opinion-1.xml", max(m for _, m in opinion)),
        ]), XML_TYPE, modified=max(m for _, m in news + opinion))
    elif spec.id == "prairie-post":
        listed_lm = [(base + p.path, _modified(today, p, night)) for p in pages if p.listed == "sitemap"]
        routes["/sitemap.xml"] = _route(_urlset(listed_lm), XML_TYPE, modified=max(m for _, m in listed_lm),
                                        validators=("last-modified",))
    robots = _ROBOTS[spec.id].format(base=base, delay=CRAWL_DELAY)
    routes["/robots.txt"] = _route(robots, "text/plain; charset=utf-8", modified=_at(today, 200))

    # -- home page (the magazine's is its start page), about page
    links = "\n".join(f'<li><a href="{e[0].path}">{esc(e[1].title)}</a> <span class="teaser-dek">{esc(e[1].dek)}'
                      f'</span></li>' for e in entries)
    home = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{esc(spec.name)}</title>
<link rel="canonical" href="{base}/"></head>
<body class="home">
<header><h1>{esc(spec.name)}</h1></header>
<main><h2>Latest</h2>
<ul class="latest">
{links}
</ul></main>
<footer><p><a href="/about/">About us</a> &middot; <a href="mailto:{spec.contacts[0]}">Contact</a> &middot;
<a href="https://dailycallernewsfoundation.org/">Our newswire partner</a></p></footer>
</body></html>
"""
    routes["/"] = _route(home, HTML_TYPE, modified=_latest(entries), validators=spec.validators or ())
    about = (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>About {esc(spec.name)}</title>"
             f"</head><body><main><h1>About {esc(spec.name)}</h1><p>{esc(spec.name)} is an independent publication "
             "serving its readers since long before the internet. We publish our own reporting and selected "
             "stories from newswire partners, always credited.</p><p>Write to us at "
             f"{esc(spec.contacts[0])}.</p></main></body></html>\n")
    routes["/about/"] = _route(about, HTML_TYPE, modified=_at(today, 90), validators=spec.validators or ())

    # -- images
    old = _at(today, 300)
    png = "image/png"
    if spec.layout == "wordpress":
        routes["/wp-content/uploads/dcnf-logo.png"] = _route(_png("dcnf", 180, 60), png, modified=old)
        routes["/wp-content/uploads/2024/11/DCNF-Logo-300x100.png"] = _route(_png("dcnf", 300, 100), png, modified=old)
        routes["/wp-content/uploads/daily-caller-logo.png"] = _route(_png("dailycaller", 180, 60), png, modified=old)
        for p in pages:
            if p.article and (p.original or p.own):
                key = _story(p).key.lower()
                routes[f"/wp-content/uploads/stock/{key}-800x450.png"] = _route(
                    _png("photo", 160, 90, _photo_seed(key)), png, modified=old)
    elif spec.layout == "newspaper":
        routes["/static/logos/dcnf-logo.png"] = _route(_png("dcnf", 150, 50), png, modified=old)
        routes["/static/logos/dcnf-logo@2x.png"] = _route(_png("dcnf", 300, 100), png, modified=old)
        for p in pages:
            if p.article and (p.original or p.own):
                key = _story(p).key.lower()
                routes[f"/static/photos/{key}.png"] = _route(_png("photo", 160, 90, _photo_seed(key)), png,
                                                             modified=old)
        for i in range(4):
            routes[f"/static/photos/rail-{i}.png"] = _route(_png("photo", 80, 45, 100 + i), png, modified=old)
    elif spec.layout == "drupal":
        routes["/sites/default/files/partners/dcnf_logo.png"] = _route(_png("dcnf", 120, 40), png, modified=old)
    elif spec.layout == "magazine":
        routes["/assets/partners/dcnf-logo@2x.png"] = _route(_png("dcnf", 240, 80), png, modified=old)
        for p in pages:
            if p.article and (p.original or p.own):
                key = _story(p).key.lower()
                routes[f"/assets/images/{key}-hero.png"] = _route(_png("photo", 160, 90, _photo_seed(key)), png,
                                                                  modified=old)
    elif spec.layout == "static":
        routes["/img/dcnf.png"] = _route(_png("dcnf", 120, 40), png, modified=old)
    return Site(spec.id, spec.ip, spec.name, "partner", routes)


def _latest(entries: list) -> datetime:
    return max(e[2] for e in entries)


def _story_title(p: Page) -> str:
    return _story(p).title if (p.original or p.own) else "Water Rates Hearing Draws Crowd At City Hall"


def _teaser_credit(p: Page) -> str:
    s = _story(p)
    return "By " + " and ".join(s.authors) if p.own else "Daily Caller News Foundation"


# ================================================================================================ verdicts


def expected_verdicts(night: int = 1, url_for: Callable[[str], str] = B, *,
                      today: Optional[date] = None) -> dict[str, dict]:
    """For every partner URL the audit discovers on `night`: the verdict it must reach.

    Keys are the URLs as discovery yields them after normalisation (tracking parameters stripped);
    `url_for(site_name)` gives a site's base URL (the server's `url_for`); by default keys keep the
    {{BASE:name}} placeholder. Each value:
      partner, path, status (compliant | violation | not-a-copy | error), rules (failing rule ids, sorted),
      kind (what the page demonstrates), original (licensor URL or None), waived (rules an active waiver
      covers), final_url (after a redirect, else None), article (False for the about page),
      discovered_by (feed | sitemap | urls | start-page), change (night 2: new | fixed | unchanged; night 1:
      None), validators (what the response carries: etag, weak-etag, last-modified), note.
    """
    today = demo_today(today)
    origs = original_urls(url_for, today)
    all_pages = _pages(today)
    out: dict[str, dict] = {}
    for page in _night_pages(today, night):
        if page.listed == "none":
            continue  # reachable only through a redirect: reported under the redirecting URL
        spec = PARTNER_BY_ID[page.site]
        base = url_for(page.site)
        shown = page
        if page.moved_to:
            shown = next(_for_night(p, night) for p in all_pages if p.site == page.site and p.path == page.moved_to
                         and p.listed == "none")
        if page.night2 and night == 2:
            change = "fixed"
        elif night == 2 and 1 not in page.nights:
            change = "new"
        else:
            change = "unchanged" if night == 2 else None
        validators: list[str] = []
        if page.http_status == 200 and not page.moved_to and not page.path.startswith("/private/"):
            validators = list(spec.validators)
        out[base + page.path] = {
            "partner": page.site,
            "path": page.path,
            "status": shown.status,
            "rules": sorted(shown.rules),
            "kind": page.kind,
            "original": origs[page.original] if page.original and page.status != "error" else None,
            "waived": list(page.waived),
            "final_url": base + page.moved_to if page.moved_to else None,
            "article": page.article,
            "discovered_by": page.listed,
            "change": change,
            "validators": validators,
            "note": page.note,
        }
    return out


# ================================================================================================ audit config


def _bases(sites: Sequence[Site], url_for: Optional[Callable[[str], str]]) -> Callable[[str], str]:
    if url_for is not None:
        return url_for
    by_name = {s.name: s for s in sites}
    return lambda name: by_name[name].base_url


def demo_config(sites: Sequence[Site], workdir: Path, url_for: Optional[Callable[[str], str]] = None,
                *, today: Optional[date] = None) -> AuditConfig:
    """The demo's audit configuration (the same as `demo_config_yaml`, which is what a user would write).

    `sites` must have ports (DemoServers.sites), or pass the server's `url_for`. Paths live under
    `workdir`: syndicheck.db, reports/, outbox/ (dry-run notifications); `source` is workdir/audit.yaml.
    """
    today = demo_today(today)
    base = _bases(sites, url_for)
    workdir = Path(workdir)
    partners = []
    explicit = {p.site: [] for p in _pages(today)}
    for p in _pages(today):
        if p.listed == "urls":
            explicit[p.site].append(p.path)
    civic = base("civic-review")
    overrides = {"valley-courier": HostCrawl(timeout=5.0), "liberty-monthly": HostCrawl(max_pages=50)}
    for spec in PARTNERS:
        b = base(spec.id)
        partners.append(PartnerConfig(
            id=spec.id, name=spec.name, contacts=spec.contacts,
            feeds=tuple(b + f for f in spec.feeds), sitemaps=tuple(b + s for s in spec.sitemaps),
            urls=tuple(b + u for u in explicit.get(spec.id, [])),
            start_pages=tuple(b + s for s in spec.start_pages),
            crawl=overrides.get(spec.id, HostCrawl())))
    waivers = (
        WaiverConfig(partner="civic-review", url=civic + "/opinion/*", rule="logo",
                     reason="The opinion template cannot show partner logos until the CMS upgrade; "
                            "agreed with the editor-in-chief, who credits the DCNF in the byline meanwhile.",
                     owner="licensing@dcnf.example", expires=(today + timedelta(days=60)).isoformat()),
        WaiverConfig(partner="civic-review", url=civic + "/news/*", rule="byline",
                     reason="Byline field was broken during the Drupal 10 migration.",
                     owner="licensing@dcnf.example", expires=(today - timedelta(days=30)).isoformat()),
    )
    crawl = CrawlSettings(
        user_agent=None, concurrency=16, delay=0.2, host_concurrency=1, connect_timeout=2.0, timeout=5.0,
        deadline=10.0, max_bytes=5 * 1024 * 1024, max_redirects=5, retries=1, retry_after_cap=5.0,
        max_pages_per_partner=200, obey_robots=True, allow_private_addresses=True,
        # keyed like the crawler's politeness unit: host, plus :port when it is not the default
        hosts=((civic.split("://", 1)[1], HostCrawl(delay=0.3)),))
    config = AuditConfig(
        source=str(workdir / "audit.yaml"), license="dcnf",
        originals=OriginalsConfig(feeds=(base(LICENSOR) + "/feed.xml",), window_days=14),
        partners=tuple(partners), crawl=crawl, waivers=waivers,
        database=str(workdir / "syndicheck.db"), reports_dir=str(workdir / "reports"),
        report_formats=("html", "json", "csv", "digest"), history_runs=30,
        notifications=NotificationsConfig(
            enabled=True, dry_run_dir=str(workdir / "outbox"),
            email=EmailConfig(smtp_host="localhost", smtp_port=2525, sender="syndicheck@dcnf.example",
                              licensing_team=("licensing@dcnf.example",)),
            webhook=WebhookConfig(url=base(LICENSOR) + "/hooks/syndicheck", timeout=5.0)),
        executor="local", scheduler=None)
    lines = _waiver_lines(_yaml_text(config))
    return replace(config, waivers=tuple(replace(w, line=n) for w, n in zip(config.waivers, lines)))


def demo_config_yaml(sites: Sequence[Site], workdir: Path, url_for: Optional[Callable[[str], str]] = None,
                     *, today: Optional[date] = None) -> str:
    """`demo_config` as audit.yaml text, with comments, for the user to read (and for `--config`)."""
    return _yaml_text(demo_config(sites, workdir, url_for, today=today))


def write_demo_config(sites: Sequence[Site], workdir: Path, url_for: Optional[Callable[[str], str]] = None,
                      *, today: Optional[date] = None) -> Path:
    """Write workdir/audit.yaml and return its path."""
    path = Path(workdir) / "audit.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(demo_config_yaml(sites, workdir, url_for, today=today), encoding="utf-8")
    return path


def _q(value: object) -> str:
    """A YAML scalar: JSON is valid YAML for strings, numbers, booleans."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _list(items: Sequence[object]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _host_crawl(hc: HostCrawl) -> str:
    parts = [f"{k}: {_q(getattr(hc, k))}" for k in ("delay", "concurrency", "timeout", "max_pages")
             if getattr(hc, k) is not None]
    return "{" + ", ".join(parts) + "}"


def _yaml_text(c: AuditConfig) -> str:
    o, cr, n = c.originals, c.crawl, c.notifications
    out = [
        "# syndicheck demo audit: the licensor and five partner sites served on loopback by `syndicheck demo`.",
        "# Every URL points at the demo servers; ports are chosen when they start.",
        f"license: {_q(c.license)}",
        "",
        "originals:                      # the licensor's recent stories, the copies we look for",
        f"  feeds: {_list(o.feeds)}",
        f"  sitemaps: {_list(o.sitemaps)}",
        f"  manifests: {_list(o.manifests)}",
        f"  window_days: {o.window_days}                # originals published in the last two weeks",
        "",
        "partners:",
    ]
    for p in c.partners:
        out += [
            f"  - id: {_q(p.id)}",
            f"    name: {_q(p.name)}",
            f"    contacts: {_list(p.contacts)}",
            f"    feeds: {_list(p.feeds)}",
            f"    sitemaps: {_list(p.sitemaps)}",
            f"    urls: {_list(p.urls)}",
            f"    start_pages: {_list(p.start_pages)}",
        ]
        if p.crawl != HostCrawl():
            out.append(f"    crawl: {_host_crawl(p.crawl)}")
    out += [
        "",
        "crawl:                          # politeness: robots.txt and its Crawl-delay always win when stricter",
    ]
    if cr.user_agent:
        out.append(f"  user_agent: {_q(cr.user_agent)}")
    for key in ("concurrency", "delay", "host_concurrency", "connect_timeout", "timeout", "deadline", "max_bytes",
                "max_redirects", "retries", "retry_after_cap", "max_pages_per_partner", "obey_robots",
                "allow_private_addresses"):
        comment = {"delay": "                       # seconds between requests to one host",
                   "allow_private_addresses": "     # the demo sites live on 127.0.0.x"}.get(key, "")
        out.append(f"  {key}: {_q(getattr(cr, key))}{comment}")
    if cr.hosts:
        out.append("  hosts:")
        for host, hc in cr.hosts:
            out.append(f"    {_q(host)}: {_host_crawl(hc)}")
    out += ["", "waivers:                        # agreed exceptions: reason, owner, expiry"]
    for w in c.waivers:
        out += [
            f"  - partner: {_q(w.partner)}",
            f"    url: {_q(w.url)}",
            f"    rule: {_q(w.rule)}",
            f"    reason: {_q(w.reason)}",
            f"    owner: {_q(w.owner)}",
            f"    expires: {_q(w.expires)}",
        ]
    out += [
        "",
        "storage:",
        f"  database: {_q(c.database)}",
        "",
        "reports:",
        f"  directory: {_q(c.reports_dir)}",
        f"  formats: {_list(c.report_formats)}",
        f"  history_runs: {c.history_runs}",
        "",
        "notifications:                  # dry run: messages are written to files, nothing is sent",
        f"  enabled: {_q(n.enabled)}",
    ]
    if n.dry_run_dir:
        out.append(f"  dry_run_dir: {_q(n.dry_run_dir)}")
    if n.email:
        e = n.email
        out += ["  email:", f"    smtp_host: {_q(e.smtp_host)}", f"    smtp_port: {e.smtp_port}",
                f"    starttls: {_q(e.starttls)}", f"    sender: {_q(e.sender)}",
                f"    licensing_team: {_list(e.licensing_team)}"]
        if e.username:
            out.append(f"    username: {_q(e.username)}")
        if e.password_env:
            out.append(f"    password_env: {_q(e.password_env)}")
    if n.webhook:
        out += ["  webhook:", f"    url: {_q(n.webhook.url)}", f"    timeout: {_q(n.webhook.timeout)}"]
        if n.webhook.secret_env:
            out.append(f"    secret_env: {_q(n.webhook.secret_env)}")
    out += ["", "executor:", f"  kind: {_q(c.executor)}"]
    if c.scheduler:
        out.append(f"  scheduler: {_q(c.scheduler)}")
    return "\n".join(out) + "\n"


def _waiver_lines(text: str) -> list[int]:
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("waivers:"))
    return [i + 1 for i, ln in enumerate(lines) if i > start and ln.startswith("  - partner:")]
