"""Deterministic generator of labelled DCNF syndication cases transplanted into real article layouts."""
from __future__ import annotations

import argparse
import gzip
import hashlib
import html as htmlmod
import json
import os
import random
import re
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Optional, Sequence

import lxml.html
import yaml
from lxml import etree

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTICLES_YAML = HERE / "articles.yaml"
SEED = 20260114
TEST_PERCENT = 40  # share of publishers held out for the gate's test split (the rest is the tuning split)
# On 2026-12-07 (twelfth session), after six sessions held out, one half of those publishers (chosen
# by a second, independent part of the same hash) was released into the tuning split, so that its
# modern layouts could teach the checks; the other half stays held out and untouched.
RELEASED_HALF = 0

NOTICE = (
    "All content created by the Daily Caller News Foundation, an independent and nonpartisan newswire "
    "service, is available without charge to any legitimate news publisher that can provide a large "
    "audience. All republished articles must include our logo, our reporter's byline and their DCNF "
    "affiliation. For licensing opportunities of our original content, please contact "
    "licensing@dailycallernewsfoundation.org."
)

Case = dict[str, Any]
El = Any  # lxml.html.HtmlElement

# --------------------------------------------------------------------------------------------
# corpus and originals
# --------------------------------------------------------------------------------------------


def corpus_dir() -> Optional[Path]:
    """The real-pages folder: $SYNDICHECK_CORPUS (the folder itself or a parent of it), else ../shared."""
    cands: list[Path] = []
    env = os.environ.get("SYNDICHECK_CORPUS")
    if env:
        p = Path(env)
        cands += [p, p / "real-pages", p / "corpus" / "real-pages", p / "shared" / "corpus" / "real-pages"]
    cands.append(REPO.parent / "shared" / "corpus" / "real-pages")
    for c in cands:
        if c.is_dir() and any(c.glob("*/source.html")):
            return c
    return None


def load_articles(path: Path = ARTICLES_YAML) -> list[dict[str, Any]]:
    """The fictional DCNF originals, as plain dicts (id, url, title, authors, published, text)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    arts = data["articles"] if isinstance(data, dict) else data
    out = []
    for a in arts:
        a = dict(a)
        a["authors"] = list(a["authors"])
        a["published"] = str(a.get("published") or "")
        a["text"] = a["text"].strip() + "\n"
        out.append(a)
    return out


def paragraphs(article: dict[str, Any]) -> list[str]:
    return [" ".join(p.split()) for p in article["text"].split("\n\n") if p.strip()]


@dataclass
class RealPage:
    name: str
    text: str
    meta: dict[str, Any]
    kind: str = "real"  # real (real-pages/) | fundus (fundus-pages/)

    @property
    def publisher(self) -> str:
        return publisher_key(self)

    @property
    def split(self) -> str:
        return split_of(self.publisher)


def publisher_key(page: "RealPage") -> str:
    """The publisher a page belongs to, folded so that one publisher's pages share a key in both corpora."""
    if page.kind == "fundus":
        name = page.meta.get("publisher") or page.meta.get("fundus_publisher") or page.name.split("-")[1]
    else:
        # readability fixture names: nytimes-1 .. nytimes-5 are one publisher
        name = re.sub(r"-\d+$", "", page.name)
    return re.sub(r"[^a-z0-9]+", "", fold(name)) or page.name


def split_of(publisher: str) -> str:
    """`test` or `tune` by a stable hash of the publisher (sha256, not Python's salted hash)."""
    digest = hashlib.sha256(publisher.encode("utf-8")).hexdigest()
    if int(digest[:8], 16) % 100 >= TEST_PERCENT:
        return "tune"
    return "tune" if int(digest[8:16], 16) % 2 == RELEASED_HALF else "test"


def load_pages(corpus: Path) -> list[RealPage]:
    pages = []
    for d in sorted(p for p in corpus.iterdir() if (p / "source.html").is_file()):
        raw = (d / "source.html").read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        meta_path = d / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        pages.append(RealPage(d.name, text, meta))
    return pages


def fundus_dir(corpus: Optional[Path] = None) -> Optional[Path]:
    """fundus-pages beside real-pages (or $SYNDICHECK_FUNDUS)."""
    cands = [Path(os.environ["SYNDICHECK_FUNDUS"])] if os.environ.get("SYNDICHECK_FUNDUS") else []
    if corpus is not None:
        cands.append(corpus.parent / "fundus-pages")
    cands.append(REPO.parent / "shared" / "corpus" / "fundus-pages")
    for c in cands:
        if c.is_dir() and any(c.glob("*/source.html.gz")):
            return c
    return None


_FUNDUS_CACHE: dict[str, list[RealPage]] = {}


def load_fundus_pages(root: Path) -> list[RealPage]:
    """fundus-pages: gzip pages, always UTF-8 whatever their <meta charset> says; meta carries persons and body."""
    key = str(root)
    if key not in _FUNDUS_CACHE:
        pages = []
        for d in sorted(p for p in root.iterdir() if (p / "source.html.gz").is_file()):
            text = gzip.open(d / "source.html.gz").read().decode("utf-8", errors="replace")
            meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
            meta.setdefault("site_name", meta.get("publisher"))
            pages.append(RealPage(d.name, text, meta, kind="fundus"))
        _FUNDUS_CACHE[key] = pages
    return list(_FUNDUS_CACHE[key])


# --------------------------------------------------------------------------------------------
# HTML helpers
# --------------------------------------------------------------------------------------------

_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
SKIP_TEXT_TAGS = {"script", "style", "noscript", "template", "head", "title", "svg", "iframe", "textarea", "select"}
HIDDEN_CLASS_TOKENS = {
    "hidden", "hide", "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "d-none",
    "is-hidden", "u-hidden", "invisible", "offscreen",
}
PHRASING = {"span", "a", "em", "strong", "b", "i", "u", "cite", "small", "time", "label", "font", "abbr", "sup", "sub"}
NO_FLOW_CHILDREN = PHRASING | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "address", "pre", "button"}
LIST_TAGS = {"ol", "ul", "dl", "table", "tbody", "thead", "tr", "select"}
BAD_PARA_ANCESTORS = {"aside", "nav", "footer", "li", "blockquote", "figcaption", "form", "a", "button",
                      "header", "dialog", "label", "dd", "dt"}
BAD_TOKEN_RE = re.compile(
    r"^(comments?|comment[-_].*|.*[-_]comments?|sidebar.*|.*[-_]sidebar|footer.*|.*[-_]footer|nav|navbar|"
    r"navigation|menu.*|related.*|.*[-_]related|promo.*|newsletter.*|cookie.*|modal.*|adblock.*|popup.*|"
    r"rail.*|.*[-_]rail|leftrail.*|popular.*|trending.*|widget.*|recommend.*|teaser.*|most[-_].*)$",
    re.I,
)
BLOCK_BAD_TOKEN_RE = re.compile(
    r"^(sidebar.*|.*[-_]sidebar|related.*|.*[-_]related|.*rail.*|popular.*|trending.*|widget.*|recommend.*|"
    r"teaser.*|comments?|comment[-_].*|.*[-_]comments?|most[-_].*|promo.*|smr[-_].*)$",
    re.I,
)
CREDIT_LEAD_RE = re.compile(r"\s*(?:by|par|por|von|door|di|av)\s+\S", re.I)
MARK_RE = re.compile(r"byline|author|contributor|signature|writer|creator|by-line|autor|auteur", re.I)
WS = re.compile(r"\s+")


def parse(text: str) -> El:
    return lxml.html.document_fromstring(_XML_DECL.sub("", text, count=1))


def serialize(doc: El) -> str:
    dt = doc.getroottree().docinfo.doctype or "<!DOCTYPE html>"
    return lxml.html.tostring(doc, encoding="unicode", doctype=dt)


def is_el(e: Any) -> bool:
    return isinstance(e.tag, str)


def vis_text(el: El) -> str:
    """Visible text of an element (skips script/style/template/... subtrees)."""
    parts: list[str] = []

    def walk(e: El) -> None:
        if is_el(e) and e.tag not in SKIP_TEXT_TAGS:
            if e.text:
                parts.append(e.text)
            for c in e:
                walk(c)
                if c.tail:
                    parts.append(c.tail)
        # comments / PIs / skipped tags contribute nothing (their tails are added by the parent)

    walk(el)
    return WS.sub(" ", " ".join(parts)).strip()


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", s.lower()).split())


