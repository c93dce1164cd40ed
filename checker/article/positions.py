"""A rendered page's article head and foot by where the browser drew them, not by document order (render mode).

The static reading finds the article's head and foot by document order (zones.py). On a page the browser drew,
CSS may have moved things: a credit that flex `order` or a grid area puts right under the headline is in the
head wherever it stands in the HTML, and a "byline" that the HTML puts under the headline but CSS draws in a
far sidebar is not. A block is in the article's *column* when its box overlaps the body paragraphs' boxes
horizontally; in its *head* when it is in the column between the headline's top and the body's first box
(or among the body's first paragraphs), or in a narrow rail right beside the column at that height; in
its *foot* among the body's last paragraphs or in the first few blocks drawn below the body's last box.
Blocks with no box (not measured: added by a script after the measurement, or drawn as nothing) keep
their place by document order.

Boxes are trusted only on a snapshot made by this process (checker/render/session.py stamps it with TOKEN):
a page cannot place itself by writing the attributes into its own HTML.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Optional

from ..parse import Block, ParsedPage
from ..vocabulary import Vocabulary

if TYPE_CHECKING:
    from .zones import Zones

BOX_ATTR = "data-syndicheck-box"
TOKEN_META = "syndicheck-boxes"
TOKEN = secrets.token_hex(16)  # per process: a snapshot this process rendered carries it
COLUMN_OVERLAP = 0.5  # share of the narrower of (block, column) the two must overlap horizontally
RAIL_GAP = 48  # px: a box this close beside the column, at the height of the article's head, is in its head
NEAR_BLOCKS = 4  # as containers.NEAR_BLOCKS: the credit area is this many visible lines under the headline / above the body

Box = tuple[int, int, int, int]


@dataclass(frozen=True)
class Placement:
    """Where the browser drew the page's blocks relative to the article (indexes into ParsedPage.blocks)."""

    head: frozenset  # in the column between the headline (and a few lines above it) and the body, or at its top
    foot: frozenset  # among the body's last paragraphs, or among the first blocks drawn below it, in the column
    under_headline: frozenset  # between the headline's top and the body, or at the body's top (containers.in_head)
    credit_area: frozenset  # the few lines right under the headline or right above the body, or at the body's top
    elsewhere: frozenset  # drawn outside the article's column, or far above or below it
    measured: frozenset  # blocks with a box; the others keep their place by document order

    def in_head(self, index: int) -> Optional[bool]:
        """Whether the block was drawn at the article's head; None when it has no box (decide by document order)."""
        return index in self.under_headline if index in self.measured else None

    def in_credit_area(self, index: int) -> Optional[bool]:
        return index in self.credit_area if index in self.measured else None


def trusted(page: ParsedPage) -> bool:
    """Whether the page is a snapshot this process rendered (so its boxes are the browser's)."""
    return page.meta.get(TOKEN_META) == [TOKEN]


def box_of(block: Block) -> Optional[Box]:
    """The block's box at 1280 px (page coordinates), or None when it has none with an area."""
    raw = block.element.get(BOX_ATTR)
    if not raw:
        return None
    try:
        x, y, w, h = (int(float(v)) for v in str(raw).split(","))
    except ValueError:
        return None
    return (x, y, w, h) if w > 1 and h > 1 else None


