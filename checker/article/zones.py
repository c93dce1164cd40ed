"""Where the story sits in a page's block sequence: its body (found by the original's text), headline, head and foot."""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from bs4 import Tag

from ..names import fold_tokens
from ..parse import Block
from ..shingles import shingles, tokens
from ..vocabulary import Vocabulary

if TYPE_CHECKING:
    from .positions import Placement

BODY_MIN_WORDS = 6  # shorter blocks are too short to tell whether they carry the original's text
# An author-marked block this short is a credit line, even where the original's text repeats its names (a
# sign-off "(Jane Doe, John Roe, 3.5.2024)" shares the shingles of a byline "Jane Doe John Roe").
MARKED_CREDIT_WORDS = 12
BODY_CONTAINMENT = 0.5  # share of a block's shingles from the original that makes it a body paragraph
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
TITLE_SUFFIX_CHARS = 30  # a block showing the title may add the site's name ("| Partner Gazette") and no more
NEAR_HEADLINE_BLOCKS = 4  # under a far headline, visible blocks this close below it are the article's head
UNSPACED_MIN_CHARS = 20  # a paragraph in a script written without spaces is matched whole from this length


@dataclass(frozen=True)
class Zones:
    """The article's place among the page's blocks (indexes into ParsedPage.blocks)."""

    body: frozenset  # blocks that carry the original's text
    first: int
    last: int
    headline: Optional[int]  # the story's headline block, when one is found above the body
    head: tuple  # candidate credit blocks above / at the top of the body, nearest the body first
    foot: tuple  # candidate credit blocks at the end of / right after the body
    found_by: str  # "original text" or "paragraph density"
    placement: Optional["Placement"] = None  # render mode: positions.Placement, where the browser drew head and foot
    # Short lines of their own deeper in the text, read for a credit as (index, "head" | "foot") by the half they
    # stand in; not part of the head or the foot (a credit line required there is still misplaced in the middle).
    apart: tuple = ()


def body_blocks(blocks: tuple, original_shingles: frozenset, k: int, original_text: str = "") -> set[int]:
    """Blocks most of whose word shingles come from the original's text."""
    out: set[int] = set()
    if not original_shingles:
        return out
    unspaced: Optional[str] = None
    for b in blocks:
        if b.hidden is not None or not b.text or b.tag == "h1":
            continue  # (a headline is never the body, even where the original's text repeats it)
        words = tokens(b.text)
        if b.marked and len(words) <= MARKED_CREDIT_WORDS:
            continue
        if len(words) < BODY_MIN_WORDS:
            # Chinese, Japanese, Thai: a long paragraph is a few "words" between punctuation marks;
            # it is the article's when the original says the same, word for word.
            if original_text and len(b.text) >= UNSPACED_MIN_CHARS and _unspaced(b.text):
                if unspaced is None:
                    unspaced = " " + " ".join(tokens(original_text)) + " "
                if " " + " ".join(words) + " " in unspaced:
                    out.add(b.index)
            continue
        sh = shingles(words, k)
        if sh and len(sh & original_shingles) / len(sh) >= BODY_CONTAINMENT:
            out.add(b.index)
    return out


def find_zones(blocks: tuple, original_shingles: frozenset, k: int, title: str, vocab: Vocabulary,
               original_text: str = "") -> Optional[Zones]:
    """Body, headline, head and foot of the article on this page; None when no body is found."""
    body = body_blocks(blocks, original_shingles, k, original_text)
    found_by = "original text"
    if not body:
        found_by = "paragraph density"
        body = extend_prose(blocks, dense_body(blocks))
    if not body:
        return None
    first, last = min(body), max(body)
    # Distances count visible blocks with text only: hidden menus, empty wrappers and named
    # other-story containers between the headline and the body do not push the byline out of the head.
    article = frozenset(c for i in body for c in blocks[i].asides)

    def counts(b: Block) -> bool:
        return b.hidden is None and bool(b.text) and all(c in article for c in b.asides)

    # Walk up from the body to the headline (plus a few blocks for a kicker or a byline above it).
    # Distance is measured in visible words, not elements: a video player's hundred tiny controls
    # between headline and text must not push the byline out of the head.
    title_key = "".join(fold_tokens(title))[:200]
    head: list[int] = []
    words, seen_visible, i, headline_stop, headline = 0, 0, first - 1, None, None
    while i >= 0 and words <= vocab.head_words:
        b = blocks[i]
        if counts(b):
            seen_visible += 1
            words += len(b.text.split())
        # The headline is found wherever it sits, even inside a container named as navigation
        # (<nav class="breadcrumbs"><h1>...</h1>): it is the story's own.
        if headline_stop is None and b.hidden is None and b.text and _is_headline(b, title_key):
            headline_stop = seen_visible + vocab.headline_margin
            headline = i
        if headline_stop is not None and seen_visible > headline_stop:
            break
        head.append(i)
        i -= 1
    if headline_stop is None:  # no headline: only the nearest blocks are the article's head
        kept, n = [], 0
        for j in head:
            n += counts(blocks[j])
            if n > vocab.head_span:
                break
            kept.append(j)
        head = kept
        # ... and the headline may still stand far above (a hero, a gallery, a long dek between): the
        # heading that reads as the original's title is found wherever it is, with the lines under it.
        headline = _far_headline(blocks, i, title_key)
        if headline is not None:
            head += _below_headline(blocks, headline, NEAR_HEADLINE_BLOCKS, first)
    ordered = sorted(body)
    top_cut = ordered[min(vocab.top_of_body, len(ordered) - 1)]
    foot_cut = ordered[max(len(ordered) - 1 - vocab.top_of_body, 0)]
    head += [j for j in range(first + 1, top_cut) if j not in body]
    foot = [j for j in range(foot_cut + 1, last) if j not in body]
    # Deeper in the text, a short line set apart from its paragraphs (a credit after a standfirst and a
    # video, an author line between sections) is read too; quotes and embeds keep their own names.
    mid = (top_cut + foot_cut) // 2
    apart = tuple((j, "head" if j <= mid else "foot") for j in range(top_cut + 1, foot_cut)
                  if j not in body and _set_apart_line(blocks[j], vocab))
    seen_visible, j = 0, last + 1
    while j < len(blocks) and seen_visible < vocab.foot_span:
        if counts(blocks[j]):
            seen_visible += 1
        foot.append(j)
        j += 1
    return Zones(frozenset(body), first, last, headline, tuple(head), tuple(foot), found_by, apart=apart)