def strip_accents(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return unicodedata.normalize("NFC", "".join(c for c in s if not unicodedata.combining(c)))


def tokens(el: El) -> list[str]:
    return ((el.get("class") or "") + " " + (el.get("id") or "")).split()


def self_hidden(a: El, aria: bool = True) -> bool:
    """Whether the element's own markup hides it; `aria`: count aria-hidden as hidden (it hides the element from
    a screen reader only, but an element hidden so is seldom the article's own text)."""
    if not is_el(a):
        return True
    if a.tag in SKIP_TEXT_TAGS:
        return True
    if a.get("hidden") is not None or (aria and a.get("aria-hidden") == "true"):
        return True
    st = (a.get("style") or "").lower().replace(" ", "")
    if "display:none" in st or "visibility:hidden" in st or "opacity:0;" in st + ";" or "font-size:0" in st:
        return True
    if re.search(r"(^|;)(height|max-height|width):0(px)?(;|$)", st) and "overflow:hidden" in st:
        return True
    if "clip:rect(0" in st or "clip:rect(1px" in st or re.search(r"(left|top|text-indent):-\d{3,}", st):
        return True
    if any(t.lower() in HIDDEN_CLASS_TOKENS for t in (a.get("class") or "").split()):
        return True
    return False


def is_hidden(el: El, aria: bool = True) -> bool:
    return any(self_hidden(a, aria) for a in [el, *el.iterancestors()])


_SLOT_RE = re.compile(r"author|byline|by-line|writer|contributor|reporter|journalist|creator|autor|auteur|verfasser|"
                      r"forfatter|skribent|yazar|szerzo|penulis", re.I)


def _credit_slot(el: El) -> bool:
    """An element whose names say it holds a credit (the words a checker reads as author markup)."""
    return any(_SLOT_RE.search(el.get(a) or "") for a in ("class", "id", "itemprop", "rel", "data-component"))


def is_marked(el: El) -> bool:
    for attr in ("class", "id", "itemprop", "rel"):
        v = el.get(attr)
        if v and MARK_RE.search(v):
            return True
    return False


def in_bad_area(el: El, tags: set[str], rx: re.Pattern[str] = BAD_TOKEN_RE, own: Sequence[El] = ()) -> bool:
    """Whether an ancestor's tag or class words say sidebar, comments, related stories... An ancestor holding
    one of `own` (the article's headline) is the article's own area whatever its class says
    ("layout-with-rail__top" around CNN's headline and byline)."""
    for a in el.iterancestors():
        if a.tag in tags:
            return True
        if a.tag not in ("body", "html") and any(rx.match(t) for t in tokens(a)) and not any(contains(a, o) for o in own):
            return True
    return False


def link_density(el: El) -> float:
    t = len(vis_text(el)) or 1
    return sum(len(vis_text(a)) for a in el.iter("a")) / t


def _precedes(a: El, b: El) -> bool:
    """a starts before b in document order."""
    for e in a.getroottree().getroot().iter():
        if e is a:
            return True
        if e is b:
            return False
    return False


def contains(anc: El, el: El) -> bool:
    return anc is el or any(a is anc for a in el.iterancestors())


def esc(s: str) -> str:
    return htmlmod.escape(s, quote=False)


def attr(s: str) -> str:
    return htmlmod.escape(s, quote=True)


# --------------------------------------------------------------------------------------------
# layout analysis: where the article body, the byline and the headline are
# --------------------------------------------------------------------------------------------


@dataclass
class Layout:
    name: str
    text: str
    meta: dict[str, Any]
    slots: list[str]  # xpaths of the body paragraphs, in order
    container: str  # xpath of the lowest common ancestor of the slots
    block: Optional[str]  # xpath of the page's visible byline block, if found
    block_text: str
    h1: Optional[str]
    sidebar: Optional[str]
    footer: Optional[str]
    empty_byline: bool = False  # a visible byline/author element with no text (filled in by JavaScript)
    leftover_person: bool = False  # a person the page credits is still shown once its byline block is gone

    @property
    def persons(self) -> list[str]:
        return list(self.meta.get("persons") or [])

    @property
    def site(self) -> str:
        return self.meta.get("site_name") or self.name.split("-")[0].capitalize()


def _para_ok(p: El) -> bool:
    if is_hidden(p) or in_bad_area(p, BAD_PARA_ANCESTORS):
        return False
    t = vis_text(p)
    return len(t) >= 25 and link_density(p) < 0.5


def _text_slots(doc: El, paras: Sequence[str]) -> list[El]:
    """The page's visible <p> elements that hold the article's known paragraphs (fundus meta `paragraphs`)."""
    keys = {fold(p)[:80] for p in paras if len(fold(p)) >= 30}
    if len(keys) < 2:
        return []
    return [p for p in doc.iter("p") if fold(vis_text(p))[:80] in keys and _para_ok(p)]


def _find_slots(doc: El, known: Sequence[str] = ()) -> tuple[list[El], Optional[str]]:
    good = _text_slots(doc, known) if known else []
    if len(good) < 2:
        good = [p for p in doc.iter("p") if _para_ok(p)]
    if len(good) < 2:
        return [], "fewer than two visible article-like <p> paragraphs"
    scores: dict[El, float] = {}
    lens = {p: len(vis_text(p)) for p in good}
    for p in good:
        n = lens[p]
        s = 1 + vis_text(p).count(",") + min(n / 100, 3)
        par = p.getparent()
        scores[par] = scores.get(par, 0) + s
        gp = par.getparent()
        if gp is not None:
            scores[gp] = scores.get(gp, 0) + s / 2
    best = max(scores, key=lambda e: scores[e])
    long_total = sum(n for n in lens.values() if n >= 80) or 1

    def frac(c: El) -> float:
        return sum(lens[p] for p in good if lens[p] >= 80 and contains(c, p)) / long_total

    cont, climbed = best, 0
    while frac(cont) < 0.5 and climbed < 4:
        par = cont.getparent()
        if par is None or par.tag in ("body", "html"):
            break
        cont, climbed = par, climbed + 1
    if frac(cont) < 0.5:
        return [], f"main text is spread over the page (best block holds {frac(cont):.0%} of paragraph text)"
    slots = [p for p in good if contains(cont, p)]
    if len(slots) < 2:
        return [], "fewer than two paragraphs in the main block"
    if sum(lens[p] for p in slots) < 200:
        return [], "too little paragraph text in the main block"
    return slots, None


def _order(doc: El) -> tuple[dict[El, int], list[int]]:
    order: dict[El, int] = {}
    prefix: list[int] = []
    total = 0
    for i, el in enumerate(doc.iter()):
        order[el] = i
        prefix.append(total)
        if is_el(el) and el.tag not in SKIP_TEXT_TAGS:
            total += len((el.text or "").strip())
        total += len((el.tail or "").strip())
    return order, prefix


def _expand_block(el: El, h1s: list[El], first_slot: El) -> El:
    path = [el]
    cur = el
    base = len(vis_text(el))
    while True:
        par = cur.getparent()
        if par is None or par.tag in ("body", "html", "main", "article") or par.tag in LIST_TAGS:
            break
        if any(contains(par, h) for h in h1s) or contains(par, first_slot):
            break
        if len(vis_text(par)) > max(120, base + 40):
            break
        path.append(par)
        cur = par
    marked = [e for e in path if is_marked(e)]
    block = marked[-1] if marked else path[-1]
    return block


def _find_block(doc: El, slots: list[El], persons: Sequence[str]) -> Optional[El]:
    order, prefix = _order(doc)
    first = slots[0]
    fpos = order[first]
    h1s = [h for h in doc.iter("h1")]
    bad_tags = {"aside", "nav", "footer", "h1", "h2", "h3", "figcaption", "figure", "title", "button", "select"}

    def near(el: El, limit: int) -> bool:
        pos = order.get(el)
        return pos is not None and pos < fpos and prefix[fpos] - prefix[pos] <= limit

    heads = [order[h] for h in h1s if order[h] < fpos and not is_hidden(h) and vis_text(h)]
    hpos = max(heads) if heads else fpos

    def under_headline(el: El) -> bool:
        """Between the headline and the text, however long the head (a lead image, a deck, a series note)."""
        pos = order.get(el)
        return pos is not None and hpos < pos < fpos

    lpos = order[slots[-1]]
    lend = prefix[lpos] + len(vis_text(slots[-1]))

    def after_body(el: El, limit: int) -> bool:
        """A credit right after the article (an author line or box at its foot), as many sites place it."""
        pos = order.get(el)
        return pos is not None and pos > lpos and not contains(slots[-1], el) and prefix[pos] - lend <= limit

    def acceptable(el: El) -> bool:
        # a subheading that opens with a credit ("<h2>BY Jane Doe</h2>") is the byline, not another story's title
        sub = next((a for a in [el, *list(el.iterancestors())[:3]] if a.tag in ("h2", "h3")), None)
        tags = bad_tags - {"h2", "h3"} if sub is not None and CREDIT_LEAD_RE.match(vis_text(sub)) else bad_tags
        return (not is_hidden(el) and el.tag not in tags and not in_bad_area(el, tags, BLOCK_BAD_TOKEN_RE, h1s)
                and not any(contains(s, el) for s in slots) and not _in_card(el) and not _picture_credit(el))

    def bio(el: El) -> bool:
        """A sentence about the person (an author box's or a hover card's bio), not the credit line."""
        return len(vis_text(el)) > 120

    cands: list[tuple[int, bool, int, El]] = []
    full_names = [fold(p) for p in persons if fold(p)]
    surnames = [fold(p.split()[-1]) for p in persons if len(p.split()) > 1 and len(p.split()[-1]) > 4]
    if full_names or surnames:
        for el in doc.iter():
            if not is_el(el) or el.tag in SKIP_TEXT_TAGS:
                continue
            own = [el.text or ""] + [c.tail or "" for c in el]
            f = f" {fold(' '.join(own))} "
            full = any(f" {n} " in f for n in full_names)
            if not f.strip() or not (full or any(f" {n} " in f for n in surnames)):
                continue
            if not acceptable(el):
                continue
            marked = any(is_marked(a) for a in [el, *list(el.iterancestors())[:4]])
            if not full and not marked:
                # a surname alone in unmarked text is a topic link ("Smith on the summit") or a
                # mention, not the reporter's credit line
                continue
            if near(el, 2500) and (marked or near(el, 400)):
                cands.append((0 if marked else 1, bio(el), -order[el], el))
            elif marked and (near(el, 5000) or under_headline(el)):
                cands.append((2, bio(el), -order[el], el))
            elif marked and after_body(el, 1500):
                cands.append((3, bio(el), order[el], el))
    if not cands:
        for el in doc.iter():
            if not is_el(el) or not is_marked(el) or el.tag in ("meta", "link", "img", "script"):
                continue
            t = vis_text(el)
            if not (2 <= len(t) <= 100) or not acceptable(el) or not near(el, 1200):
                continue
            if any(h is el or contains(el, h) for h in h1s):
                continue
            cands.append((4, False, -order[el], el))
    if not cands:
        return None
    cands.sort(key=lambda c: (c[0], c[1], c[2]))
    block = _expand_block(cands[0][3], h1s, first)
    if any(contains(block, s) for s in slots):
        return None
    return block


_CARD_RE = re.compile(r"(?:^|[-_\s])(?:card|tooltip|popover|hovercard|overlay|modal)(?:[-_\s]|$)", re.I)


_CAPTION_RE = re.compile(r"caption", re.I)


def _picture_credit(el: El) -> bool:
    """A picture's credit: beside a caption (a sibling whose class says so), under a picture a level up
    ("<div class=info><span class=caption>..</span><span class=credit>mbl.is/Jane Doe</span></div>")."""
    parent = el.getparent()
    if parent is None or not any(_CAPTION_RE.search(t) for c in parent if is_el(c) and c is not el for t in tokens(c)):
        return False
    return any(a.find(".//img") is not None or a.find(".//picture") is not None for a in (parent, parent.getparent())
               if a is not None)


def _in_card(el: El) -> bool:
    """Inside a hover or info card (shown on a pointer's hover, which the generator cannot see)."""
    return any(_CARD_RE.search(" ".join([a.get("class") or "", a.get("id") or ""])) for a in [el, *el.iterancestors()])


def _find_region(doc: El, tag: str, pattern: str, last: bool = False) -> Optional[El]:
    rx = re.compile(pattern, re.I)
    found = None
    for el in doc.iter():
        if not is_el(el) or el.tag in ("html", "body", "head", "script", "style", "meta", "link"):
            continue
        if (el.tag == tag or any(rx.fullmatch(t) for t in tokens(el))) and not is_hidden(el):
            found = el
            if not last:
                return el
    return found


def _has_empty_byline(doc: El, first_slot: El) -> bool:
    """A visible element marked byline/author above the body with no text: the page fills it with JavaScript."""
    order, _ = _order(doc)
    rx = re.compile(r"(^|[-_ ])(byline|author|authors|author-name|byline-name)([-_ ]|$)", re.I)
    loose = re.compile(r"author|byline", re.I)
    for el in doc.iter():
        if not is_el(el) or el.tag in ("meta", "link", "script", "img", "style", "noscript", "template", "input", "hr"):
            continue
        if order[el] >= order[first_slot]:
            break
        marks = [el.get("itemprop") or "", el.get("class") or "", el.get("id") or "", el.get("data-component") or ""]
        # an empty list or block inside an author container counts too (ul.authorList, dl in div.elementAuthors)
        near = [m for a in list(el.iterancestors())[:3] for m in (a.get("class") or "", a.get("id") or "")]
        if not (any(rx.search(m) for m in marks) or any(loose.search(m) for m in [*marks, *near])):
            continue
        if "icon" in " ".join(marks).lower() or "avatar" in " ".join(marks).lower():
            continue
        if vis_text(el) or el.find(".//img") is not None or is_hidden(el):
            continue
        return True
    return False


def _leftover_person(doc: El, keep_out: Sequence[El], first_slot: El, last_slot: El, persons: Sequence[str],
                     h1: Optional[El] = None) -> bool:
    """Whether another credit is still shown near the text outside the byline block, headline and body (the page's
    person in a second author line, an author box or a reporter card; a "By <a wire>" line): on such a layout an emptied byline slot stands beside a visible credit of
    someone else, which a reader takes as the page's credit, so it cannot host a 'review' case."""
    names = [fold(p) for p in persons if fold(p)]
    order, prefix = _order(doc)
    first, last = order[first_slot], order[last_slot]
    end = prefix[last] + len(vis_text(last_slot))

    top = order[h1] if h1 is not None and order[h1] < first else first

    def near(el: El) -> bool:  # where a reader looks for the article's credit: under the headline, just above
        pos = order.get(el)  # the text (however long the head is) or right after it
        return pos is not None and (top <= pos < first or 0 <= prefix[first] - prefix[pos] <= LEFTOVER_NEAR_CHARS
                                    or (pos > last and prefix[pos] - end <= LEFTOVER_NEAR_CHARS))

    for el in doc.iter():
        if not is_el(el) or el.tag in SKIP_TEXT_TAGS:
            continue
        raw = " ".join(" ".join([el.text or ""] + [c.tail or "" for c in el]).split())
        own = f" {fold(raw)} "
        named = any((f" {n} " in own) if n.isascii() else (n.replace(" ", "") in own.replace(" ", "")) for n in names)
        line = raw if not raw or _LEFTOVER_BY_RE.match(raw) else ""
        if raw and _BY_ALONE_RE.fullmatch(raw):  # "<span>By:</span> <a>Wire</a>": the prefix and the name apart
            par = el.getparent()
            line = " ".join(vis_text(par if par is not None and len(vis_text(el)) < 8 else el).split())
        by_line = bool(line) and bool(_LEFTOVER_BY_RE.match(line)) and len(line) <= 100 and not _CONSENT_RE.match(line)
        # a short line the page marks as its byline ("<div class=nb-byline>Outlet Contributor</div>"): a credit a
        # reader sees, whoever it names (not a date or a bare count)
        marked_line = (bool(raw) and 2 <= len(raw.split()) <= 6 and not any(ch.isdigit() for ch in raw) and any(
            is_marked(a) or _credit_slot(a) or a.tag == "address" for a in [el, *list(el.iterancestors())[:3]]))
        if not (named or by_line or marked_line):
            continue
        # (aria-hidden hides from a screen reader, not from the eye: a second, aria-hidden copy of the credit is seen)
        if any(k is el or contains(k, el) or contains(el, k) for k in keep_out) or not near(el) or is_hidden(el, aria=False):
            continue
        # a credit: a line opening with a credit prefix ("By: <a wire>"), or the person in an author-marked element;
        # not a sentence that mentions the person ("Jane Doe can be reached at ...") or an editor's line
        if by_line or marked_line or any(is_marked(a) or _credit_slot(a) for a in [el, *list(el.iterancestors())[:3]]):
            return True
    return False


_BY_ALONE_RE = re.compile(r"(?:by|par|por|von|door|di|av)\s*:?", re.I)
_LEFTOVER_BY_RE = re.compile(r"\s*(?:by|par|por|von|door|di|av)\s*:?\s+\S", re.I)
_CONSENT_RE = re.compile(r"\s*by\s+(?:clicking|using|continuing|signing|subscribing|submitting|entering)\b", re.I)


LEFTOVER_NEAR_CHARS = 1500  # visible characters above the text or after it that still hold the article's credits


def analyse(page: RealPage) -> tuple[Optional[Layout], Optional[str]]:
    """A Layout for a real page, or the reason it cannot host a transplanted article."""
    try:
        doc = parse(page.text)
    except (etree.ParserError, ValueError) as e:  # pragma: no cover - defensive
        return None, f"unparseable: {e}"
    body = doc.find("body")
    if body is None:
        return None, "no <body>"
    slots, why = _find_slots(doc, page.meta.get("paragraphs") or ())
    if why:
        return None, why
    persons = [fold(x) for x in page.meta.get("persons") or [] if fold(x)]

    def byline_like(p: El) -> bool:
        t = vis_text(p)
        f = f" {fold(t)} "
        return len(t) < 150 and (is_marked(p) or any(f" {n} " in f for n in persons)
                                 or re.match(r"(by|written by|posted by|par)\b", t, re.I) is not None)

    slots = [s for s in slots if not byline_like(s)]
    if len(slots) < 2:
        return None, "fewer than two body paragraphs besides the byline"
    tree = doc.getroottree()
    block = _find_block(doc, slots, page.meta.get("persons") or [])
    if block is not None:
        slots = [s for s in slots if not contains(block, s) and not contains(s, block)]
        if len(slots) < 2:
            return None, "byline block and body cannot be told apart"
    # lowest common ancestor of the slots
    anc = [slots[0], *slots[0].iterancestors()]
    container = next(a for a in anc if all(contains(a, s) for s in slots))
    order, prefix = _order(doc)
    h1 = None
    visible_h1 = [h for h in doc.iter("h1") if not is_hidden(h) and vis_text(h)]
    before = [h for h in visible_h1 if order[h] < order[slots[0]]]
    if before:
        h1 = before[-1]
    elif visible_h1:
        h1 = visible_h1[0]
    if h1 is not None and any(contains(h1, s) for s in slots):
        h1 = None
    sidebar = _find_region(doc, "aside", r"sidebar[\w-]*|secondary|[\w-]*rail[\w-]*|widget-area")
    footer = _find_region(doc, "footer", r"(site-|page-|global-)?footer", last=True)
    if sidebar is not None and (contains(sidebar, container) or contains(container, sidebar)):
        sidebar = None
    if footer is not None and (contains(footer, container) or contains(container, footer)):
        footer = None
    empty_byline = _has_empty_byline(doc, slots[0])
    leftover = _leftover_person(doc, [x for x in (block, h1, *slots) if x is not None], slots[0], slots[-1],
                                page.meta.get("persons") or [], h1)
    gp = tree.getpath
    return (
        Layout(
            name=page.name,
            text=page.text,
            meta=page.meta,
            slots=[gp(s) for s in slots],
            container=gp(container),
            block=gp(block) if block is not None else None,
            block_text=vis_text(block)[:120] if block is not None else "",
            h1=gp(h1) if h1 is not None else None,
            sidebar=gp(sidebar) if sidebar is not None else None,
            footer=gp(footer) if footer is not None else None,
            empty_byline=empty_byline,
            leftover_person=leftover,
        ),
        None,
    )


_ANALYSED: dict[tuple[str, str], tuple[Optional[Layout], Optional[str]]] = {}


def analyse_cached(page: RealPage) -> tuple[Optional[Layout], Optional[str]]:
    """analyse(), once per page per process (it does not depend on the seed)."""
    key = (page.kind, page.name)
    if key not in _ANALYSED:
        if page.kind == "fundus" and page.meta.get("byline_visible") is None:
            _ANALYSED[key] = (None, "fundus: byline_visible is null (nothing of the article shows without JavaScript)")
        elif page.kind == "fundus" and page.meta.get("body_visible_without_js") in ("none", "partial"):
            _ANALYSED[key] = (None, f"fundus: body_visible_without_js={page.meta.get('body_visible_without_js')}")
        else:
            try:
                _ANALYSED[key] = analyse(page)
            except Exception as e:  # never let one page break the corpus
                _ANALYSED[key] = (None, f"analysis error: {type(e).__name__}: {e}")
    return _ANALYSED[key]


# --------------------------------------------------------------------------------------------
# rendering snippets
# --------------------------------------------------------------------------------------------

PUA = {"\ue001": "&#8220;", "\ue002": "&#8221;", "\ue003": "&#8217;", "\ue004": "&#8216;", "\ue005": "&nbsp;",
       "\ue006": "&mdash;", "\ue007": "&rsquo;", "\ue008": "&ldquo;", "\ue009": "&rdquo;"}


def smarten(t: str) -> str:
    out = []
    for i, c in enumerate(t):
        prev = t[i - 1] if i else " "
        if c == '"':
            out.append("\u201c" if prev.isspace() or prev in "([{\u2014-" else "\u201d")
        elif c == "'":
            out.append("\u2018" if prev.isspace() or prev in "([{" else "\u2019")
        else:
            out.append(c)
    return "".join(out)


def render_para(text: str, style: str, rng: random.Random, link: bool) -> str:
    """Inner HTML of one body paragraph; the words are the original's, the punctuation may differ."""
    t = text
    if style in ("curly", "entities", "named-entities"):
        t = smarten(t)
    t = esc(t)
    if link:
        words = t.split(" ")
        if len(words) > 12:
            i = rng.randrange(2, len(words) - 6)
            n = rng.randint(2, 4)
            phrase = " ".join(words[i:i + n])
            if "<" not in phrase and "&" not in phrase:
                slug = re.sub(r"[^a-z0-9]+", "-", fold(phrase)).strip("-")
                words[i:i + n] = [f'<a href="https://partner.example/tag/{slug}/">{phrase}</a>']
                t = " ".join(words)
    if style == "entities":
        t = t.replace("\u201c", "\ue001").replace("\u201d", "\ue002").replace("\u2019", "\ue003")
        t = t.replace("\u2018", "\ue004")
    elif style == "named-entities":
        t = t.replace("\u201c", "\ue008").replace("\u201d", "\ue009").replace("\u2019", "\ue007")
        t = t.replace("\u2014", "\ue006")
    if style in ("entities", "nbsp"):
        # a non-breaking space or two, as editors' paste often leaves behind
        idx = [m.start() for m in re.finditer(r"(?<=[a-z]) (?=[a-z])", t)]
        for j in rng.sample(idx, min(2, len(idx))):
            t = t[:j] + "\ue005" + t[j + 1:]
    return t


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold(name)).strip("-")


