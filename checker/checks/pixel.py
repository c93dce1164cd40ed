"""The tracking-pixel check: the licensor's pixel (an image or script from a pack `pixel_hosts` host) is on the page and will load."""
from __future__ import annotations

from typing import Optional
from urllib.parse import urljoin, urlsplit

from ..models import Evidence, Outcome
from .context import CheckContext
from .registry import Verdict, register

# Attributes a lazy-loading script swaps into `src` later: a pixel only there may never load.
_LAZY = ("data-src", "data-lazy-src", "data-original", "data-lazy")


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower().rstrip(".")
    except ValueError:  # an unparsable URL loads nothing
        return ""


def _ours(host: str, hosts: tuple) -> bool:
    return any(host == h or host.endswith("." + h) for h in hosts)


def _why_not_loaded(el, url: str) -> Optional[str]:
    """Why a pixel element will not be requested by a browser, or None when it will."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        return f"its address is not a web address ({scheme or 'relative'})"
    for anc in el.parents:
        if anc.name == "template":
            return "it is inside a <template>, which the browser never loads"
        if anc.name == "noscript":
            return "it is inside <noscript>, which loads only when scripts are turned off"
    if el.name == "script" and (el.get("type") or "").strip().lower() not in ("", "text/javascript", "module",
                                                                               "application/javascript"):
        return f"the script's type \"{el.get('type')}\" keeps the browser from running it"
    return None


@register("pixel.present", {"scripts": (bool, True)})
def pixel_present(ctx: CheckContext, scripts: bool = True) -> Verdict:
    """An <img> (or, with `scripts`, a <script>) whose src is on a pack `pixel_hosts` host, and that a browser will load.

    A pixel is meant to be unseen: one pixel, display:none or hidden are fine; it must be requested.
    """
    hosts = ctx.pack.pixel_hosts
    if not hosts:
        return Verdict(Outcome.REVIEW, "the license pack lists no pixel_hosts, so the tracking pixel cannot be checked",
                       (), "Add pixel_hosts to the pack's license.yaml.")
    fix = f"Paste the {ctx.pack.name}'s tracking pixel from the republication page into the article, unchanged."
    names = ["img", "script"] if scripts else ["img"]
    broken = None
    for el in ctx.page.soup.find_all(names):
        src = el.get("src")
        src = " ".join(src) if isinstance(src, list) else (src or "")
        lazy = next((str(el.get(a)) for a in _LAZY if el.get(a)), "")
        if src.strip():
            try:  # a protocol-relative pixel loads over the site's scheme, also when a local build is checked
                url = "https:" + src.strip() if src.strip().startswith("//") else urljoin(ctx.page.url or "", src.strip())
            except ValueError:
                continue
            if _ours(_host(url), hosts):
                why = _why_not_loaded(el, url)
                if why is None:
                    return Verdict(Outcome.PASS, f"the tracking pixel from {_host(url)} is on the page",
                                   (ctx.evidence(el, url),))
                broken = broken or (el, url, why)
                continue
        if lazy and _ours(_host(urljoin(ctx.page.url or "", lazy)), hosts):
            broken = broken or (el, lazy, "its address is only in a lazy-loading attribute, and a one-pixel image "
                                          "may never be loaded by the script")
    if broken:
        el, url, why = broken
        return Verdict(Outcome.FAIL, f"the tracking pixel is on the page but will not load: {why}",
                       (ctx.evidence(el, url),), fix)
    n = len(ctx.page.soup.find_all(names))
    looked = Evidence("", f"looked at the page's {n} <{'> and <'.join(names)}> elements for a source on {', '.join(hosts)}")
    return Verdict(Outcome.FAIL, f"no tracking pixel from {', '.join(hosts)} is on the page", (looked,), fix)
