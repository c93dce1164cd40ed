"""Generic checks other license packs compose: a notice in the text, a link back to the original."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

from ..models import Outcome
from .context import CheckContext
from .registry import Verdict, register
from ..text_match import fold


@register("text.present", {"pattern": (str, None), "label": (str, "the required text")})
def text_present(ctx: CheckContext, pattern: str = "", label: str = "the required text") -> Verdict:
    """Some visible text matches a regular expression (case-insensitive), e.g. a Creative Commons credit line."""
    rx = re.compile(pattern, re.I)
    for b in ctx.page.visible_blocks():
        if b.text and rx.search(b.text):
            return Verdict(Outcome.PASS, f"{label} is present", (ctx.block_evidence(b),))
    return Verdict(Outcome.FAIL, f"{label} was not found in the page's visible text", (),
                   f"Add {label} to the article.")


@register("notice.present")
def notice_present(ctx: CheckContext) -> Verdict:
    """The licensor's notice (pack `notice_markers`) appears in the visible text."""
    markers = [fold(m) for m in ctx.pack.notice_markers]
    for b in ctx.page.visible_blocks():
        if b.text and any(m in fold(b.text) for m in markers):
            return Verdict(Outcome.PASS, "the license notice is present", (ctx.block_evidence(b),))
    return Verdict(Outcome.FAIL, "the license notice was not found", (), f"Add the notice: {ctx.pack.notice}")


def _attr(value) -> str:
    return " ".join(value) if isinstance(value, list) else str(value)


def _norm(url: str) -> str:
    p = urlparse(url)
    return (p.netloc.lower().removeprefix("www.") + p.path.rstrip("/")).lower()


@register("link.to_original")
def link_to_original(ctx: CheckContext) -> Verdict:
    """A visible link (or rel=canonical) points to the original article's URL."""
    if ctx.original is None or not ctx.original.url:
        return Verdict(Outcome.NOT_APPLICABLE, "the original's URL is unknown")
    target = _norm(ctx.original.url)
    for a in ctx.page.soup.find_all(["a", "link"], href=True):
        try:
            href = _norm(urljoin(ctx.page.url, _attr(a["href"])))
        except ValueError:  # an invalid URL ("http://[") links nowhere
            continue
        if href == target:
            kind = "rel=canonical" if a.name == "link" else "a link"
            return Verdict(Outcome.PASS, f"{kind} points to the original", (ctx.evidence(a, _attr(a.get("href"))),))
    return Verdict(Outcome.FAIL, "no link points to the original article", (),
                   f"Link to the original: {ctx.original.url}")