ROLES = ["Reporter", "Energy Reporter", "Education Reporter", "Investigative Reporter", "Contributor",
         "Politics Reporter", "Staff Reporter"]
OTHER_PEOPLE = ["Kevin Marsh", "Rachel Dunn", "Tom Brecker", "Alicia Fenwick", "Dwayne Pickett", "Laura Simms"]
OTHER_DCNF = [("Nora Castellanos", "Senate Democrats Block Vote On Border Security Package"),
              ("Reid Tallmadge", "EPA Watchdog Flags Missing Grant Records At Regional Office"),
              ("Camille Ostrander", "Teachers Union Spent Millions On Ballot Measures, Filings Show")]
RELATED_HEADLINES = [
    "Biden-Era Climate Grants Still Unspent, Watchdog Says",
    "States Sue Over New Federal School Discipline Guidance",
    "Natural Gas Prices Climb As Cold Snap Grips Northeast",
    "Congress Eyes Overhaul Of Federal Permitting Law",
    "Audit Finds Gaps In Federal Student Aid Oversight",
    "Coal Plant Retirements Slow As Utilities Brace For Demand",
]
DATES = ["January 14, 2026", "Feb 3, 2026", "March 4, 2026 at 9:12 am", "03/18/2026", "Updated March 25, 2026"]

STAFF = ["By Staff", "By Staff Reports", "Staff Writer", "By Web Staff", "By Editorial Staff", "By News Staff",
         "By Wire Staff"]
OUTLETS = ["By The Daily Caller", "By Daily Caller", "By Daily Caller News Foundation", "By DCNF",
           "The Daily Caller News Foundation", "By the Daily Caller News Foundation Staff"]


def display_names(authors: Sequence[str], shape: str) -> list[str]:
    names = list(authors)
    if shape == "by-caps":
        names = [n.upper() for n in names]
    elif shape == "accent-stripped":
        names = [strip_accents(n) for n in names]
    elif shape == "middle-initial-dropped":
        names = [" ".join(w for w in n.split() if not re.fullmatch(r"[A-Z]\.", w)) for n in names]
    elif shape == "middle-initial-added":
        out = []
        for i, n in enumerate(names):
            w = n.split()
            if len(w) == 2:
                w.insert(1, "JRTMA"[(len(n) + i) % 5] + ".")
            out.append(" ".join(w))
        names = out
    return names


