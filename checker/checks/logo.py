"""The logo check: a visible image on the page is the licensor's logo (not a look-alike, not hidden, not meta-only)."""
from __future__ import annotations

from ..article.images import PATTERN_INPUT_LIMIT, url_part
from ..models import Evidence, Outcome
from ..parse import Image
from ..visibility import hidden_by_structure
from .context import CheckContext
from .registry import Verdict, register


def _short(text: str, n: int = PATTERN_INPUT_LIMIT) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _describe(img: Image) -> str:
    bits = [f'{k}="{_short(str(v))}"'
            for k, v in (("alt", img.element.get("alt")), ("src", img.urls[0] if img.urls else None)) if v]
    return f"<{img.kind} {' '.join(bits)}>" if bits else f"<{img.kind}>"


@register("logo.licensor_image")
def licensor_image(ctx: CheckContext) -> Verdict:
    """A visible <img>/<picture>/<svg> on the page is the licensor's logo (by text alternative, file name or image)."""
    name = ctx.pack.name
    hidden, lookalikes = [], []
    for img in ctx.page.images:
        kind, why = ctx.article.image_class(img)
        if kind == "logo":
            if img.hidden is None:
                return Verdict(Outcome.PASS, f"the {name} logo is shown ({_describe(img)})",
                               (ctx.evidence(img.element, why),))
            hidden.append(img)
        elif kind == "lookalike" and img.hidden is None:
            lookalikes.append((img, why))
    fix = f"Show the {name} logo image with the article (e.g. <img src=\".../logo.png\" alt=\"{name}\">) near the byline."
    if hidden and all(hidden_by_structure(img.hidden) for img in hidden):
        img = hidden[0]
        return Verdict(Outcome.REVIEW,
                       f"the {name} logo is hidden by {img.hidden}, a rule whose effect depends on the page's "
                       "structure and scripts: check it in a browser",
                       (ctx.evidence(img.element, _describe(img), f"a visible {name} logo", f"hidden ({img.hidden})"),),
                       f"Check the page in a browser (or run with --render); if the logo is hidden, remove what hides it ({img.hidden}).")
    if hidden:
        img = next(i for i in hidden if not hidden_by_structure(i.hidden))
        return Verdict(Outcome.FAIL, f"the {name} logo is on the page but not visible: it is hidden by {img.hidden}",
                       (ctx.evidence(img.element, _describe(img), f"a visible {name} logo", f"hidden ({img.hidden})"),),
                       f"Remove what hides the logo ({img.hidden}) so readers see it.")
    if lookalikes:
        img, why = lookalikes[0]
        return Verdict(Outcome.FAIL,
                       f"the page shows a different organisation's logo ({_short(why)!r}), not the {name} logo",
                       (ctx.evidence(img.element, _describe(img), f"the {name} logo", _short(why)),),
                       fix + " A different organisation's logo does not count.")
    meta_hits = _meta_only(ctx)
    if meta_hits:
        return Verdict(Outcome.FAIL, f"the {name} logo appears only in {meta_hits}, which readers do not see",
                       (ctx.evidence(ctx.page.soup.find("head") or ctx.page.soup, meta_hits, f"a visible {name} logo",
                                     meta_hits),), fix)
    shown = [img for img in ctx.page.images if img.hidden is None]
    seen = "; ".join(_describe(img) for img in shown[:5]) + ("; …" if len(shown) > 5 else "")
    looked = Evidence("", f"looked at {len(shown)} visible image{'' if len(shown) == 1 else 's'}"
                          + (f": {seen}" if shown else " (there are none)"))
    return Verdict(Outcome.FAIL, f"no image on the page is the {name} logo", (looked,), fix)


def _meta_only(ctx: CheckContext) -> str:
    spec = ctx.pack.logo
    def is_logo(value: str) -> bool:
        return any(p.search(url_part(value)) for p in spec.file_patterns) or any(
            p.search(value[:PATTERN_INPUT_LIMIT]) for p in spec.text_patterns)
    for key in ("og:image", "twitter:image", "og:image:url", "og:image:alt"):
        for value in ctx.page.meta.get(key, []):
            if is_logo(value):
                return f"<meta {key}>"
    for obj in ctx.page.jsonld:
        for key in ("image", "logo", "thumbnailUrl"):
            value = obj.get(key)
            values = value if isinstance(value, list) else [value]
            for v in values:
                url = v.get("url") if isinstance(v, dict) else v
                if isinstance(url, str) and is_logo(url):
                    return "JSON-LD"
        publisher = obj.get("publisher")
        if isinstance(publisher, dict) and isinstance(publisher.get("logo"), (dict, str)):
            logo = publisher["logo"]
            url = logo.get("url") if isinstance(logo, dict) else logo
            if isinstance(url, str) and is_logo(url):
                return "JSON-LD"
    return ""