@dataclass(frozen=True)
class _Column:
    """The body's column as drawn: its horizontal extent and the heights that cut head, middle and foot."""

    left: int
    right: int
    body_top: int
    body_bottom: int
    top_cut: int  # above this paragraph's top: the top of the body
    foot_cut: int  # below this paragraph's bottom: the foot of the body
    first: Box  # the body's first paragraph

    @classmethod
    def of(cls, body: list, vocab: Vocabulary) -> "_Column":
        """From the body paragraphs' boxes, top to bottom."""
        last = body[max(len(body) - 1 - vocab.top_of_body, 0)]
        return cls(min(bx[0] for bx in body), max(bx[0] + bx[2] for bx in body), body[0][1],
                   max(bx[1] + bx[3] for bx in body), body[min(vocab.top_of_body, len(body) - 1)][1],
                   last[1] + last[3], body[0])

    def holds(self, bx: Box) -> bool:
        overlap = min(self.right, bx[0] + bx[2]) - max(self.left, bx[0])
        return overlap > 0 and overlap >= COLUMN_OVERLAP * min(bx[2], self.right - self.left)

    def encloses_body(self, bx: Box) -> bool:
        """<main>, <article>: the body's containers are placed by document order."""
        first = self.first
        return (bx[1] <= first[1] and bx[1] + bx[3] >= first[1] + first[3]
                and bx[0] <= first[0] + first[2] // 2 <= bx[0] + bx[2])


def place(page: ParsedPage, zones: Optional["Zones"], vocab: Vocabulary) -> Optional["Zones"]:
    """The zones with head and foot judged by position, on a rendered snapshot; otherwise the zones unchanged."""
    if zones is None or not trusted(page):
        return zones
    blocks = page.blocks
    boxes = {b.index: bx for b in blocks if b.hidden is None for bx in (box_of(b),) if bx is not None}
    body = sorted((boxes[i] for i in zones.body if i in boxes), key=lambda bx: bx[1])
    if not body:
        return zones  # the body was not measured: nothing to place the rest against
    col = _Column.of(body, vocab)
    boxes = {i: bx for i, bx in boxes.items() if i in zones.body or not col.encloses_body(bx)}
    column = {i: bx for i, bx in boxes.items() if i not in zones.body and col.holds(bx)}
    headline = _headline(blocks, zones, boxes, column, col.body_top)
    head_top = boxes[headline][1] if headline in boxes else None
    # A byline in a narrow rail beside the body's top (author, date, share buttons left of the first
    # paragraphs) is the article's head too: right by the column, at the height of its head.
    gutter = max(RAIL_GAP, (col.right - col.left) // 10)
    band = head_top if head_top is not None else col.body_top
    column.update((i, bx) for i, bx in boxes.items() if i not in column and i not in zones.body
                  and band <= bx[1] < col.top_cut and _gap(bx, col.left, col.right) <= gutter)
    return _placed(zones, blocks, boxes, column, col, headline, head_top, vocab)


def _placed(zones: "Zones", blocks: tuple, boxes: dict, column: dict, col: _Column, headline: Optional[int],
            head_top: Optional[int], vocab: Vocabulary) -> "Zones":
    """The zones rebuilt from the blocks drawn in the column: above it, at its top, at its foot, below it."""
    def shown(i: int) -> bool:
        return bool(blocks[i].text)

    above = sorted((i for i, bx in column.items() if bx[1] < col.body_top and i != headline), key=lambda i: -column[i][1])
    top_of_body = {i for i, bx in column.items() if col.body_top <= bx[1] < col.top_cut}
    foot_of_body = {i for i, bx in column.items() if col.foot_cut <= bx[1] <= col.body_bottom}
    below = sorted((i for i, bx in column.items() if bx[1] > col.body_bottom), key=lambda i: column[i][1])

    over: list[int] = []  # above the headline, nearest it first
    if head_top is not None:
        under = [i for i in above if column[i][1] >= head_top]  # nearest the body first
        over = _first_shown([i for i in above if column[i][1] < head_top], vocab.headline_margin, shown)
        near_headline = _first_shown(sorted(under, key=lambda i: column[i][1]), NEAR_BLOCKS, shown)
    else:
        under = _first_shown(above, vocab.head_span, shown)
        near_headline = []
    near_body = _first_shown(under, NEAR_BLOCKS, shown)
    head = under + sorted(top_of_body, key=lambda i: column[i][1]) + over + ([headline] if headline is not None else [])
    feet = sorted(foot_of_body, key=lambda i: column[i][1]) + _first_shown(below, vocab.foot_span, shown)
    placed = set(head) | set(feet) | set(zones.body)
    # In the column beside the body's middle (a picture's caption, an inline box): neither head, foot nor elsewhere.
    middle = {i for i, bx in column.items() if col.top_cut <= bx[1] < col.foot_cut}
    elsewhere = frozenset(i for i in boxes if i not in placed and i not in middle)
    # Unmeasured blocks keep their place by document order.
    head += [i for i in zones.head if i not in boxes and i not in head]
    feet += [i for i in zones.foot if i not in boxes and i not in feet]
    placement = Placement(frozenset(head), frozenset(feet), frozenset(under) | top_of_body,
                          frozenset(near_body) | frozenset(near_headline) | top_of_body, elsewhere,
                          frozenset(boxes) - frozenset(zones.body))
    return replace(zones, head=tuple(head), foot=tuple(feet), headline=headline, placement=placement)


def _gap(bx: Box, left: int, right: int) -> int:
    """Horizontal distance between a box and the column (0 when they overlap)."""
    return max(0, left - (bx[0] + bx[2]), bx[0] - right)


def _headline(blocks: tuple, zones: "Zones", boxes: dict, column: dict, body_top: int) -> Optional[int]:
    """The headline drawn above the body in its column: the one document order found, else the nearest <h1>."""
    h = zones.headline
    if h is not None and h in column and column[h][1] < body_top:
        return h
    h1s = [i for i, bx in column.items() if blocks[i].tag == "h1" and blocks[i].text and bx[1] < body_top]
    if h1s:
        return max(h1s, key=lambda i: column[i][1])
    return None if h is None or h in boxes else h  # an unmeasured headline keeps its place


def _first_shown(order: list, most: int, shown) -> list:
    """The leading part of `order` holding at most `most` blocks with text (and what lies between them)."""
    out, n = [], 0
    for i in order:
        if shown(i):
            n += 1
            if n > most:
                break
        out.append(i)
    return out
