"""Deterministic generator of labelled cases for the second pack (rules/cc-by-nd-newsroom): the accuracy corpus's
articles transplanted to the pack's fictional licensor, in the same real layouts as the DCNF cases."""
from __future__ import annotations

import importlib.util
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator, Optional, Sequence

HERE = Path(__file__).resolve().parent
PACK = "cc-by-nd-newsroom"
RULES = ("byline", "credit", "pixel", "text")
LICENSOR_NAMES = ("Harbor Ledger", "The Harbor Ledger")
HOST = "harborledger.example"
PIXEL_HOST = "pixel.harborledger.example"
SEED_OFFSET = 104729  # this pack's random streams never touch the DCNF cases' streams

# What the DCNF cases' snippets say, and what the transplanted ones say instead (longest first).
_SWAP = (("THE DAILY CALLER NEWS FOUNDATION", "THE HARBOR LEDGER"), ("DAILY CALLER NEWS FOUNDATION", "HARBOR LEDGER"),
         ("The Daily Caller News Foundation", "The Harbor Ledger"), ("Daily Caller News Foundation", "Harbor Ledger"),
         ("dailycallernewsfoundation.org", HOST), ("DCNF", "Harbor Ledger"))

# byline rule (byline.authors_credited + affiliation.attached_to_byline)
BYLINE_FAIL = ["none", "staff", "other-person", "meta-author-only", "hidden-element"]
AFF_PASS = ["byline-comma", "byline-comma-the", "byline-paren", "byline-pipe", "byline-pipe-dcnf", "byline-role",
            "second-line", "element-after", "author-bio"]
# credit rule (credit.line_present + link.to_original)
CREDIT_PASS = ["foot-linked", "head-linked", "foot-separate-link", "foot-http-tracking", "foot-after-pixel"]
CREDIT_FAIL = ["credit-missing", "link-removed", "link-to-home", "link-hidden"]
# pixel rule
PIXEL_PASS = ["img-1x1", "img-display-none", "div-hidden", "protocol-relative", "script", "outside-article"]
PIXEL_FAIL = ["pixel-removed", "template", "noscript", "lazy-only", "other-host"]
# text rule (allowed edits: relative dates, dateline)
TEXT_PASS = ["unchanged", "unchanged", "relative-date", "dateline"]
TEXT_FAIL = ["word-changed", "number-changed", "paragraph-dropped", "last-paragraph-cut", "sentence-added",
             "paragraphs-swapped", "sentence-cut"]

CITIES = ["WASHINGTON", "PORTSMOUTH, N.H.", "AUSTIN, Texas", "DENVER", "BOSTON"]
REPLACEMENTS = ["considerable", "officials", "reportedly", "critics", "unusual", "sharply"]
ADDED = ["Critics say the plan does not go far enough.", "The decision is expected to face a legal challenge.",
         "Local residents have long opposed the measure."]


def load_build() -> ModuleType:
    """tests/accuracy/build.py (the DCNF generator: layouts, the Builder), imported by path once."""
    name = "syndicheck_accuracy_build"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, HERE / "build.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def transplant(text: str) -> str:
    for old, new in _SWAP:
        text = text.replace(old, new)
    return text


def load_articles() -> list[dict[str, Any]]:
    """The corpus's articles as the second licensor's originals (same texts and authors, its names and site)."""
    out = []
    for a in load_build().load_articles():
        slug = a["url"].rstrip("/").rsplit("/", 1)[-1]
        date = str(a.get("published") or "2026-01-01").replace("-", "/")
        out.append(dict(a, id="hl-" + a["id"].split("-", 1)[1], url=f"https://{HOST}/{date}/{slug}/",
                        text=transplant(a["text"]), title=a["title"]))
    return out


@dataclass
class CCPlan:
    credit: str
    pixel: str
    text: str