def name_html(name: str, rng: random.Random, split: bool = False, marked: bool = False) -> str:
    href = f"/author/{slugify(name)}/"
    if split:
        first, last = name.rsplit(" ", 1)
        return f'<a href="{href}">{esc(first)}</a> <span>{esc(last)}</span>'
    if marked:
        kind = rng.choice(["itemprop", "rel", "class"])
        if kind == "itemprop":
            return f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">{esc(name)}</span></span>'
        if kind == "rel":
            return f'<a href="{href}" rel="author">{esc(name)}</a>'
        return f'<span class="author vcard"><a class="url fn n" href="{href}">{esc(name)}</a></span>'
    style = rng.choice(["plain", "link", "link", "link-rel", "strong"])
    if style == "plain":
        return esc(name)
    if style == "strong":
        return f"<strong>{esc(name)}</strong>"
    rel = ' rel="author"' if style == "link-rel" else ""
    return f'<a href="{href}" title="Posts by {attr(name)}"{rel}>{esc(name)}</a>'


def join_names(parts: list[str], how: str) -> str:
    if len(parts) == 1:
        return parts[0]
    if how == "comma":
        return ", ".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def alias_html(text: str, rng: random.Random) -> str:
    """Escaped text whose licensor name is sometimes a link to the licensor, as partners often do."""
    out = esc(text)
    if rng.random() < 0.3:
        m = re.search(r"(The )?Daily Caller News Foundation|DCNF", out, re.I)
        if m and "DAILY CALLER" not in out.replace(m.group(0), ""):
            link = f'<a href="https://dailycallernewsfoundation.org/" target="_blank">{m.group(0)}</a>'
            out = out[:m.start()] + link + out[m.end():]
    return out


def aff_suffix(aff: str, rng: random.Random, caps: bool) -> str:
    """Phrasing markup appended inside the byline block for in-block affiliation shapes."""
    role = rng.choice(ROLES)
    if aff == "byline-comma":
        s = ", Daily Caller News Foundation"
    elif aff == "byline-comma-the":
        s = ", The Daily Caller News Foundation"
    elif aff == "byline-paren":
        s = rng.choice([" (Daily Caller News Foundation)", " (DCNF)"])
    elif aff == "byline-pipe-dcnf":
        s = " | DCNF"
    elif aff == "byline-pipe":
        s = " | Daily Caller News Foundation"
    elif aff == "byline-role":
        s = f", {role}, Daily Caller News Foundation"
    elif aff == "second-line":
        line = rng.choice(["Daily Caller News Foundation", f"{role}, Daily Caller News Foundation",
                           "The Daily Caller News Foundation", f"{role}, DCNF"])
        if caps:
            line = line.upper()
        inner = alias_html(line, rng)
        return rng.choice([f"<br>{inner}", f'<br><span class="byline-org">{inner}</span>', f"<br><em>{inner}</em>"])
    elif aff == "daily-caller-logo-next":
        s = rng.choice([", Daily Caller", ", The Daily Caller"])
        return esc(s.upper() if caps else s)
    elif aff == "daily-caller-alone":
        s = rng.choice([", Daily Caller", " | The Daily Caller", f", {role}, The Daily Caller", ", The Daily Caller"])
        return esc(s.upper() if caps else s)
    else:
        return ""
    return alias_html(s.upper() if caps else s, rng)


def logo_img(kind: str, rng: random.Random, host: str) -> str:
    """A visible DCNF logo element of the given technique."""
    up = f"https://{host}/wp-content/uploads/2025/{rng.randint(1, 12):02d}"
    dcnf_file = rng.choice(["dcnf-logo.png", "DCNF-Logo-300x86.png", "daily-caller-news-foundation-logo.jpg",
                            "DCNF_logo.png", "dcnf-logo-dark.png"])
    dcnf_url = rng.choice([f"{up}/{dcnf_file}",
                           "https://dailycallernewsfoundation.org/wp-content/uploads/2019/09/DCNF-logo.png"])
    alt = rng.choice(["Daily Caller News Foundation", "Daily Caller News Foundation logo", "DCNF logo",
                      "The Daily Caller News Foundation", "DCNF"])
    gif = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"
    svgph = "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%20300%2086'%3E%3C/svg%3E"
    wh = rng.choice(['width="300" height="86" ', 'width="250" height="72" ', ""])
    if kind == "img-alt":
        generic = rng.choice(["image-1.png", "logo-1-300x86.png", "IMG_2041.png", "partner-badge.png"])
        return f'<img {wh}src="{up}/{generic}" alt="{attr(alt)}" class="aligncenter size-medium" loading="lazy">'
    if kind == "img-filename-empty-alt":
        return f'<img {wh}src="{dcnf_url}" alt="" class="aligncenter">'
    if kind == "lazy-data-src":
        ns = rng.random() < 0.5
        img = f'<img {wh}src="{gif}" data-src="{dcnf_url}" class="lazyload aligncenter" alt="">'
        return img + (f'<noscript><img src="{dcnf_url}" alt=""></noscript>' if ns else "")
    if kind == "lazysizes":  # the page's CSS fades .lazyload in once lazysizes swaps data-src in (.lazyloaded)
        return f'<img {wh}src="{gif}" data-src="{dcnf_url}" class="lazyload" alt="">'
    if kind == "lazy-data-lazy-src":
        return (f'<img {wh}src="{svgph}" data-lazy-src="{dcnf_url}" class="aligncenter" alt="">'
                f'<noscript><img {wh}src="{dcnf_url}" class="aligncenter" alt=""></noscript>')
    if kind == "srcset":
        base = dcnf_url.rsplit(".", 1)[0]
        return (f'<img {wh}srcset="{base}-300x86.png 300w, {base}.png 600w" sizes="(max-width: 300px) 100vw, 300px" '
                f'alt="">')
    if kind == "data-srcset":
        base = dcnf_url.rsplit(".", 1)[0]
        return (f'<img src="{gif}" data-srcset="{base}-300x86.png 300w, {base}.png 600w" data-sizes="auto" '
                f'class="lazyload" alt="">')
    if kind == "picture-source":
        base = dcnf_url.rsplit(".", 1)[0]
        fallback = rng.choice([f"https://cdn.{host}/media/8f3a2c1e77.png", f"{up}/image-7.png"])
        return (f'<picture><source srcset="{base}.webp" type="image/webp"><source srcset="{base}.png" '
                f'type="image/png"><img src="{fallback}" alt="" {wh}></picture>')
    if kind in ("svg-title", "svg-aria"):
        label = rng.choice(["Daily Caller News Foundation", "Daily Caller News Foundation logo"])
        head = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 300 86" width="300" height="86" role="img"'
                + (f' aria-label="{label}">' if kind == "svg-aria" else ' aria-labelledby="dcnf-logo-title">'
                   f'<title id="dcnf-logo-title">{label}</title>'))
        return (head + '<rect width="86" height="86" rx="8" fill="#0b2a4a"/><path fill="#fff" d="M18 20h22c14 0 '
                '26 10 26 23s-12 23-26 23H18zm12 10v26h9c8 0 14-5 14-13s-6-13-14-13z"/><path fill="#0b2a4a" '
                'd="M100 30h8v26h-8zm16 0h8l12 16V30h8v26h-8l-12-16v16h-8z"/></svg>')
    raise ValueError(kind)


def wrap_logo(inner: str, rng: random.Random) -> str:
    link = rng.random() < 0.4
    if link:
        inner = f'<a href="https://dailycallernewsfoundation.org/" target="_blank" rel="noopener">{inner}</a>'
    return rng.choice([
        f'<p style="text-align: center;">{inner}</p>',
        f'<figure class="wp-block-image aligncenter size-medium">{inner}</figure>',
        f'<div class="dcnf-logo">{inner}</div>',
        f"<p>{inner}</p>",
    ])


def hidden_logo(kind: str, rng: random.Random, host: str) -> str:
    url = f"https://{host}/wp-content/uploads/2025/03/dcnf-logo.png"
    img = f'src="{url}" alt="Daily Caller News Foundation"'
    if kind == "hidden-attr":
        return f'<p><img hidden {img} width="300" height="86"></p>'
    if kind == "display-none":
        return rng.choice([f'<p><img style="display:none" {img} width="300" height="86"></p>',
                           f'<div class="dcnf-logo" style="display: none;"><img {img} width="300" height="86"></div>'])
    if kind == "visibility-hidden":
        return f'<p><img style="visibility: hidden;" {img} width="300" height="86"></p>'
    if kind == "one-pixel":
        return rng.choice([f'<p><img {img} width="1" height="1"></p>',
                           f'<p><img {img} style="width:1px;height:1px"></p>',
                           f'<p><img {img} width="0" height="0"></p>'])
    if kind == "template":
        return f'<template id="dcnf-logo-tpl"><p><img {img} width="300" height="86"></p></template>'
    raise ValueError(kind)


def daily_caller_logo(rng: random.Random, host: str) -> str:
    return wrap_logo(rng.choice([
        f'<img src="https://{host}/wp-content/uploads/2025/02/dailycaller-logo.png" alt="The Daily Caller" width="300" height="60">',
        f'<img src="https://{host}/wp-content/uploads/2025/02/daily-caller-logo-2x.png" alt="Daily Caller logo" width="260" height="52">',
        '<img src="https://cdn01.dailycaller.com/img/dailycaller-logo.png" alt="The Daily Caller" width="300" height="60">',
    ]), rng)


def notice_html(rng: random.Random, pclass: str) -> str:
    text = esc(NOTICE)
    if rng.random() < 0.5:
        text = text.replace("licensing@dailycallernewsfoundation.org",
                            '<a href="mailto:licensing@dailycallernewsfoundation.org">licensing@dailycallernewsfoundation.org</a>')
    cls = f' class="{attr(pclass)}"' if pclass and rng.random() < 0.5 else ""
    return rng.choice([f"<p{cls}><em>{text}</em></p>", f"<p{cls}><strong>{text}</strong></p>",
                       f'<p class="dcnf-notice"><span style="font-size: 10pt;">{text}</span></p>', f"<p{cls}>{text}</p>"])


def ad_html(rng: random.Random, i: int) -> str:
    return rng.choice([
        f'<div class="code-block code-block-{i}" style="margin: 8px auto; text-align: center; display: block; clear: both;">'
        f'<div id="div-gpt-ad-16{i:02d}-0"></div><script>googletag.cmd.push(function(){{googletag.display("div-gpt-ad-16{i:02d}-0");}});</script></div>',
        f'<div class="ad-container in-article"><span class="ad-label">Advertisement</span><ins class="adsbygoogle" '
        f'style="display:block" data-ad-slot="98{i}71"></ins></div>',
        '<div class="inline-ad" data-ad-unit="mid-article"></div>',
    ])


def related_html(rng: random.Random) -> str:
    h = rng.choice(RELATED_HEADLINES)
    href = "/2026/" + slugify(h) + "/"
    return rng.choice([
        f'<p><strong>Related: <a href="{href}">{esc(h)}</a></strong></p>',
        f'<p>(RELATED: <a href="{href}">{esc(h)}</a>)</p>',
        f'<p class="related-inline">READ MORE: <a href="{href}">{esc(h)}</a></p>',
    ])


def teaser_html(rng: random.Random, title: str, byline_inner: str, excerpt: str = "", logo: str = "") -> str:
    href = "/2026/" + slugify(title) + "/"
    ex = f'<p class="excerpt">{esc(excerpt)}</p>' if excerpt else ""
    return rng.choice([
        f'<aside class="related-posts"><h3>Related</h3><ul><li>{logo}<a href="{href}">{esc(title)}</a> '
        f'<span class="byline">{byline_inner}</span>{ex}</li></ul></aside>',
        f'<aside class="widget recent-posts"><h4 class="widget-title">More Stories</h4><div class="teaser">{logo}'
        f'<h5><a href="{href}">{esc(title)}</a></h5><p class="teaser-byline">{byline_inner}</p>{ex}</div></aside>',
        f'<div class="related-block"><p><strong>Related:</strong> <a href="{href}">{esc(title)}</a> '
        f'<span class="meta">{byline_inner}</span></p>{ex}</div>',
    ])


