"""The demo's sample sites, built in memory: a DCNF-like licensor and five partner publishers.

The sites are templates plus data: page markup in `templates/` (Jinja), the partners and every partner
page with the verdict it must reach in `data/partners.yaml` and `data/pages.yaml`, the stories' words in
`content.py`. This module turns them into routes (path -> status, body, validators) for `server.py`.

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
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Callable, Optional, Sequence

from .audit_yaml import demo_config, demo_config_yaml, write_demo_config  # re-exported: the demo's public API
from .clock import at, demo_today, http_date, original_path, original_time
from .content import Story
from .images import photo_seed, png
from .markup import base_placeholder, paras, raw, render
from .pages import (
    LICENSOR, LICENSORS, PARTNER_BY_ID, PARTNERS, LicensorSpec, Page, PartnerSpec, all_pages, for_night, modified, night_pages, page_story,
    published,
)

__all__ = [
    "Route", "Site", "LICENSOR", "PARTNERS", "CRAWL_DELAY", "base_placeholder", "build_sites",
    "expected_verdicts", "demo_config", "demo_config_yaml", "write_demo_config", "demo_today",
    "original_urls",
]

CRAWL_DELAY = 2  # robots.txt Crawl-delay of the smallest site (prairie-post); keeps the demo under a minute
HTML_TYPE = "text/html; charset=utf-8"
XML_TYPE = "application/xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"
TEXT_TYPE = "text/plain; charset=utf-8"
PNG_TYPE = "image/png"

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
    lm = http_date(modified) if modified is not None and "last-modified" in validators else None
    return Route(status=status, body=data, content_type=content_type, headers=tuple(headers), etag=etag,
                 last_modified=lm, gzip=gz)


def original_urls(url_for: Callable[[str], str] = B, today: Optional[date] = None) -> dict[str, str]:
    """Original's key (every licensor's) -> the licensor article's URL."""
    today = demo_today(today)
    return {s.key: url_for(lic.id) + original_path(today, s) for lic in LICENSORS for s in lic.stories}


# ================================================================================================ building


def build_sites(night: int = 1, *, today: Optional[date] = None) -> list[Site]:
    """The sites as they are on `night` (1 or 2): the first licensor, the partners, the other licensors
    (data/licensors.yaml, data/partners.yaml: addresses in that order); ports unset (0)."""
    today = demo_today(today)
    pages = night_pages(today, night)
    return ([_licensor_site(LICENSORS[0], today)]
            + [_partner_site(spec, [p for p in pages if p.site == spec.id], today, night) for spec in PARTNERS]
            + [_licensor_site(lic, today) for lic in LICENSORS[1:]])


def _licensor_site(lic: LicensorSpec, today: date) -> Site:
    old = at(today, 400)
    by_time = sorted(lic.stories, key=lambda s: original_time(today, s), reverse=True)
    newest = original_time(today, by_time[0])
    feed_items = [{"story": s, "url": B(lic.id) + original_path(today, s), "published": original_time(today, s),
                   "post_id": 81200 + lic.stories.index(s) * 37} for s in by_time]
    routes: dict[str, Route] = {
        "/feed.xml": _route(render("licensor_feed.xml.j2", licensor=lic, base=B(lic.id), newest=newest,
                                   items=feed_items), RSS_TYPE, modified=newest),
        "/feed/": Route(301, b"", headers=(("Location", B(lic.id) + "/feed.xml"),)),
        "/robots.txt": _route("User-agent: *\nDisallow: /wp-admin/\n", TEXT_TYPE, modified=old),
    }
    if lic.logo:
        routes[lic.logo] = _route(png(lic.id, 240, 80), PNG_TYPE, modified=old)
    if lic.id == LICENSOR:
        routes["/hooks/syndicheck"] = Route(204, b"", content_type="text/plain")  # POST sink for webhook notifications
    items = []
    for s in lic.stories:
        path, when = original_path(today, s), original_time(today, s)
        page = render("licensor_article.html.j2", licensor=lic, base=B(lic.id), s=s, path=path, when=when)
        routes[path] = _route(page, modified=when + timedelta(minutes=5))
        items.append({"path": path, "story": s})
    routes["/"] = _route(render("licensor_home.html.j2", licensor=lic, items=items), modified=newest)
    return Site(lic.id, lic.ip, lic.title, "licensor", routes)


@dataclass(frozen=True)
class _Ctx:
    """What a layout template needs besides the page and its story."""

    site: PartnerSpec
    url: str  # absolute (with placeholder)
    published: datetime
    related: tuple[tuple[str, str, str], ...]  # (title, path, credit) of other stories on the site
    number: int  # the CMS's post/node number, derived from the path