def _cc_builder(B: ModuleType) -> type:
    class CCBuilder(B.Builder):
        """The DCNF Builder's layout work (body, headline, byline), with this pack's credit, pixel and text edits."""

        def __init__(self, layout: Any, article: dict[str, Any], plan: Any, cc: CCPlan, rng: random.Random):
            super().__init__(layout, article, plan, rng)
            self.cc = cc
            self.text_label = cc.text

        def ph(self, html: str) -> Any:
            return super().ph(transplant(html))

        def _body_modifications(self, paras: list[str]) -> list[str]:
            out, label = edit_text(list(paras), self.cc.text, self.article, self.rng)
            self.text_label = label
            return out

        def _logo(self) -> None:  # called last by Builder.build: the credit line and the pixel
            rng, cc = self.rng, self.cc
            pixel = pixel_html(cc.pixel, self.article, rng)
            credit = credit_html(cc.credit, self.article, rng)
            if cc.credit == "foot-after-pixel" and pixel and cc.pixel != "outside-article":
                self.foot_anchor = self.insert_after(self.foot_anchor, pixel)
                pixel = ""
            if credit:
                if cc.credit == "head-linked":
                    self.insert_before(self.first_para, credit)
                else:
                    self.foot_anchor = self.insert_after(self.foot_anchor, credit)
            if pixel:
                body = self.doc.find("body")
                if cc.pixel == "outside-article" and body is not None:
                    body.append(self.ph(pixel))
                else:
                    self.foot_anchor = self.insert_after(self.foot_anchor, pixel)

    return CCBuilder


def credit_html(shape: str, article: dict[str, Any], rng: random.Random) -> str:
    url = article["url"]
    name = rng.choice(LICENSOR_NAMES)
    lead = rng.choice(["This article was originally published by", "This story was originally published by",
                       "Originally published by", "This article first appeared in", "Republished with permission from"])
    wrap = rng.choice(["<p><em>{}</em></p>", '<p class="republish-credit">{}</p>', "<div class=\"credit\">{}</div>",
                       "<p><i>{}</i></p>"])
    read = f'<p><a href="{url}">Read the original article.</a></p>'
    if shape in ("foot-linked", "head-linked", "foot-after-pixel"):
        return wrap.format(f'{lead} <a href="{url}">{name}</a>.')
    if shape == "foot-separate-link":
        return wrap.format(f"{lead} {name}.") + read
    if shape == "foot-http-tracking":
        tracked = url.replace("https://", "http://www.") + rng.choice(["?utm_source=partner&utm_medium=republish",
                                                                      "?fbclid=IwAR0x", ""]).rstrip("/")
        return wrap.format(f'{lead} <a href="{tracked}">{name}</a>.')
    if shape == "credit-missing":
        return read
    if shape == "link-removed":
        return wrap.format(f"{lead} {name}.")
    if shape == "link-to-home":
        return wrap.format(f'{lead} <a href="https://{HOST}/">{name}</a>.')
    if shape == "link-hidden":
        return wrap.format(f"{lead} {name}.") + f'<p style="display:none"><a href="{url}">original</a></p>'
    raise ValueError(shape)


def pixel_html(shape: str, article: dict[str, Any], rng: random.Random) -> str:
    src = f"https://{PIXEL_HOST}/{rng.choice(['pixel.gif', 'p.png', 'republish/pixel'])}?post={article['id']}"
    size = rng.choice(['width="1" height="1"', 'style="width:1px;height:1px"', 'width="1" height="1" style="border:0"'])
    img = f'<img src="{src}" {size} alt="">'
    if shape in ("img-1x1", "outside-article"):
        return img
    if shape == "img-display-none":
        return f'<img src="{src}" style="display:none" alt="">'
    if shape == "div-hidden":
        return f'<div hidden>{img}</div>' if rng.random() < 0.5 else f'<div class="sr-only">{img}</div>'
    if shape == "protocol-relative":
        return img.replace("https://", "//")
    if shape == "script":
        return f'<script async src="https://{PIXEL_HOST}/tracker.js?post={article["id"]}"></script>'
    if shape == "pixel-removed":
        return ""
    if shape == "template":
        return f'<template class="republish-pixel">{img}</template>'
    if shape == "noscript":
        return f"<noscript>{img}</noscript>"
    if shape == "lazy-only":
        return img.replace(' src="', ' class="lazyload" data-src="')
    if shape == "other-host":
        return img.replace(PIXEL_HOST, "stats.partner-analytics.example")
    raise ValueError(shape)