# --------------------------------------------------------------------------------------------
# the transplant
# --------------------------------------------------------------------------------------------

# byline shapes after the `|` each add one trap the checker must see through (issue 10's fault kinds)
UNDER_HEADLINE = ["in-nav", "in-aside", "entry-meta-social"]
BYLINE_PASS = ["by-name", "by-caps", "accent-stripped", "middle-initial-dropped", "middle-initial-added",
               "split-elements", "pipe-outlet", "name-role-outlet", "marked-no-by", "foot-author-line",
               "two-and", "two-comma",
               "cookie-banner", "teaser-cards", "two-and-role", *UNDER_HEADLINE, "print-hidden-class"]
BYLINE_FAIL = ["none", "staff", "outlet", "other-person", "page-own-byline", "last-name-only", "meta-author-only",
               "jsonld-only", "hidden-element", "one-of-two", "body-sentence", "sidebar-teaser",
               "css-hidden", "follow-line"]
# the checker cannot tell (DESIGN.md): the byline is filled in by JavaScript, or the licensor does not know
# the original's authors; byline and affiliation must both say `review`
BYLINE_REVIEW = ["js-empty", "unknown-authors"]
AFF_PASS = ["byline-comma", "byline-comma-the", "byline-paren", "byline-pipe-dcnf", "byline-pipe", "byline-role",
            "second-line", "element-before", "element-after", "logo-alt-in-byline", "author-bio"]
AFF_FAIL = ["none", "daily-caller-alone", "notice-only", "body-sentence", "other-person", "daily-caller-logo-next"]
LOGO_PASS = ["img-alt", "img-filename-empty-alt", "lazy-data-src", "lazy-data-lazy-src", "srcset", "data-srcset",
             "picture-source", "svg-title", "svg-aria", "lazysizes"]
LOGO_FAIL = ["none", "daily-caller-logo", "hidden-attr", "display-none", "visibility-hidden", "one-pixel",
             "template", "og-image-only", "json-ld-only"]
LOGO_HIDDEN = {"hidden-attr", "display-none", "visibility-hidden", "one-pixel", "template"}


@dataclass
class Plan:
    byline: str
    aff: str
    logo: str
    placement: str = "auto"  # slot | head | foot
    logo_pos: str = "auto"  # top | foot
    notice: Optional[bool] = None
    logo_away: bool = False  # put the logo on the side of the body away from where the credit lands