def _set_apart_line(block: Block, vocab: Vocabulary) -> bool:
    """A short visible line of its own, not quoted or embedded (a tweet's author line names no credit)."""
    if block.hidden is not None or not block.text or len(block.text.split()) > vocab.set_apart_words:
        return False
    el = block.element
    return not any(p.name in ("blockquote", "figure", "figcaption", "q", "table") for p in (el, *el.parents))


def _far_headline(blocks: tuple, start: int, title_key: str) -> Optional[int]:
    """Above `start`, the nearest heading whose text is the original's title (not a link to it)."""
    if len(title_key) < 12:
        return None
    for i in range(start, -1, -1):
        b = blocks[i]
        if b.hidden is None and b.text and (b.tag == "h1" or b.tag == "h2" or b.element.get("role") == "heading"
                                             or b.tag not in _HEADINGS) and _reads_as_title(b, title_key):
            return i
    return None


def _below_headline(blocks: tuple, headline: int, n: int, stop: int) -> list[int]:
    """The headline and the blocks under it up to n visible text blocks (not reaching `stop`)."""
    out, seen, j = [headline], 0, headline + 1
    while j < stop and seen < n:
        if blocks[j].hidden is None and blocks[j].text:
            seen += 1
        out.append(j)
        j += 1
    return out


def _is_headline(b: Block, title_key: str) -> bool:
    """The story's title: an <h1>, another heading that reads as the original's title, or any block that
    shows the whole title (a `<div role=heading>`, a styled `<p>`; perhaps with the site's name after it)."""
    if b.tag == "h1":
        return True
    return _reads_as_title(b, title_key)


def _reads_as_title(b: Block, title_key: str) -> bool:
    # cheap tests first: this is asked of every block above the body (a hostile page has 100,000)
    if not title_key or not 12 <= len(b.text) <= 2 * len(title_key) + 4 * TITLE_SUFFIX_CHARS:
        return False
    key = "".join(fold_tokens(b.text))
    if len(key) < 12:
        return False
    if b.tag in _HEADINGS or b.element.get("role") == "heading":
        shows = key in title_key or title_key in key
    else:  # another element: the whole title, with at most a short addition (" | Partner Gazette")
        shows = title_key in key and len(key) <= len(title_key) + TITLE_SUFFIX_CHARS
    return shows and b.element.find_parent("a") is None  # (a link to the story is a teaser's title)


def dense_body(blocks: tuple) -> set[int]:
    """Without the original's text: the paragraphs under the container that holds the most prose."""
    scores: dict[int, float] = {}
    nodes: dict[int, Tag] = {}
    long_blocks = []
    for b in blocks:
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
    best = nodes[max(scores, key=lambda k: scores[k])]
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


def extend_prose(blocks: tuple, body: set[int], max_gap: int = 80) -> set[int]:
    """Grow a body over neighbouring prose paragraphs, up to the headline or a run of non-prose blocks."""
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


def _unspaced(text: str) -> bool:
    """Whether most of a text's letters are in a script written without spaces between words."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    # Han, kana, Hangul, Thai, Lao, Khmer, Myanmar, Tibetan letters have no case ("Lo").
    caseless = sum(1 for ch in letters if not (ch.isupper() or ch.islower()) and ord(ch) > 0x0E00)
    return caseless * 2 > len(letters)
