"""What every check reads: the parsed copy, its original, the pack, and the article's layout (body, head, foot)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Optional

from ..models import Evidence, Match, Original
from ..parse import Block, ParsedPage, css_path, source_line
from ..shingles import shingles, tokens

if TYPE_CHECKING:
    from ..ruleset import LicensePack

HEAD_SPAN = 30  # blocks above the body still counted as the article's head
FOOT_SPAN = 14  # blocks after the body still counted as its foot
TOP_OF_BODY = 2  # a credit inserted among the first paragraphs is at the top of the body


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

    # ---- evidence helpers -------------------------------------------------------------------
    def evidence(self, element, snippet: str = "", expected: Optional[str] = None,
                 actual: Optional[str] = None) -> Evidence:
        return Evidence(css_path(element), _clip(snippet), expected, actual, source_line(self.page.html, element))

    def block_evidence(self, block: Block, expected: Optional[str] = None) -> Evidence:
        return self.evidence(block.element, block.text, expected, block.text[:200])

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
        for cid, name in zip(block.asides, block.aside_names):
            if lay is None or cid not in self._article_containers:
                return name
        return None

    @cached_property
    def _article_containers(self) -> frozenset:
        lay = self.layout
        if lay is None:
            return frozenset()
        out = set()
        for i in lay.body:
            out.update(self.page.blocks[i].asides)
        return frozenset(out)


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
        # A container block whose own text is the article's text and also nests body blocks is a
        # wrapper: keep the innermost (e.g. <div> holding loose text + <p>s).
    if not body:
        found_by = "paragraph density"
        body = _dense_body(ctx)
    if not body:
        return None
    first, last = min(body), max(body)
    head_start = max(0, first - HEAD_SPAN)
    # Start at the headline when one is close: navigation above it is not the article's head.
    for i in range(first - 1, head_start - 1, -1):
        if blocks[i].tag == "h1" and blocks[i].hidden is None:
            head_start = max(head_start, i - 3)
            break
    ordered = sorted(body)
    top_cut = ordered[min(TOP_OF_BODY, len(ordered) - 1)]
    foot_cut = ordered[max(len(ordered) - 1 - TOP_OF_BODY, 0)]
    head = [i for i in range(first - 1, head_start - 1, -1)]
    head += [i for i in range(first + 1, top_cut) if i not in body]
    foot = [i for i in range(foot_cut + 1, last) if i not in body]
    foot += [i for i in range(last + 1, min(len(blocks), last + 1 + FOOT_SPAN))]
    return Layout(frozenset(body), first, last, tuple(head), tuple(foot), found_by)


def _dense_body(ctx: CheckContext) -> set[int]:
    """Without the original's text: the sibling paragraphs that hold the most prose."""
    groups: dict[int, list] = {}
    for b in ctx.page.blocks:
        if b.hidden is not None or b.asides or b.tag not in ("p", "div", "blockquote", "li", "section"):
            continue
        n = len(b.text.split())
        if n < 12:
            continue
        parent = b.element.parent
        groups.setdefault(id(parent), []).append((b.index, n))
    if not groups:
        return set()
    best = max(groups.values(), key=lambda items: sum(n for _, n in items))
    return {i for i, _ in best}