class Builder:
    """Applies one Plan to a fresh parse of a layout, collecting raw snippets behind placeholders."""

    def __init__(self, layout: Layout, article: dict[str, Any], plan: Plan, rng: random.Random):
        self.layout, self.article, self.plan, self.rng = layout, article, plan, rng
        self.doc = parse(layout.text)
        self.tree = self.doc.getroottree()
        self.raw: dict[str, str] = {}
        self.host = f"www.{layout.name.split('-')[0]}-news.example"
        self.notes: list[str] = []

    # -- placeholders --
    def ph(self, html: str) -> El:
        key = f"SYNDICHECK-{len(self.raw)}"
        self.raw[key] = html
        return etree.Comment(key)

    def node(self, path: Optional[str]) -> Optional[El]:
        if not path:
            return None
        r = self.tree.xpath(path)
        return r[0] if r else None

    def set_inner(self, el: El, html: str) -> None:
        for c in list(el):
            el.remove(c)
        el.text = None
        el.append(self.ph(html))

    def insert_before(self, el: El, html: str) -> None:
        c = self.ph(html)
        el.addprevious(c)
        c.tail = None

    def insert_after(self, el: El, html: str) -> El:
        c = self.ph(html)
        tail = el.tail
        el.tail = None
        el.addnext(c)
        c.tail = tail
        return c

    def drop(self, el: El) -> None:
        """Remove an element, and the author-marked wrappers it leaves empty: a partner template
        without a byline renders no empty author list (an empty one is how a script-filled byline
        looks, which is the js-empty shape's, not a removed byline's)."""
        parent = el.getparent()
        if parent is None:
            return
        el.drop_tree()
        while parent is not None and parent.getparent() is not None and _credit_slot(parent) and not (
                "".join(parent.itertext()).strip() or parent.xpath(".//img|.//svg|.//comment()")):
            # (a comment is a placeholder for raw markup inserted at render: not empty)
            up = parent.getparent()
            parent.drop_tree()
            parent = up

    def render(self) -> str:
        out = serialize(self.doc)
        for k, v in self.raw.items():
            out = out.replace(f"<!--{k}-->", v, 1)
        for k, v in PUA.items():
            out = out.replace(k, v)
        return out

    # -- the steps --
    def build(self) -> str:
        rng, plan, art = self.rng, self.plan, self.article
        L = self.layout
        slots = [self.node(p) for p in L.slots]
        container = self.node(L.container)
        block = self.node(L.block)
        h1 = self.node(L.h1)
        paras = paragraphs(art)
        n_use = min(len(slots), len(paras))
        used = slots[:n_use]
        keep = [*used, *(x for x in (block, h1) if x is not None)]
        keep_anc: set[El] = set()
        for k in keep:
            keep_anc.add(k)
            keep_anc.update(k.iterancestors())
        keep_desc = {d for k in keep for d in k.iter()}
        # 1. clear the old story out of the body container
        for el in list(container.iterdescendants()):
            if not is_el(el) or el in keep_anc or el in keep_desc:
                continue
            root = el
            while root.getparent() is not None:
                root = root.getparent()
            if root is not self.doc:
                continue
            t = vis_text(el)
            content_tag = el.tag in ("p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "figure",
                                     "table", "pre", "dl", "figcaption")
            if (content_tag and t) or len(t) >= 25:
                self.drop(el)
        # 2. the article's paragraphs in the page's own paragraph elements
        style = rng.choice(["straight", "curly", "curly", "entities", "named-entities", "nbsp"])
        pclass = used[0].get("class") or ""
        body_mod = self._body_modifications(paras)
        last = used[-1]
        pel: list[El] = []
        for i, text in enumerate(body_mod):
            inner = render_para(text, style, rng, link=rng.random() < 0.12)
            if i < n_use:
                el = used[i]
                self.set_inner(el, inner)
            else:
                el = lxml.html.Element(last.tag, {k: v for k, v in last.attrib.items() if k != "id"})
                el.tail = last.tail
                last.addnext(el)
                self.set_inner(el, inner)
            last = el
            pel.append(el)
        # interleaved ads / related links
        n_ins = rng.choice([0, 0, 1, 2, 3])
        for j, i in enumerate(sorted(rng.sample(range(1, len(pel) - 2), min(n_ins, max(0, len(pel) - 3))))):
            self.insert_after(pel[i], ad_html(rng, j + 2) if rng.random() < 0.5 else related_html(rng))
        self.first_para, self.last_para, self.pclass = pel[0], pel[-1], pclass
        foot_anchor = pel[-1]
        # 3. license notice at the end of the body
        notice = plan.notice if plan.notice is not None else rng.random() < 0.6
        if plan.aff == "notice-only":
            notice = True
        self.has_notice = notice
        if notice:
            foot_anchor = self.insert_after(foot_anchor, notice_html(rng, pclass))
        self.foot_anchor = foot_anchor
        # 4. headline and <head>
        self._headline(h1)
        # 5. byline / affiliation, then the logo
        credit_after_body = block is not None and self._after(block, self.last_para)
        self._byline(block)
        self.credit_after_body = self.placement == "foot" or (
            self.placement in ("slot", "slot-emptied") and credit_after_body)
        self._logo()
        return self.render()

    def _after(self, el: El, ref: El) -> bool:
        """Whether `el` comes after `ref` in document order (and is not inside it)."""
        for x in self.doc.iter():
            if x is ref:
                return not contains(ref, el)
            if x is el:
                return False
        return False

    def _body_modifications(self, paras: list[str]) -> list[str]:
        out = list(paras)
        plan, rng = self.plan, self.rng
        mid = max(1, len(out) // 2)
        if plan.byline == "body-sentence":
            names = self.article["authors"]
            who = " and ".join(names)
            s = rng.choice([
                f" {who} first reported on the dispute in December, when agency records showed the review had stalled.",
                f" As {who} reported earlier this year, the figures had been disputed for months.",
            ])
            out[mid] = out[mid] + s
        if plan.byline == "follow-line":
            # DCNF originals end with "Follow <reporter> on Twitter" (../shared/corpus/dcnf-texts): a copy that
            # drops the byline often keeps that line, which names the reporter but credits no one
            who = " and ".join(self.article["authors"])
            out.append(rng.choice([f"Follow {who} on Twitter.", f"Follow {who} on X.",
                                   f"Follow {who} on Twitter. Send tips to tips@dailycallernewsfoundation.org."]))
        if plan.aff == "body-sentence" and "Daily Caller News Foundation" not in self.article["text"]:
            s = rng.choice([
                " A spokesperson confirmed the figures to the Daily Caller News Foundation on Tuesday.",
                " The office did not respond to the Daily Caller News Foundation's request for comment.",
            ])
            out[mid + 1 if mid + 1 < len(out) else mid] += s
        return out

    def _headline(self, h1: Optional[El]) -> None:
        rng = self.rng
        title = self.article["title"]
        variant = rng.choice(["same", "same", "prefix", "case", "trim"])
        if variant == "prefix":
            title = rng.choice(["EXCLUSIVE: ", "REPORT: ", "WATCH: "]) + title
        elif variant == "case":
            small = {"a", "an", "the", "of", "on", "in", "to", "for", "and", "as", "at", "by", "after"}
            title = " ".join(w.lower() if w.lower() in small and i else w for i, w in enumerate(title.split()))
        elif variant == "trim":
            title = title.split(" After ")[0].split(" As ")[0]
        self.headline = title
        if h1 is not None:
            for c in list(h1):
                h1.remove(c)
            h1.text = title
        head = self.doc.find("head")
        if head is None:
            return
        t = head.find("title")
        if t is not None:
            t.text = f"{title} | {self.layout.site}"
        for m in head.iter("meta"):
            if (m.get("property") or m.get("name") or "").lower() in ("og:title", "twitter:title"):
                m.set("content", title)

    # -- byline --
    def _block_placement(self, block: Optional[El]) -> str:
        p = self.plan.placement
        if self.plan.byline == "foot-author-line":
            return "foot"
        if self.plan.byline in UNDER_HEADLINE:
            return "under-h1"
        if p == "auto":
            p = "slot" if block is not None and self.rng.random() < 0.65 else "head"
        if p == "slot" and block is None:
            p = "head"
        if p == "slot" and self.plan.aff in ("element-before", "element-after"):
            par = block.getparent()
            if par is None or par.tag in NO_FLOW_CHILDREN or par.tag in LIST_TAGS:
                p = "head"
        return p

    def _names(self, shape: str) -> list[str]:
        authors = self.article["authors"]
        return display_names(authors, shape)

    def _credit(self, placement: str) -> tuple[str, str, str]:
        """(inner phrasing markup of the byline block, html before the block, html after the block)."""
        rng, plan = self.rng, self.plan
        shape, aff = plan.byline, plan.aff
        names = self._names(shape)
        caps = shape == "by-caps"
        how = "comma" if shape == "two-comma" else rng.choice(["and", "and", "comma"]) if shape not in (
            "two-and", "two-and-role") else "and"
        split = shape == "split-elements"
        marked = shape == "marked-no-by"
        parts = [name_html(n, rng, split=split, marked=marked) for n in names]
        N = join_names(parts, how)
        if shape == "by-caps" and how == "and":
            N = N.replace(" and ", " AND ")
        if shape == "two-and-role":  # "Will Kessler and Jason Cohen China/Asia Pacific Reporter"
            N += " " + esc(rng.choice(["China/Asia Pacific Reporter", "Energy Reporters", "Politics Reporter",
                                       "Contributors", "Investigative Reporters"]))
        if shape in ("marked-no-by", "pipe-outlet", "name-role-outlet", "two-and-role"):
            prefix = ""
        elif shape == "foot-author-line":
            prefix = "" if aff == "author-bio" else rng.choice(["", "Written by ", "By ", "\u2014 "])
        elif caps:
            prefix = "BY "
        elif split:
            prefix = '<span class="by">By</span> '
        else:
            prefix = rng.choice(["By ", "By ", "by ", '<span class="byline-prefix">By</span> ', "BY "
                                 if shape == "two-and" else "By "])
        suffix = aff_suffix(aff, rng, caps)
        if shape == "pipe-outlet" and aff not in ("byline-pipe", "byline-pipe-dcnf", "daily-caller-alone"):
            suffix = esc(" | Daily Caller News Foundation")
        if aff == "logo-alt-in-byline":
            img = (f'<img class="byline-logo" src="https://{self.host}/wp-content/uploads/2024/05/'
                   f'{rng.choice(["dcnf-icon.png", "partner-logo-small.png", "dcnf-logo-mini.png"])}" '
                   f'alt="Daily Caller News Foundation" width="{rng.choice([96, 120, 150])}" height="28">')
            inner = rng.choice([f"{img} {prefix}{N}", f"{prefix}{N} {img}"])
        else:
            inner = f"{prefix}{N}{suffix}"
        if placement != "foot" and rng.random() < 0.35 and aff != "second-line" and shape != "pipe-outlet":
            sep = rng.choice([" | ", " \u2022 ", " \u2014 ", "<br>"])
            inner += f'{sep}<time datetime="{self.article["published"]}">{rng.choice(DATES)}</time>'
        if shape == "print-hidden-class":
            # hidden only when printed: on screen the byline shows
            inner = f'<span class="{self.print_class}">{inner}</span>'
        role = rng.choice(ROLES)
        before = after = ""
        if aff == "daily-caller-logo-next":
            kind = rng.choice([k for k in LOGO_PASS if k != "lazysizes"])
            self.after_raw = wrap_logo(logo_img(kind, rng, self.host), rng)
        if aff == "element-before":
            before = rng.choice(["From the Daily Caller News Foundation", "Daily Caller News Foundation",
                                 "Originally published by the Daily Caller News Foundation",
                                 "FROM THE DAILY CALLER NEWS FOUNDATION"])
        elif aff == "element-after":
            after = rng.choice(["Daily Caller News Foundation", f"{role}, Daily Caller News Foundation",
                                "The Daily Caller News Foundation", f"DCNF {role}"])
        return inner, before, after

    def _fail_credit(self) -> Optional[str]:
        """Inner markup of a visible byline that does not name every reporter (None: no visible byline)."""
        rng, shape = self.rng, self.plan.byline
        authors = self.article["authors"]
        tail = rng.choice(["", "", ", Daily Caller News Foundation"])
        if shape == "staff":
            return esc(rng.choice(STAFF) + tail)
        if shape == "outlet":
            return esc(rng.choice(OUTLETS))
        if shape == "other-person":
            return "By " + name_html(rng.choice(OTHER_PEOPLE), rng) + esc(tail)
        # no licensor name beside a partial credit: the affiliation verdict stays unambiguous
        if shape == "last-name-only":
            lasts = [a.split()[-1] for a in authors]
            return rng.choice(["By ", "BY ", ""]) + " and ".join(name_html(x, rng) for x in lasts)
        if shape == "one-of-two":
            return "By " + name_html(authors[rng.randrange(len(authors))], rng)
        if shape == "css-hidden":
            names = join_names([name_html(a, rng) for a in authors], "and")
            inner = "By " + names + esc(rng.choice(["", ", Daily Caller News Foundation"]))
            how = rng.choice(["css", "css-screen", "hidden"])
            if how == "hidden":
                return f"<span hidden>{inner}</span>"
            cls = rng.choice(["js-byline-collapsed", "meta-x", "u-off"])
            css = f".{cls}{{display:none}}"
            self._head_style(f"@media screen{{{css}}}" if how == "css-screen" else css)
            return f'<span class="{cls}">{inner}</span>'
        return None

    def _byline(self, block: Optional[El]) -> None:
        rng, plan = self.rng, self.plan
        shape = plan.byline
        head = self.doc.find("head")
        authors = self.article["authors"]
        if shape == "js-empty":
            # the partner's theme fills the byline in with JavaScript: the element is there, empty
            if block is not None and is_marked(block) and rng.random() < 0.5:
                self.set_inner(block, "")
                self.placement = "slot-emptied"
            else:
                if block is not None:
                    self.drop(block)
                self.insert_before(self.first_para, rng.choice([
                    '<div class="byline"></div>', '<p class="article-author" data-author-id="1187"></p>',
                    '<div class="author-name"><span class="author"></span></div>',
                    '<div class="byline" data-component="byline"><span class="byline__name"></span> '
                    '<time class="byline__date"></time></div>']))
                self.placement = "head"
            return
        if shape in BYLINE_PASS or shape == "unknown-authors":
            if shape == "print-hidden-class":
                self.print_class = rng.choice(["u-noprint-hide", "meta-line", "c-author"])
                css = f".{self.print_class}{{display:none}}"
                self._head_style(css, media="print") if rng.random() < 0.5 else self._head_style(
                    f"@media print{{{css}}}")
            placement = self._block_placement(block)
            self.placement = placement
            inner, before, after = self._credit(placement)
            self._place_credit(block, placement, inner, before, after)
            self._aff_fail_extras(placement)
            self._traps()
            if head is not None and rng.random() < 0.5:
                self._meta_author(head, ", ".join(authors))
            return
        # byline fails
        if shape == "page-own-byline":
            self.placement = "slot"
            return  # the partner's theme keeps crediting its own person
        credit = self._fail_credit()
        if credit is not None:
            placement = self._block_placement(block) if plan.placement == "auto" else plan.placement
            if placement == "foot" and block is None:
                placement = "head"
            self.placement = placement
            self._place_credit(block, placement, credit, "", "")
            return
        self.placement = "none"
        if block is not None:
            self.drop(block)
        if shape == "meta-author-only" and head is not None:
            self._meta_author(head, ", ".join(authors))
        elif shape == "jsonld-only" and head is not None:
            self._jsonld(head, authors=authors)
        elif shape == "hidden-element":
            names = join_names([esc(a) for a in authors], "and")
            how = rng.choice(["hidden", "display", "visibility"])
            attr_s = {"hidden": "hidden", "display": 'style="display:none"',
                      "visibility": 'style="visibility: hidden"'}[how]
            html = rng.choice([f'<p class="byline" {attr_s}>By {names}, Daily Caller News Foundation</p>',
                               f'<div class="author-meta" {attr_s}><span class="author">{names}</span></div>'])
            self.insert_before(self.first_para, html)
        elif shape == "sidebar-teaser":
            names = join_names([name_html(a, rng) for a in authors], "and")
            title, _ = rng.choice(RELATED_HEADLINES), None
            html = teaser_html(rng, title, "By " + names + rng.choice(["", ", Daily Caller News Foundation"]))
            self._place_aside(html)

    def _place_credit(self, block: Optional[El], placement: str, inner: str, before: str, after: str) -> None:
        rng = self.rng
        after_raw = getattr(self, "after_raw", "")
        if placement == "under-h1":
            if block is not None:
                self.drop(block)
            wrapper = {
                "in-nav": '<nav class="{}">{}</nav>'.format(rng.choice(["pst-by", "article-nav-meta", "c-meta"]), "{}"),
                "in-aside": '<aside class="{}"><div>{}</div><div>' + esc(rng.choice(DATES)) + "</div></aside>",
                "entry-meta-social": '<div class="entry-meta social-comments"><span>{}</span> <a href="#comments">'
                                     + str(rng.randint(2, 80)) + ' Comments</a> <a href="https://twitter.com/intent/'
                                     'tweet">Share</a></div>',
            }[self.plan.byline]
            if self.plan.byline == "in-aside":
                wrapper = wrapper.replace('class="{}"', 'class="' + rng.choice(["dcr-meta", "article-meta", "meta"]) + '"', 1)
            html = wrapper.format(inner)
            if before:
                html = f'<p class="dcnf-source"><em>{esc(before)}</em></p>' + html
            if after:
                html += f'<p class="byline-affiliation">{esc(after)}</p>'
            html += after_raw
            h1 = self.node(self.layout.h1)
            if h1 is not None and h1.getparent() is not None and _precedes(h1, self.first_para):
                self.insert_after(h1, html)
            else:
                self.insert_before(self.first_para, html)
            return
        if placement == "slot" and block is not None:
            if block.tag == "a":
                block.tag = "span"
                for k in ("href", "target", "rel"):
                    block.attrib.pop(k, None)
            self.set_inner(block, inner)
            sib_tag = "div" if block.tag in PHRASING else block.tag
            if before:
                self.insert_before(block, f'<{sib_tag} class="dcnf-source">{esc(before)}</{sib_tag}>')
            if after:
                self.insert_after(block, f'<{sib_tag} class="byline-affiliation">{esc(after)}</{sib_tag}>')
            if after_raw:
                self.insert_after(block, after_raw if sib_tag != "span" else after_raw)
            return
        if block is not None:
            self.drop(block)
        if placement == "foot":
            html = self._foot_box(inner)
            if before:
                html = f'<p class="dcnf-source"><em>{esc(before)}</em></p>' + html
            if after:
                html = html + f'<p class="author-affiliation">{esc(after)}</p>'
            self.foot_anchor = self.insert_after(self.foot_anchor, html + after_raw)
            return
        wrapper = rng.choice([
            '<p class="byline">{}</p>', '<div class="byline">{}</div>', "<p><strong>{}</strong></p>",
            '<div class="entry-meta"><span class="byline">{}</span></div>', "<p><em>{}</em></p>",
            '<p class="post-author">{}</p>',
        ])
        if self.plan.byline == "marked-no-by" or self.plan.aff == "second-line":
            wrapper = rng.choice(['<p class="byline">{}</p>', '<div class="byline">{}</div>', "<p>{}</p>"])
        html = wrapper.format(inner)
        if before:
            html = rng.choice(['<p class="dcnf-source"><em>{}</em></p>', "<p><strong>{}</strong></p>"]).format(
                esc(before)) + html
        if after:
            html = html + rng.choice(['<p class="byline-affiliation">{}</p>', "<p><em>{}</em></p>"]).format(esc(after))
        self.insert_before(self.first_para, html + after_raw)

    def _head_style(self, css: str, media: str = "") -> None:
        head = self.doc.find("head")
        m = f' media="{media}"' if media else ""
        if head is not None:
            head.append(self.ph(f"<style{m}>{css}</style>"))
        else:
            self.insert_before(self.first_para, f"<style{m}>{css}</style>")

    def _traps(self) -> None:
        """Cookie banners and teaser cards beside a compliant byline: credits that are not the article's."""
        rng, shape = self.rng, self.plan.byline
        if shape == "cookie-banner":
            text = rng.choice([
                "By clicking “Accept All Cookies”, you agree to the storing of cookies on your device to "
                "enhance site navigation, analyze site usage, and assist in our marketing efforts.",
                "By clicking Accept All Cookies, you agree to our use of cookies and similar technologies.",
                "By continuing to use this site you consent to the use of cookies in accordance with our cookie policy.",
            ])
            cls = rng.choice(["consent-bar", "cmp-notice", "ot-sdk-container", "gdpr"])
            html = (f'<div class="{cls}" role="dialog" aria-label="Cookie consent"><p>{esc(text)}</p>'
                    '<button type="button">Accept All Cookies</button> <button type="button">Settings</button></div>')
            body = self.doc.find("body")
            h1 = self.node(self.layout.h1)
            if h1 is not None and h1.getparent() is not None and rng.random() < 0.4:
                self.insert_before(h1, html)
            elif body is not None:
                body.insert(0, self.ph(html))
        elif shape == "teaser-cards":
            cards = []
            for who, title in zip(rng.sample(OTHER_PEOPLE, 3), rng.sample(RELATED_HEADLINES, 3)):
                ago = rng.choice(["42 minutes ago", "2 hours ago", "1 hr ago", "18 minutes ago"])
                href = "/2026/" + slugify(title) + "/"
                cards.append(rng.choice([
                    f'<div class="card"><a href="{href}"><h3>{esc(title)}</h3></a><p class="card-meta">By {esc(who)} '
                    f'{ago}</p></div>',
                    f'<li><a href="{href}">{esc(title)}</a><span>By {esc(who)} • {ago}</span></li>',
                ]))
            inner = "".join(cards)
            if inner.startswith("<li>"):
                inner = f"<ul>{inner}</ul>"
            html = f'<section class="{rng.choice(["stream", "more-news", "x-cards"])}">{inner}</section>'
            if rng.random() < 0.5:
                self.insert_before(self.first_para, html)
            else:
                self.insert_after(self.last_para, html)

    def _foot_box(self, inner: str) -> str:
        rng = self.rng
        aff = self.plan.aff
        if aff == "author-bio":
            name = " and ".join(self._names(self.plan.byline))
            verb = "are reporters" if len(self.article["authors"]) > 1 else rng.choice(
                ["is a reporter", "is an investigative reporter", "is an energy and environment reporter"])
            bio = alias_html(f"{name} {verb} for the Daily Caller News Foundation.", rng)
            return rng.choice([
                f'<div class="author-box"><h4 class="author-name">{inner}</h4><p class="author-bio">{bio}</p></div>',
                f'<div class="about-author"><div class="author-avatar"><img src="https://{self.host}/wp-content/'
                f'uploads/avatar-default-96x96.png" alt="" width="96" height="96"></div><div class="author-info">'
                f'<span class="author-name">{inner}</span><p>{bio}</p></div></div>',
            ])
        if aff == "second-line" and rng.random() < 0.6:
            # an author box: name, then a second line with the outlet
            first, _, rest = inner.partition("<br>")
            return (f'<div class="author-box"><div class="author-avatar"><img src="https://{self.host}/wp-content/'
                    f'uploads/avatar-default-96x96.png" alt="" width="96" height="96"></div><div class="author-info">'
                    f'<h4 class="author-title">{first}</h4><p class="author-description">{rest}</p></div></div>')
        return rng.choice([
            '<p class="author-line"><em>{}</em></p>', '<div class="author-box"><h4 class="author-name">{}</h4></div>',
            '<p class="byline-bottom">{}</p>', "<p><strong>{}</strong></p>",
        ]).format(inner)

    def _aff_fail_extras(self, placement: str) -> None:
        """'other-person': the licensor's name is attached to somebody else's credit, away from the byline."""
        rng = self.rng
        if self.plan.aff != "other-person":
            return
        who, title = rng.choice(OTHER_DCNF)
        kind = rng.choice(["teaser", "teaser", "additional"]) if placement != "foot" else "teaser"
        if kind == "teaser":
            self._place_aside(teaser_html(rng, title, f"By {esc(who)}, Daily Caller News Foundation"))
        else:
            line = rng.choice([f"Additional reporting by {who}, Daily Caller News Foundation.",
                               f"Edited by {who}, Daily Caller News Foundation"])
            self.foot_anchor = self.insert_after(self.foot_anchor, f'<p class="contributor-note"><em>{esc(line)}</em></p>')

    def _place_aside(self, html: str) -> None:
        side = self.node(self.layout.sidebar)
        if side is not None and self.rng.random() < 0.6:
            side.insert(0, self.ph(html))
        else:
            self.foot_anchor = self.insert_after(self.foot_anchor, html)

    def _meta_author(self, head: El, value: str) -> None:
        for m in head.iter("meta"):
            if (m.get("name") or "").lower() == "author":
                m.set("content", value)
                return
        head.append(lxml.html.Element("meta", {"name": "author", "content": value}))

    def _jsonld(self, head: El, authors: Sequence[str] = (), logo: bool = False) -> None:
        data: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle",
                                "headline": self.headline, "datePublished": self.article["published"]}
        if authors:
            data["author"] = [{"@type": "Person", "name": a} for a in authors]
        if logo:
            data["publisher"] = {"@type": "Organization", "name": "Daily Caller News Foundation",
                                 "logo": {"@type": "ImageObject",
                                          "url": "https://dailycallernewsfoundation.org/wp-content/uploads/2019/09/DCNF-logo.png"}}
        else:
            data["publisher"] = {"@type": "Organization", "name": self.layout.site}
        head.append(self.ph('<script type="application/ld+json">' + json.dumps(data) + "</script>"))

    # -- logo --
    def _logo(self) -> None:
        rng, plan = self.rng, self.plan
        shape = plan.logo
        head = self.doc.find("head")
        if shape in ("none", "in-byline", "next-to-byline"):
            return
        if shape == "lazysizes":
            self._head_style(self.rng.choice([".lazyload{opacity:0}.lazyloaded{opacity:1;transition:opacity .3s}",
                                              ".lazyload,.lazyloading{opacity:0}.lazyloaded{opacity:1}"]))
        if shape == "og-image-only":
            if head is not None:
                url = "https://dailycallernewsfoundation.org/wp-content/uploads/2019/09/DCNF-logo.png"
                head.append(self.ph(f'<meta property="og:image" content="{url}"><meta name="twitter:image" content="{url}">'))
            return
        if shape == "json-ld-only":
            if head is not None:
                self._jsonld(head, logo=True)
            return
        if shape in LOGO_PASS:
            html = wrap_logo(logo_img(shape, rng, self.host), rng)
        elif shape == "daily-caller-logo":
            html = daily_caller_logo(rng, self.host)
        else:
            html = hidden_logo(shape, rng, self.host)
        pos = plan.logo_pos
        if pos == "auto":
            pos = rng.choice(["top", "top", "foot"])
        if plan.logo_away:
            # a layout whose credit slot sits after the text (an author line at its foot) takes the logo at the top
            pos = "top" if getattr(self, "credit_after_body", False) else "foot"
        self.logo_pos = pos
        if pos == "top":
            self.insert_before(self.first_para, html)
        else:
            # after the last paragraph, before or after the notice
            anchor = self.last_para if rng.random() < 0.5 else self.foot_anchor
            c = self.insert_after(anchor, html)
            if anchor is self.foot_anchor:
                self.foot_anchor = c