_WEEKDAY = re.compile(r"\b(on )?(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_NUMBER = re.compile(r"(?<![\w.,$])(\d{2,})(?![\w.,])")


def edit_text(paras: list[str], shape: str, article: dict[str, Any], rng: random.Random) -> tuple[list[str], str]:
    """The paragraphs with one edit of the given shape, and the shape actually made (a fallback when the
    article has nothing to edit that way)."""
    n = len(paras)
    mid = list(range(1, n - 1)) or [0]
    if shape == "relative-date":
        i = next((k for k, p in enumerate(paras) if _WEEKDAY.search(p)), None)
        if i is None:
            shape = "dateline"
        else:
            month_day = rng.choice(["Jan. 14", "February 3", "March 11", "April 14"])
            paras[i] = _WEEKDAY.sub(lambda m: ("on " if m.group(1) else "") + month_day, paras[i], count=1)
            return paras, shape
    if shape == "dateline":
        dash = rng.choice(["\u2014", "--", "-"])
        paras[0] = f"{rng.choice(CITIES)} {dash} {paras[0]}"
        return paras, shape
    if shape == "number-changed":
        cands = [k for k, p in enumerate(paras) if _NUMBER.search(p)]
        if cands:
            i = rng.choice(cands)
            m = rng.choice(list(_NUMBER.finditer(paras[i])))
            new = str(int(m.group(1)) + rng.choice([3, 7, 11]))
            paras[i] = paras[i][:m.start()] + new + paras[i][m.end():]
            return paras, shape
        shape = "word-changed"
    if shape == "word-changed":
        i = rng.choice(mid)
        words = paras[i].split(" ")
        cands = [k for k, w in enumerate(words) if re.fullmatch(r"[a-z]{5,}", w)]
        k = rng.choice(cands)
        words[k] = next(r for r in rng.sample(REPLACEMENTS, len(REPLACEMENTS)) if r != words[k])
        paras[i] = " ".join(words)
        return paras, shape
    if shape == "paragraph-dropped":
        del paras[rng.choice(mid)]
        return paras, shape
    if shape == "last-paragraph-cut":
        return paras[:-1], shape
    if shape == "sentence-added":
        i = rng.choice(mid)
        paras[i] = paras[i] + " " + rng.choice(ADDED)
        return paras, shape
    if shape == "paragraphs-swapped":
        i = rng.choice(mid[:-1] or mid)
        if i + 1 < n:
            paras[i], paras[i + 1] = paras[i + 1], paras[i]
        return paras, shape
    if shape == "sentence-cut":
        cands = [k for k, p in enumerate(paras) if len(re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", p)) >= 2]
        i = rng.choice(cands) if cands else 0
        parts = re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", paras[i])
        if len(parts) >= 2:
            del parts[rng.randrange(len(parts))]
            paras[i] = " ".join(parts)
            return paras, shape
        del paras[rng.choice(mid)]
        return paras, "paragraph-dropped"
    return paras, shape


def _forever(items: Sequence[Any], rng: random.Random) -> Iterator[Any]:
    while True:
        items = list(items)
        rng.shuffle(items)
        yield from items


def plans(B: ModuleType, rng: random.Random, n_layouts: int) -> list[tuple[str, Any, CCPlan]]:
    """(family, byline plan, pack plan): compliant copies, then each rule's faults with the other rules compliant."""
    byl = _forever([b for b in B.BYLINE_PASS if b not in ("print-hidden-class",)], rng)
    affs = _forever(AFF_PASS, rng)
    credit_ok, pixel_ok, text_ok = (_forever(x, rng) for x in (CREDIT_PASS, PIXEL_PASS, TEXT_PASS))

    def byline_plan() -> Any:
        b = next(byl)
        for _ in range(40):
            a = next(affs)
            if b == "pipe-outlet" and a not in ("byline-pipe", "byline-pipe-dcnf"):
                continue
            if b == "name-role-outlet" and a != "byline-role":
                continue
            if (a == "author-bio") != (b == "foot-author-line"):
                continue
            break
        else:
            a = "byline-pipe" if b == "pipe-outlet" else "byline-role" if b == "name-role-outlet" else (
                "author-bio" if b == "foot-author-line" else "byline-comma")
        return B.Plan(b, a, "none", notice=False)

    def ok() -> CCPlan:
        return CCPlan(next(credit_ok), next(pixel_ok), next(text_ok))

    out: list[tuple[str, Any, CCPlan]] = []
    for _ in range(n_layouts):
        out.append(("compliant", byline_plan(), ok()))
    for shape in BYLINE_FAIL:
        for _ in range(16):
            out.append(("byline-fail", B.Plan(shape, "byline-missing", "none", notice=False), ok()))
    byl_head = _forever([b for b in B.BYLINE_PASS if b not in ("print-hidden-class", "foot-author-line", "pipe-outlet",
                                                                "name-role-outlet")], rng)
    for _ in range(30):  # the byline names the author but not the licensor
        plan = ok()
        plan.credit = rng.choice(["foot-linked", "foot-separate-link", "foot-http-tracking"])  # not beside the byline
        out.append(("affiliation-fail", B.Plan(next(byl_head), "none", "none", notice=False), plan))
    for shape in CREDIT_FAIL:
        for _ in range(25):
            plan = ok()
            plan.credit = shape
            out.append(("credit-fail", byline_plan(), plan))
    for shape in PIXEL_FAIL:
        for _ in range(20):
            plan = ok()
            plan.pixel = shape
            out.append(("pixel-fail", byline_plan(), plan))
    for shape in TEXT_FAIL:
        for _ in range(14):
            plan = ok()
            plan.text = shape
            out.append(("text-fail", byline_plan(), plan))
    return out


def _expect(family: str, byline_plan: Any, cc: CCPlan) -> dict[str, Any]:
    return {"copy": True,
            "byline": "fail" if family in ("byline-fail", "affiliation-fail") else "pass",
            "credit": "fail" if cc.credit in CREDIT_FAIL else "pass",
            "pixel": "fail" if cc.pixel in PIXEL_FAIL else "pass",
            "text": "fail" if cc.text in TEXT_FAIL else "pass"}


@dataclass
class BuildResult:
    cases: list[dict[str, Any]]
    layouts: list[str]
    skipped: dict[str, str]


def build(corpus: Optional[Path] = None, seed: Optional[int] = None) -> BuildResult:
    """All labelled copies of the second pack for one seed, deterministically, in the DCNF cases' layouts."""
    B = load_build()
    seed = B.SEED if seed is None else seed
    corpus = corpus or B.corpus_dir()
    if corpus is None:
        raise FileNotFoundError("real-pages corpus not found (set SYNDICHECK_CORPUS)")
    articles = load_articles()
    pages = B.load_pages(corpus)
    fundus = B.fundus_dir(corpus)
    if fundus is not None:
        pages += B.load_fundus_pages(fundus)
    by_name = {p.name: p for p in pages}
    layouts, skipped = [], {}
    for page in pages:
        lay, why = B.analyse_cached(page)
        if lay is None:
            skipped[page.name] = why or "unknown"
        else:
            layouts.append(lay)
    rng = random.Random(seed + SEED_OFFSET)
    plan_list = plans(B, rng, len(layouts))
    lay_order = list(layouts)
    rng.shuffle(lay_order)
    lay_cycle = _forever([lay for lay in layouts if not lay.empty_byline], rng)
    art_cycle = _forever(articles, rng)
    Builder = _cc_builder(B)
    cases = []
    for n, (family, bplan, cc) in enumerate(plan_list):
        lay = lay_order[n % len(lay_order)] if family == "compliant" else next(lay_cycle)
        art = B._article_for(bplan, articles, art_cycle, rng)
        case_rng = random.Random(f"cc:{seed}:{n}:{lay.name}:{art['id']}")
        try:
            b = Builder(lay, art, bplan, cc, case_rng)
            html = b.build()
        except Exception as e:  # a layout the builder cannot use is reported, not fatal
            skipped.setdefault(f"copy:{lay.name}:{n}", f"{type(e).__name__}: {e}")
            continue
        shapes = {"byline": f"{bplan.byline}/{bplan.aff}@{getattr(b, 'placement', '?')}", "credit": cc.credit,
                  "pixel": cc.pixel, "text": b.text_label}
        cc.text = b.text_label
        page = by_name[lay.name]
        cases.append({
            "name": f"cc-{n:03d}-{lay.name}", "category": "copy", "split": page.split, "publisher": page.publisher,
            "corpus": page.kind, "seed": seed, "family": family, "layout": lay.name, "html": html,
            "originals": articles, "original_id": art["id"], "pack": PACK, "expect": _expect(family, bplan, cc),
            "shape": ";".join(f"{r}={shapes[r]}" for r in RULES), "shapes": shapes,
        })
    return BuildResult(cases, [lay.name for lay in layouts], skipped)
