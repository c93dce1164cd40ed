"""Generic checks other license packs compose: a notice in the text, a link back to the original."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

from ..models import Evidence, Outcome
from ..sources.urlnorm import normalize_url
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
    """The original's address as a reader may reach it: http or https, with or without www., a trailing
    slash or tracking parameters (utm_*, fbclid, ...) all name the same article."""
    canonical = normalize_url(url)  # drops tracking parameters and the fragment (one normaliser for the project)
    p = urlparse(canonical)
    rest = p.path.rstrip("/") + (f"?{p.query}" if p.query else "")
    return (p.netloc.removeprefix("www.") + rest).lower()


def _hidden(ctx: CheckContext, el) -> bool:
    """Whether a link sits in a block the reader does not see (or is hidden itself)."""
    by_element = ctx.memo.get("blocks_by_element")
    if by_element is None:
        by_element = ctx.memo["blocks_by_element"] = {id(b.element): b for b in ctx.page.blocks}
    style = " ".join(str(el.get("style") or "").lower().split()).replace(": ", ":")
    if el.has_attr("hidden") or "display:none" in style or "visibility:hidden" in style:
        return True
    node = el
    while node is not None:
        block = by_element.get(id(node))
        if block is not None:
            return block.hidden is not None
        node = node.parent
    return False


@register("link.to_original", {"canonical": (bool, True)})
def link_to_original(ctx: CheckContext, canonical: bool = True) -> Verdict:
    """A visible link (or, with `canonical`, <link rel=canonical>) points to the original article's URL."""
    if ctx.original is None or not ctx.original.url:
        return Verdict(Outcome.NOT_APPLICABLE, "the original's URL is unknown")
    try:
        target = _norm(ctx.original.url)
    except ValueError:
        return Verdict(Outcome.REVIEW, f"the original's URL cannot be read: {ctx.original.url}")
    hidden = None
    for a in ctx.page.soup.find_all(["a", "link"], href=True):
        if a.name == "link" and (not canonical or "canonical" not in _attr(a.get("rel", "")).lower().split()):
            continue
        try:
            href = _norm(urljoin(ctx.page.url or "", _attr(a["href"]).strip()))
        except ValueError:  # an invalid URL ("http://[") links nowhere
            continue
        if href != target:
            continue
        if a.name == "a" and _hidden(ctx, a):
            hidden = hidden or a
            continue
        kind = "rel=canonical" if a.name == "link" else "a link"
        return Verdict(Outcome.PASS, f"{kind} points to the original", (ctx.evidence(a, _attr(a.get("href", ""))),))
    if hidden is not None:
        return Verdict(Outcome.FAIL, "the only link to the original article is hidden from readers",
                       (ctx.evidence(hidden, _attr(hidden.get("href", ""))),), f"Link to the original: {ctx.original.url}")
    return Verdict(Outcome.FAIL, "no link points to the original article",
                   (Evidence("", f"looked for a link to {ctx.original.url} among the page's links"),),
                   f"Link to the original: {ctx.original.url}")