# --------------------------------------------------------------------------------------------
# not-a-copy decoys: DCNF mentions in chrome of an unchanged page
# --------------------------------------------------------------------------------------------

DECOYS = ["footer-logo", "sidebar-mention", "notice-in-footer", "teaser-with-excerpt", "body-mention"]


def decoy(page: RealPage, layout: Optional[Layout], shape: str, articles: list[dict[str, Any]],
          rng: random.Random) -> Optional[str]:
    doc = parse(page.text)
    tree = doc.getroottree()
    body = doc.find("body")
    if body is None:
        return None
    raw: dict[str, str] = {}

    def ph(html: str) -> El:
        key = f"SYNDICHECK-{len(raw)}"
        raw[key] = html
        return etree.Comment(key)

    def where(path: Optional[str]) -> El:
        if path:
            r = tree.xpath(path)
            if r:
                return r[0]
        return body

    host = f"www.{page.name.split('-')[0]}-news.example"
    art = rng.choice(articles)
    if shape == "footer-logo":
        html = ('<div class="partners"><p class="partners-title">Our content partners</p><ul class="partner-logos">'
                '<li><a href="https://dailycallernewsfoundation.org/">'
                + logo_img(rng.choice(["img-alt", "img-filename-empty-alt", "svg-title"]), rng, host)
                + '</a></li><li><a href="https://example.org/"><img src="/img/partner-ap.png" alt="Partner wire"></a>'
                '</li></ul></div>')
        where(layout.footer if layout else None).append(ph(html))
    elif shape == "sidebar-mention":
        html = ('<aside class="widget widget_text"><h3 class="widget-title">About our news partners</h3>'
                '<div class="textwidget"><p>We republish original reporting from the <a href="https://'
                'dailycallernewsfoundation.org/">Daily Caller News Foundation</a> and other nonprofit newsrooms.</p>'
                + wrap_logo(logo_img("img-alt", rng, host), rng) + "</div></aside>")
        where(layout.sidebar if layout else None).insert(0, ph(html))
    elif shape == "notice-in-footer":
        where(layout.footer if layout else None).append(ph(notice_html(rng, "")))
    elif shape == "teaser-with-excerpt":
        first = paragraphs(art)[0].split(". ")[0] + "."
        by = join_names([esc(a) for a in art["authors"]], "and")
        html = teaser_html(rng, art["title"], f"By {by}, Daily Caller News Foundation", excerpt=first,
                           logo=logo_img("img-alt", rng, host))
        where(layout.sidebar if layout else None).insert(0, ph(html))
    elif shape == "body-mention":
        if layout is None:
            return None
        p = tree.xpath(layout.slots[min(2, len(layout.slots) - 1)])[0]
        p.append(ph(esc(" (The claim was first reported by the Daily Caller News Foundation.)")))
    out = serialize(doc)
    for k, v in raw.items():
        out = out.replace(f"<!--{k}-->", v, 1)
    return out


# --------------------------------------------------------------------------------------------
# the case list
# --------------------------------------------------------------------------------------------


@dataclass
class BuildResult:
    cases: list[Case]
    layouts: list[str]
    skipped: dict[str, str]
    blocks: dict[str, str] = field(default_factory=dict)


def _expect(plan: Plan) -> dict[str, Any]:
    in_byline = plan.aff == "logo-alt-in-byline" and plan.byline in BYLINE_PASS
    logo = "pass" if plan.logo in LOGO_PASS or plan.logo in ("in-byline", "next-to-byline") or in_byline else "fail"
    if plan.byline in BYLINE_REVIEW:
        return {"copy": True, "logo": logo, "byline": "review", "affiliation": "review"}
    byline = "pass" if plan.byline in BYLINE_PASS else "fail"
    aff = "pass" if byline == "pass" and plan.aff in AFF_PASS else "fail"
    return {"copy": True, "logo": logo, "byline": byline, "affiliation": aff}


def _article_for(plan: Plan, articles: list[dict[str, Any]], cycle: Iterator[dict[str, Any]],
                 rng: random.Random) -> dict[str, Any]:
    """The article a plan needs (two reporters, an accented name, ...), else the next one in rotation."""
    if plan.byline in ("two-and", "two-comma", "one-of-two", "two-and-role"):
        return next(a for a in cycle if len(a["authors"]) == 2)
    if plan.byline == "accent-stripped":
        return next(a for a in articles if any(strip_accents(n) != n for n in a["authors"]))
    if plan.byline == "middle-initial-dropped":
        return next(a for a in articles if any(re.search(r" [A-Z]\. ", n) for n in a["authors"]))
    if plan.byline in ("split-elements", "middle-initial-added"):
        return next(a for a in cycle if len(a["authors"]) == 1 and len(a["authors"][0].split()) == 2)
    if plan.aff == "body-sentence" and rng.random() < 0.5:
        told = [a for a in articles if "Daily Caller News Foundation" in a["text"]]
        if told:
            return told[0]
    return next(cycle)


