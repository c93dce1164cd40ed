"""What every check reads: the parsed copy, its original, the pack, and the article's layout (body, head, foot)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Optional

from ..models import Evidence, Match, Original
from ..parse import OTHER_STORIES, Block, ParsedPage, css_path, descendants_named, source_line
from ..shingles import shingles, tokens

if TYPE_CHECKING:
    from ..ruleset import LicensePack

HEAD_SPAN = 30  # blocks above the body still counted as the article's head (without a headline nearby)
HEAD_WORDS = 700  # how far (in visible words) above the body to look for the article's <h1>
FOOT_SPAN = 14  # blocks after the body still counted as its foot
MARKED_REACH = (80, 60)  # author-marked blocks this far above / below the body still count
TOP_OF_BODY = 2  # a credit inserted among the first paragraphs is at the top of the body
_IMAGE_NAMES = frozenset({"img", "svg"})


@dataclass(frozen=True)
class Layout:
    """Where the article sits in the page's block sequence."""

    body: frozenset  # indexes of blocks that carry the original's text
    first: int
    last: int
    head: tuple  # candidate indexes, nearest the body first
    foot: tuple
    found_by: str  # "original text" or "paragraph density"


@dataclass
class CheckContext:
    """One page's shared state; analyses are computed once and reused by every check."""

    page: ParsedPage
    original: Optional[Original]
    match: Optional[Match]
    pack: "LicensePack"
    original_shingles: frozenset = frozenset()
    shingle_size: int = 5
    memo: dict = field(default_factory=dict)
    site_root: Optional[str] = None  # a local build's root directory, for root-relative image paths

    # ---- evidence helpers -------------------------------------------------------------------
    def evidence(self, element, snippet: str = "", expected: Optional[str] = None,
                 actual: Optional[str] = None) -> Evidence:
        return Evidence(css_path(element), _clip(snippet), expected, actual, source_line(self.page.html, element))

    def block_evidence(self, block: Block, expected: Optional[str] = None) -> Evidence:
        return self.evidence(block.element, block.text, expected, block.text[:200])

    def looked_at(self, what: str) -> Evidence:
        """For a failure with no element to show: the part of the page searched for `what`, as evidence."""
        lay, blocks = self.layout, self.page.blocks
        if lay is None:
            return Evidence("", f"looked at the whole page for {what}; no article body was recognised")

        def quote(b: Block) -> str:
            return f"<{b.tag}> \u201c{_clip(b.text, 36)}\u201d"
        visible = [blocks[i] for i in sorted(lay.head) if blocks[i].text and blocks[i].hidden is None]
        start = visible[0] if visible else blocks[lay.first]
        foot = [blocks[i] for i in sorted(lay.foot) if blocks[i].text and blocks[i].hidden is None]
        where = f"the article's head (from {quote(start)} to the first paragraph)"
        if foot:
            where += f" and foot (to {quote(foot[-1])})"
        return self.evidence(start.element, f"looked for {what} in {where}")

    # ---- layout -------------------------------------------------------------------------------
    @cached_property
    def layout(self) -> Optional[Layout]:
        return _layout(self)

    def is_body(self, block: Block) -> bool:
        lay = self.layout
        return bool(lay and block.index in lay.body)

    def in_aside(self, block: Block) -> Optional[str]:
        """The other-story/navigation container a block sits in, unless that container holds the article."""
        lay = self.layout
        if block.marked and block.in_article and not any(_other_stories(n) or n.startswith("nav") for n in block.aside_names):
            return None  # an author line in an <aside>/<footer> of the article itself
        for cid, name in zip(block.asides, block.aside_names):
            if lay is None or cid not in self._article_containers:
                return name
        return None

    def contains_image(self, element) -> bool:
        """`element.find(["img", "svg"]) is not None`, answered from one pass over the page's images.

        Asking each of 100,000 nested empty wrappers would search the same subtree 100,000 times.
        """
        return id(element) in self._image_ancestors

    @cached_property
    def _image_ancestors(self) -> frozenset:
        out: set = set()
        for img in descendants_named(self.page.soup, _IMAGE_NAMES):
            node = img.parent
            while node is not None and id(node) not in out:
                out.add(id(node))
                node = node.parent
        return frozenset(out)

    def images_in(self, block: Block) -> tuple:
        """The page's images whose innermost enclosing block is `block`, in document order."""
        by_block = self.memo.get("images_by_block")
        if by_block is None:
            by_block = {}
            for img in self.page.images:
                by_block.setdefault(img.block, []).append(img)
            self.memo["images_by_block"] = by_block
        return tuple(by_block.get(block.index, ()))

    @cached_property
    def _article_containers(self) -> frozenset:
        lay = self.layout
        if lay is None:
            return frozenset()
        out = set()
        for i in lay.body:
            out.update(self.page.blocks[i].asides)
        return frozenset(out)


def _other_stories(name: str) -> bool:
    """A container named for other stories ("aside.related-posts", "div.inline-block-related-list")."""
    parts = set(re.split(r"[-_.#\s]+", name.lower()))
    return bool(parts & OTHER_STORIES) or "related" in name.lower()