@dataclass(frozen=True)
class _Entry:
    """A story page as feeds, sitemaps and the home page list it."""

    page: Page
    story: Story
    published: datetime
    url: str

    @property
    def path(self) -> str:
        return self.page.path

    @property
    def creator(self) -> str:
        """The dc:creator a partner's CMS puts in its feed for a copy: its newswire account, or the reporters."""
        return "Staff" if "Staff" in self.page.kind else " and ".join(self.story.authors)


def _listed_story(p: Page) -> bool:
    """A story page the site itself lists (feeds, sitemaps, home page, sidebars)."""
    return (p.article and bool(p.original or p.own) and p.http_status == 200 and not p.moved_to
            and not p.path.startswith("/private/") and p.listed != "none")


def _related(spec: PartnerSpec, page: Page, baseline: list[Page]) -> tuple[tuple[str, str, str], ...]:
    """The sidebar's other stories: (title, path, credit)."""
    related = tuple((page_story(o).title, o.path, _teaser_credit(o)) for o in baseline if o.path != page.path)[:4]
    if spec.layout == "newspaper" and page.original == "O1":
        # The reporter's name appears only in a teaser for another story: not this article's byline.
        related = (("Offshore Wind Auction Draws Few Bidders As Costs Climb",
                    "/news/national/offshore-wind-auction-draws-few-bidders/article_0a7d6be41c22.html",
                    "By Margaret Ellison, Daily Caller News Foundation"),) + related[:3]
    return related


def _teaser_credit(p: Page) -> str:
    return "By " + " and ".join(page_story(p).authors) if p.own else "Daily Caller News Foundation"


def _article(spec: PartnerSpec, page: Page, published_at: datetime, related) -> str:
    """A partner's article page in its layout."""
    story = page_story(page)
    paragraphs = page.paragraphs if page.paragraphs is not None else story.paragraphs
    body = "\n".join(x for x in (page.lead, paras(paragraphs), page.after) if x)
    number = int(hashlib.md5(page.path.encode()).hexdigest()[:4], 16)
    ctx = _Ctx(spec, B(spec.id) + page.path, published_at, related, number)
    return render(f"layout_{spec.layout}.html.j2", ctx=ctx, s=story, p=page, body=body, paragraphs=paragraphs)


def _page_routes(spec: PartnerSpec, pages: list[Page], today: date, night: int) -> tuple[dict, list[_Entry]]:
    """Each page's route (article, redirect or error) and the listed stories, newest first."""
    routes: dict[str, Route] = {}
    entries: list[_Entry] = []
    baseline = [p for p in pages if _listed_story(p) and 1 in p.nights and not p.night2]  # sidebars never change
    headers = () if spec.validators else (("Cache-Control", "private, no-cache"),)
    content_type = HTML_TYPE if spec.layout != "static" else "text/html"
    for p in pages:
        if p.moved_to:
            routes[p.path] = Route(301, b"", headers=(("Location", B(spec.id) + p.moved_to),))
        elif p.http_status != 200:
            routes[p.path] = Route(p.http_status, raw("error_500.html").encode(),
                                   headers=(("Cache-Control", "no-store"),))
        elif p.article:  # the about page is added with the home page
            when = published(today, p)
            body = _article(spec, p, when, _related(spec, p, baseline))
            routes[p.path] = _route(body, content_type, modified=modified(today, p, night),
                                    validators=spec.validators, headers=headers)
            if _listed_story(p):
                entries.append(_Entry(p, page_story(p), when, B(spec.id) + p.path))
    entries.sort(key=lambda e: e.published, reverse=True)
    return routes, entries


# ---------------------------------------------------------------------------------- discovery sources

_FEED_VALIDATORS = ("etag", "last-modified")


def _feed(spec: PartnerSpec, entries: list[_Entry]) -> dict[str, Route]:
    text = render("partner_feed.xml.j2", base=B(spec.id), feed_path=spec.feeds[0], title=spec.name,
                  newest=entries[0].published, items=entries, utm=spec.utm)
    return {spec.feeds[0]: _route(text, RSS_TYPE, modified=entries[0].published, validators=_FEED_VALIDATORS)}


def _feed_listed(spec: PartnerSpec, entries: list[_Entry]) -> dict[str, Route]:
    """A feed of the pages listed as "feed" only (the others are found through the start page)."""
    return _feed(spec, [e for e in entries if e.page.listed == "feed"])


def _news_sitemap(spec: PartnerSpec, pages: list[Page], today: date) -> dict[str, Route]:
    listed = [(B(spec.id) + p.path, _story_title(p), published(today, p)) for p in pages if p.listed == "sitemap"]
    text = render("news_sitemap.xml.j2", entries=listed, publication=spec.name)
    return {spec.sitemaps[0]: _route(text, XML_TYPE, modified=max(e[2] for e in listed),
                                     validators=("last-modified",))}


