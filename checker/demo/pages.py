"""The demo's partners and pages, loaded from data/partners.yaml and data/pages.yaml.

Each Page carries the verdict the audit must reach on it; its strings are rendered with the layouts'
fragment macros (templates/fragments.j2) and the path helpers below for the demo's "today".
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any, Optional

import yaml

from .clock import at, original_path, original_time
from . import content
from .content import BY_KEY, OWN, Story
from .markup import base_placeholder, render_text


@dataclass(frozen=True)
class LicensorSpec:
    """A licensor whose originals the partners republish (data/licensors.yaml)."""

    id: str
    ip: str
    name: str
    title: str
    description: str  # its feed's <description>
    address: str
    stories: tuple[Story, ...]
    license: Optional[str]  # the pack judging copies of its originals; None: the audit's license
    notice: bool  # its feed and pages end with the license notice (content.NOTICE)
    logo: Optional[str]  # path of its logo on its site


@dataclass(frozen=True)
class PartnerSpec:
    id: str
    ip: str
    name: str
    layout: str  # templates/layout_<layout>.html.j2
    contacts: tuple[str, ...]
    feeds: tuple[str, ...] = ()  # paths
    sitemaps: tuple[str, ...] = ()
    start_pages: tuple[str, ...] = ()
    validators: tuple[str, ...] = ("etag", "last-modified")  # what article pages carry ("weak-etag" too)
    discovery: str = "feed"  # feed | feed-listed | news-sitemap | sitemap-index | sitemap (data/partners.yaml)
    utm: bool = False  # feed links carry utm_* tracking parameters
    images: tuple[tuple[str, str, int, int], ...] = ()  # (path, kind, width, height)
    photos: Optional[str] = None  # path of each story's photo, {key}: the story key in lower case
    rail_photos: int = 0
    robots: str = ""  # robots.txt; {base} and {delay} filled in


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


_TUPLES = {"contacts", "feeds", "sitemaps", "start_pages", "validators", "rules", "nights", "waived", "paragraphs"}


def _data(name: str) -> Any:
    return yaml.safe_load(resources.files("checker.demo").joinpath("data").joinpath(name).read_text(encoding="utf-8"))


def _partner(entry: dict) -> PartnerSpec:
    values: dict[str, Any] = {k: tuple(v) if k in _TUPLES else v for k, v in entry.items()
                              if k not in ("discovery", "images")}
    discovery = entry.get("discovery", {})
    return PartnerSpec(**values, discovery=discovery.get("kind", "feed"), utm=bool(discovery.get("utm")),
                       images=tuple(tuple(i) for i in entry.get("images", ())))


PARTNERS: tuple[PartnerSpec, ...] = tuple(_partner(e) for e in _data("partners.yaml"))
LICENSORS: tuple[LicensorSpec, ...] = tuple(
    LicensorSpec(**{**e, "stories": getattr(content, e["stories"])}) for e in _data("licensors.yaml"))
LICENSOR = LICENSORS[0].id  # the first licensor, judged by the audit's `license` (the default pack)
LICENSOR_IP = LICENSORS[0].ip


def licensor_of(story: Story) -> LicensorSpec:
    """The licensor that published an original."""
    return next(lic for lic in LICENSORS if story in lic.stories)
PARTNER_BY_ID = {p.id: p for p in PARTNERS}


def story_of(key: str) -> Story:
    """An original (O1..O8) or a partner's own story."""
    return BY_KEY[key] if key in BY_KEY else OWN[key]


def _path_helpers(today: date) -> dict[str, Any]:
    """Each partner's URL scheme, for page data: wp(key), courier(key, section), static(key); original(key)
    the licensor's URL of an original; slug(key), title(key)."""
    def wp(key: str, slug: Optional[str] = None) -> str:
        s = story_of(key)
        t = original_time(today, s) + timedelta(days=0.25) if key in BY_KEY else at(today, s.days_ago, 8.5)
        return f"/{t:%Y/%m/%d}/{slug or s.slug}/"

    def courier(key: str, section: str = "national") -> str:
        s = story_of(key)
        return f"/news/{section}/{s.slug}/article_{hashlib.md5(s.slug.encode()).hexdigest()[:12]}.html"

    def static(key: str) -> str:
        s = story_of(key)
        t = original_time(today, s) if key in BY_KEY else at(today, s.days_ago)
        return f"/stories/{t:%Y}/{s.slug}.html"

    def original(key: str) -> str:
        s = story_of(key)
        return base_placeholder(licensor_of(s).id) + original_path(today, s)

    return {"wp": wp, "courier": courier, "static": static, "original": original,
            "slug": lambda key: story_of(key).slug, "title": lambda key: story_of(key).title}


_PAGE_FIELDS = {f.name for f in fields(Page)}


def _values(entry: dict, helpers: dict[str, Any], where: str) -> dict[str, Any]:
    unknown = set(entry) - _PAGE_FIELDS
    if unknown:
        raise ValueError(f"data/pages.yaml, {where}: unknown keys {sorted(unknown)}")
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if isinstance(value, str):
            value = render_text(value, **helpers)
        elif key in _TUPLES:
            value = tuple(value)
        elif key == "night2":
            value = _values(value, helpers, where + " night2")
        out[key] = value
    return out


@lru_cache(maxsize=8)
def all_pages(today: date) -> tuple[Page, ...]:
    """Every partner page of both nights (Page.nights says which)."""
    helpers = _path_helpers(today)
    return tuple(Page(**_values(e, helpers, f"page {n + 1}")) for n, e in enumerate(_data("pages.yaml")))


def for_night(page: Page, night: int) -> Page:
    if night == 2 and page.night2:
        return replace(page, **page.night2)
    return page


def night_pages(today: date, night: int) -> list[Page]:
    if night not in (1, 2):
        raise ValueError(f"night must be 1 or 2, not {night!r}")
    return [for_night(p, night) for p in all_pages(today) if night in p.nights]


def page_story(page: Page) -> Story:
    if page.original:
        return BY_KEY[page.original]
    if page.own:
        return OWN[page.own]
    raise ValueError(f"{page.site}{page.path}: no story")


def copy_time(today: date, page: Page) -> datetime:
    if page.original:
        return original_time(today, BY_KEY[page.original]) + timedelta(days=page.days_after)
    if page.own:
        return at(today, OWN[page.own].days_ago, 8.5)
    return at(today, 12, 8)


def published(today: date, page: Page) -> datetime:
    t = copy_time(today, page)
    if 1 not in page.nights:  # new on night 2: published since night 1
        t = max(t, at(today, 1, 6))
    return t


def modified(today: date, page: Page, night: int) -> datetime:
    if night == 2 and page.night2:
        return at(today, 1, 21)  # edited after night 1's audit
    return published(today, page) + timedelta(minutes=40)