def _forever(items: Sequence[Any], rng: random.Random) -> Iterator[Any]:
    while True:
        items = list(items)
        rng.shuffle(items)
        yield from items


def plans(rng: random.Random, n_layouts: int) -> list[tuple[str, Plan]]:
    """Every combination family the corpus covers, as (family, plan)."""
    out: list[tuple[str, Plan]] = []
    logo_pass = _forever(LOGO_PASS, rng)
    logo_any = _forever(LOGO_PASS + LOGO_FAIL + LOGO_FAIL[:6], rng)
    byl_pass = _forever(BYLINE_PASS, rng)
    aff_pass = _forever(AFF_PASS, rng)

    def compatible_aff(byline: str, affs: Iterator[str]) -> str:
        for _ in range(40):
            a = next(affs)
            if byline == "pipe-outlet" and a not in ("byline-pipe", "byline-pipe-dcnf"):
                continue
            if byline == "name-role-outlet" and a not in ("byline-role",):
                continue
            if a == "author-bio" and byline != "foot-author-line":
                continue
            return a
        return "byline-pipe" if byline == "pipe-outlet" else "byline-role" if byline == "name-role-outlet" else "byline-comma"

    def logo_for(aff: str, it: Iterator[str]) -> str:
        return "in-byline" if aff == "logo-alt-in-byline" else next(it)

    # fully compliant copies, one per layout
    for _ in range(n_layouts):
        b = next(byl_pass)
        a = compatible_aff(b, aff_pass)
        out.append(("compliant", Plan(b, a, logo_for(a, logo_pass))))
    # every byline pass shape again with other affiliation / logo outcomes
    for b in BYLINE_PASS:
        for _ in range(2):
            a = compatible_aff(b, aff_pass)
            out.append(("byline-pass", Plan(b, a, logo_for(a, logo_any))))
    for _ in range(5):
        out.append(("byline-pass", Plan("foot-author-line", "author-bio", next(logo_any))))
    # byline fails (affiliation then fails too)
    for b in BYLINE_FAIL:
        for _ in range(8):
            out.append(("byline-fail", Plan(b, "byline-missing", next(logo_any))))
    # the checker cannot tell: review on byline and affiliation
    for _ in range(8):
        out.append(("byline-review", Plan("js-empty", "byline-missing", next(logo_any))))
        a = compatible_aff("by-name", aff_pass)
        while a in ("logo-alt-in-byline", "author-bio"):
            a = compatible_aff("by-name", aff_pass)
        out.append(("byline-review", Plan("unknown-authors", a, next(logo_any))))
    # affiliation fails with a passing byline
    aff_byl = _forever([x for x in BYLINE_PASS if x not in ("pipe-outlet", "name-role-outlet")], rng)
    for a in AFF_FAIL:
        for _ in range(9):
            b = next(aff_byl)
            if a == "daily-caller-alone" and rng.random() < 0.3:
                b = rng.choice(["pipe-outlet", "name-role-outlet"])
            out.append(("affiliation-fail", Plan(b, a, "next-to-byline" if a == "daily-caller-logo-next" else next(logo_any))))
    # every logo technique with otherwise compliant credits
    for lg in LOGO_PASS + LOGO_FAIL:
        b = next(byl_pass)
        a = compatible_aff(b, aff_pass)
        while a == "logo-alt-in-byline":  # that would put a visible logo in the byline
            a = compatible_aff(b, aff_pass)
        out.append(("logo", Plan(b, a, lg)))
    return out


def build(corpus: Optional[Path] = None, seed: int = SEED, fundus: Optional[Path] = None,
          include_unmodified: bool = True, use_fundus: bool = True) -> BuildResult:
    """All labelled cases for one seed, deterministically (real-pages layouts, then fundus-pages layouts)."""
    corpus = corpus or corpus_dir()
    if corpus is None:
        raise FileNotFoundError("real-pages corpus not found (set SYNDICHECK_CORPUS)")
    articles = load_articles()
    pages = load_pages(corpus)
    if use_fundus:
        fundus = fundus or fundus_dir(corpus)
        if fundus is not None:
            pages += load_fundus_pages(fundus)
    pages_by_name = {p.name: p for p in pages}
    cases: list[Case] = []
    layouts: list[Layout] = []
    skipped: dict[str, str] = {}
    analysed: dict[str, Optional[Layout]] = {}
    for page in pages:
        lay, why = analyse_cached(page)
        analysed[page.name] = lay
        if lay is None:
            skipped[page.name] = why or "unknown"
        else:
            layouts.append(lay)
    # 1. unmodified real pages
    for page in pages:
        if not include_unmodified:
            break
        cases.append({"name": f"real-{page.name}", "category": "unmodified", "layout": page.name,
                      "split": page.split, "publisher": page.publisher, "corpus": page.kind,
                      "html": page.text, "originals": articles, "expect": {"copy": False},
                      "shape": "unmodified", "shapes": {}, "original_id": None})
    # 2. decoys
    drng = random.Random(seed + 1)
    order = list(pages)
    drng.shuffle(order)
    i = 0
    for shape in DECOYS:
        made = 0
        while made < 7 and i < len(order) * 3:
            page = order[i % len(order)]
            i += 1
            lay = analysed.get(page.name)
            try:
                html = decoy(page, lay, shape, articles, drng)
            except Exception as e:  # pragma: no cover - defensive
                skipped.setdefault(f"decoy:{page.name}:{shape}", f"{type(e).__name__}: {e}")
                html = None
            if html is None:
                continue
            cases.append({"name": f"decoy-{shape}-{page.name}", "category": "decoy", "layout": page.name,
                          "split": page.split, "publisher": page.publisher, "corpus": page.kind,
                          "html": html, "originals": articles, "expect": {"copy": False},
                          "shape": f"decoy:{shape}", "shapes": {}, "original_id": None})
            made += 1
    # 3. copies
    crng = random.Random(seed + 2)
    plan_list = plans(crng, len(layouts))
    lay_order = list(layouts)
    crng.shuffle(lay_order)
    lay_cycle = _forever(layouts, crng)
    art_cycle = _forever(articles, crng)
    own_byline_layouts = [l for l in layouts if l.block and l.persons and not l.empty_byline
                          and any(fold(p) in fold(l.block_text) for p in l.persons)]
    own_cycle = _forever(own_byline_layouts or layouts, crng)
    blocks = {l.name: l.block_text for l in layouts}
    for n, (family, plan) in enumerate(plan_list):
        if family == "compliant":
            lay = lay_order[n % len(lay_order)]
        elif plan.byline == "page-own-byline":
            lay = next(own_cycle)
        elif plan.byline in BYLINE_FAIL or plan.byline == "unknown-authors":
            # a layout whose own byline element is empty (JavaScript fills it) can only be 'review' there
            lay = next(l for l in lay_cycle if not l.empty_byline)
        elif plan.byline == "js-empty":
            # an emptied slot is 'review' only where no other credit of the page's own person is left in view
            lay = next(l for l in lay_cycle if not l.leftover_person)
        else:
            lay = next(lay_cycle)
        art = _article_for(plan, articles, art_cycle, crng)
        if plan.byline in BYLINE_FAIL + BYLINE_REVIEW or (plan.byline in BYLINE_PASS and plan.aff in AFF_FAIL):
            # keep every DCNF name (logo alt) away from the byline, so only the intended signal is present
            plan.logo_pos = "top" if plan.byline == "foot-author-line" else "foot"
            plan.logo_away = True
        case_rng = random.Random(f"{seed}:{n}:{lay.name}:{art['id']}")
        try:
            b = Builder(lay, art, plan, case_rng)
            html = b.build()
        except Exception as e:
            skipped.setdefault(f"copy:{lay.name}:{n}", f"{type(e).__name__}: {e}")
            continue
        placement = getattr(b, "placement", "?")
        logo_pos = getattr(b, "logo_pos", "")
        logo_label = plan.logo + (f"@{logo_pos}" if logo_pos and plan.logo in LOGO_PASS else "")
        shapes = {"logo": logo_label, "byline": f"{plan.byline}@{placement}", "affiliation": plan.aff}
        cases.append({
            "name": f"copy-{n:03d}-{lay.name}",
            "category": "copy",
            "split": pages_by_name[lay.name].split,
            "publisher": pages_by_name[lay.name].publisher,
            "corpus": pages_by_name[lay.name].kind,
            "seed": seed,
            "family": family,
            "layout": lay.name,
            "html": html,
            "originals": articles,
            "original_id": art["id"],
            "expect": _expect(plan),
            "shape": f"logo={shapes['logo']};byline={shapes['byline']};affiliation={shapes['affiliation']}",
            "shapes": shapes,
            "notice": b.has_notice,
            "unknown_authors": art["id"] if plan.byline == "unknown-authors" else None,
        })
    return BuildResult(cases=cases, layouts=[l.name for l in layouts], skipped=skipped, blocks=blocks)


def build_cases(corpus: Optional[Path] = None, seed: int = SEED) -> list[Case]:
    return build(corpus, seed).cases


def summary(res: BuildResult) -> str:
    cs = res.cases
    lines = [f"cases: {len(cs)}"]
    cat = Counter(c["category"] for c in cs)
    lines.append("by category: " + ", ".join(f"{k}={v}" for k, v in sorted(cat.items())))
    copies = [c for c in cs if c["category"] == "copy"]
    for rule in ("logo", "byline", "affiliation"):
        cnt = Counter(c["expect"][rule] for c in copies)
        lines.append(f"{rule}: pass={cnt['pass']} fail={cnt['fail']}")
        shp = Counter(c["shapes"][rule] for c in copies)
        lines.append("   " + ", ".join(f"{k}={v}" for k, v in sorted(shp.items())))
    lines.append("decoys: " + ", ".join(f"{k}={v}" for k, v in sorted(Counter(
        c["shape"] for c in cs if c["category"] == "decoy").items())))
    used = sorted({c["layout"] for c in copies})
    lines.append(f"layouts used by copies: {len(used)}")
    lines.append(f"skipped: {len(res.skipped)}")
    for k, v in sorted(res.skipped.items()):
        lines.append(f"   {k}: {v}")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tests.accuracy.build", description=__doc__)
    ap.add_argument("--out", type=Path, help="write each case as NAME.html + NAME.json into this folder")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--corpus", type=Path, default=None)
    args = ap.parse_args(argv)
    res = build(args.corpus, args.seed)
    print(summary(res))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        index = []
        for c in res.cases:
            (args.out / f"{c['name']}.html").write_text(c["html"], encoding="utf-8")
            meta = {k: v for k, v in c.items() if k not in ("html", "originals")}
            (args.out / f"{c['name']}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
            index.append(meta)
        (args.out / "index.json").write_text(json.dumps({"cases": index, "layouts": res.layouts,
                                                         "skipped": res.skipped}, indent=1, ensure_ascii=False),
                                             encoding="utf-8")
        (args.out / "originals.yaml").write_text(yaml.safe_dump({"originals": load_articles()}, allow_unicode=True,
                                                               sort_keys=False), encoding="utf-8")
        print(f"wrote {len(res.cases)} cases to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