def _clip(text: str, n: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _layout(ctx: CheckContext) -> Optional[Layout]:
    blocks = ctx.page.blocks
    body: set[int] = set()
    found_by = "original text"
    if ctx.original_shingles:
        k = ctx.shingle_size
        for b in blocks:
            if b.hidden is not None or not b.text:
                continue
            words = tokens(b.text)
            if len(words) < 6:
                continue
            sh = shingles(words, k)
            if sh and len(sh & ctx.original_shingles) / len(sh) >= 0.5:
                body.add(b.index)
    if not body:
        found_by = "paragraph density"
        body = _extend_prose(blocks, _dense_body(ctx))
    if not body:
        return None
    first, last = min(body), max(body)
    # Distances count visible blocks with text only: hidden menus, empty wrappers and other-story
    # containers between the headline and the body do not push the byline out of the head.
    article = frozenset(c for i in body for c in blocks[i].asides)

    def counts(b: Block) -> bool:
        return b.hidden is None and bool(b.text) and all(c in article for c in b.asides)

    # Walk up from the body to the headline (plus a few blocks for a kicker or a byline above it).
    # Distance is measured in visible words, not elements: a video player's hundred tiny controls
    # between headline and text must not push the byline out of the head.
    head: list[int] = []
    words, seen_visible, i, headline_stop = 0, 0, first - 1, None
    while i >= 0 and words <= HEAD_WORDS:
        b = blocks[i]
        if counts(b):
            seen_visible += 1
            words += len(b.text.split())
            if b.tag == "h1" and headline_stop is None:
                headline_stop = seen_visible + 3
        if headline_stop is not None and seen_visible > headline_stop:
            break
        head.append(i)
        i -= 1
    if headline_stop is None:  # no headline: only the nearest blocks are the article's head
        kept, n = [], 0
        for j in head:
            n += counts(blocks[j])
            if n > HEAD_SPAN:
                break
            kept.append(j)
        head = kept
    ordered = sorted(body)
    top_cut = ordered[min(TOP_OF_BODY, len(ordered) - 1)]
    foot_cut = ordered[max(len(ordered) - 1 - TOP_OF_BODY, 0)]
    head += [j for j in range(first + 1, top_cut) if j not in body]
    foot = [j for j in range(foot_cut + 1, last) if j not in body]
    seen_visible, j = 0, last + 1
    while j < len(blocks) and seen_visible < FOOT_SPAN:
        if counts(blocks[j]):
            seen_visible += 1
        foot.append(j)
        j += 1
    return Layout(frozenset(body), first, last, tuple(head), tuple(foot), found_by)


def _dense_body(ctx: CheckContext) -> set[int]:
    """Without the original's text: the paragraphs under the container that holds the most prose."""
    scores: dict[int, float] = {}
    nodes: dict[int, object] = {}
    long_blocks = []
    for b in ctx.page.blocks:
        if b.hidden is not None or b.asides or b.tag not in ("p", "div", "blockquote", "li", "section", "pre"):
            continue
        n = len(b.text.split())
        if n < 12:
            continue
        long_blocks.append(b)
        node, weight = b.element.parent, 1.0
        for _ in range(3):  # parent, grandparent, great-grandparent, as readability scores them
            if node is None:
                break
            scores[id(node)] = scores.get(id(node), 0.0) + n * weight
            nodes[id(node)] = node
            node, weight = node.parent, weight / 2
    if not scores:
        return set()
    best = nodes[max(scores, key=scores.get)]
    # Articles split into sibling sections (<div class="content-section"> x N) are one body.
    signature = (best.name, tuple(best.get("class") or ()))
    anchor = best.parent.parent if best.parent is not None and best.parent.parent is not None else best.parent
    out = set()
    for b in long_blocks:
        node, hops = b.element.parent, 0
        while node is not None and hops < 3:
            if node is best or ((node.name, tuple(node.get("class") or ())) == signature and _under(node, anchor, 3)):
                out.add(b.index)
                break
            node, hops = node.parent, hops + 1
    return out


def _extend_prose(blocks, body: set[int], max_gap: int = 80) -> set[int]:
    """Grow a guessed body over neighbouring prose paragraphs, up to the headline or a run of non-prose blocks."""
    if not body:
        return body
    out = set(body)
    for start, step in ((min(body) - 1, -1), (max(body) + 1, 1)):
        gap, i = 0, start
        while 0 <= i < len(blocks) and gap <= max_gap:
            b = blocks[i]
            if b.hidden is None and b.text and not b.asides:
                if b.tag == "h1" or b.marked:
                    break
                n = len(b.text.split())
                if b.tag in ("p", "li", "blockquote") and n >= 12:
                    out.add(i)
                    gap = 0
                else:
                    gap += n  # measured in words: a video player's many one-word controls are a small gap
            i += step
    return out


def _under(node, anchor, levels: int) -> bool:
    for _ in range(levels):
        node = node.parent
        if node is None:
            return False
        if node is anchor:
            return True
    return False