def _sitemap_index(spec: PartnerSpec, pages: list[Page], today: date, night: int) -> dict[str, Route]:
    """An index of a gzipped child for /news/ and a plain one for /opinion/."""
    def section(prefix: str) -> list[tuple[str, datetime]]:
        return [(B(spec.id) + p.path, modified(today, p, night)) for p in pages
                if p.listed == "sitemap" and p.path.startswith(prefix)]

    news, opinion = section("/news/"), section("/opinion/")
    news_at, opinion_at = max(m for _, m in news), max(m for _, m in opinion)
    children = [(B(spec.id) + "/sitemaps/news-1.xml.gz", news_at), (B(spec.id) + "/sitemaps/opinion-1.xml", opinion_at)]
    return {
        "/sitemaps/news-1.xml.gz": _route(render("urlset.xml.j2", entries=news), "application/x-gzip",
                                          modified=news_at, gz=True),
        "/sitemaps/opinion-1.xml": _route(render("urlset.xml.j2", entries=opinion), XML_TYPE, modified=opinion_at),
        spec.sitemaps[0]: _route(render("sitemap_index.xml.j2", children=children), XML_TYPE,
                                 modified=max(news_at, opinion_at)),
    }


def _sitemap(spec: PartnerSpec, pages: list[Page], today: date, night: int) -> dict[str, Route]:
    listed = [(B(spec.id) + p.path, modified(today, p, night)) for p in pages if p.listed == "sitemap"]
    return {spec.sitemaps[0]: _route(render("urlset.xml.j2", entries=listed), XML_TYPE,
                                     modified=max(m for _, m in listed), validators=("last-modified",))}


def _discovery_routes(spec: PartnerSpec, pages: list[Page], entries: list[_Entry], today: date,
                      night: int) -> dict[str, Route]:
    """The feed or sitemaps through which the audit finds the partner's pages (partners.yaml: discovery)."""
    if spec.discovery == "feed":
        return _feed(spec, entries)
    if spec.discovery == "feed-listed":
        return _feed_listed(spec, entries)
    if spec.discovery == "news-sitemap":
        return _news_sitemap(spec, pages, today)
    if spec.discovery == "sitemap-index":
        return _sitemap_index(spec, pages, today, night)
    if spec.discovery == "sitemap":
        return _sitemap(spec, pages, today, night)
    raise ValueError(f"data/partners.yaml, {spec.id}: unknown discovery kind {spec.discovery!r}")


def _story_title(p: Page) -> str:
    return page_story(p).title if (p.original or p.own) else "Water Rates Hearing Draws Crowd At City Hall"


# ---------------------------------------------------------------------------------- the rest of a site


def _site_pages(spec: PartnerSpec, entries: list[_Entry], today: date) -> dict[str, Route]:
    """robots.txt, the home page (the magazine's start page) and the about page."""
    validators = spec.validators or ()
    robots = spec.robots.format(base=B(spec.id), delay=CRAWL_DELAY)
    return {
        "/robots.txt": _route(robots, TEXT_TYPE, modified=at(today, 200)),
        "/": _route(render("partner_home.html.j2", spec=spec, base=B(spec.id), items=entries), HTML_TYPE,
                    modified=max(e.published for e in entries), validators=validators),
        "/about/": _route(render("partner_about.html.j2", spec=spec), HTML_TYPE, modified=at(today, 90),
                          validators=validators),
    }


def _image_routes(spec: PartnerSpec, pages: list[Page], today: date) -> dict[str, Route]:
    """Logos (partners.yaml: images), each story's photo and the rail's thumbnails."""
    old = at(today, 300)
    routes = {path: _route(png(kind, w, h), PNG_TYPE, modified=old) for path, kind, w, h in spec.images}
    if spec.photos:
        for p in pages:
            if p.article and (p.original or p.own):
                key = page_story(p).key.lower()
                routes[spec.photos.format(key=key)] = _route(png("photo", 160, 90, photo_seed(key)), PNG_TYPE,
                                                             modified=old)
    for i in range(spec.rail_photos):
        routes[f"/static/photos/rail-{i}.png"] = _route(png("photo", 80, 45, 100 + i), PNG_TYPE, modified=old)
    return routes


def _partner_site(spec: PartnerSpec, pages: list[Page], today: date, night: int) -> Site:
    routes, entries = _page_routes(spec, pages, today, night)
    routes.update(_discovery_routes(spec, pages, entries, today, night))
    routes.update(_site_pages(spec, entries, today))
    routes.update(_image_routes(spec, pages, today))
    return Site(spec.id, spec.ip, spec.name, "partner", routes)


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
    every_page = all_pages(today)
    out: dict[str, dict] = {}
    for page in night_pages(today, night):
        if page.listed == "none":
            continue  # reachable only through a redirect: reported under the redirecting URL
        spec = PARTNER_BY_ID[page.site]
        base = url_for(page.site)
        shown = page
        if page.moved_to:
            shown = next(for_night(p, night) for p in every_page if p.site == page.site and p.path == page.moved_to
                         and p.listed == "none")
        change: Optional[str]
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
