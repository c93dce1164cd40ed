"""A body paragraph's own lines before or after the original's text: a byline pasted into the first paragraph."""
from __future__ import annotations

import dataclasses
import re
from typing import Optional

from ..parse import Block
from ..shingles import PUNCTUATION, shingle_hashes, tokens
from ..vocabulary import Vocabulary
from .zones import BODY_CONTAINMENT, Zones

# Between a credit and the text it was pasted onto, a reader sees a break: a dash, a bar, a colon, a bracket
# ("By Jane Doe, Outlet — First ...", "(Jane Doe, Outlet) First ...", "... last sentence. — Jane Doe").
# Without one the words are the sentence's own ("Jane Doe reports that ...", "According to Jane Doe, ...").
_BREAK_BEFORE_TEXT = re.compile(r"[—–\-|:)\]•·/]\s*$")
_BREAK_AFTER_TEXT = re.compile(r"^\s*[—–\-|(\[•·/]")
# The words tokens() reads, as spans of the line: a run of characters that are neither space nor punctuation.
_TOKEN_SPAN = re.compile(r"[^\s" + re.escape(PUNCTUATION) + r"]+")


def edge_blocks(blocks: tuple, zones: Optional[Zones], original_shingles: frozenset, k: int,
                vocab: Vocabulary) -> list[tuple[Block, str]]:
    """(block, zone) for the text that the first and last paragraphs of the body carry before and after the
    original's own words, as blocks of their own.

    A partner's editor often pastes the credit into the text: "<p><strong>By Jane Doe, Outlet</strong><br>
    First sentence ...</p>", "By Jane Doe, Outlet — First sentence ...", or a whole story in one <div> whose
    lines are <br>s. The reader sees a byline at the top of the text; the block as a whole is body and is
    never read for one. Only the words outside the original's text are taken, so a name inside the story's
    sentences still is no byline.
    """
    if zones is None or not original_shingles or zones.found_by != "original text":
        return []
    ordered = sorted(zones.body)
    reach = max(1, vocab.top_of_body)
    out: list[tuple[Block, str]] = []
    for i in ordered[:reach]:
        text = _outside(blocks[i], original_shingles, k, vocab.max_head_line_words, lead=True)
        if text:
            out.append((_edge(blocks[i], text, "head"), "head"))
    for i in ordered[-reach:]:
        text = _outside(blocks[i], original_shingles, k, vocab.max_foot_line_words, lead=False)
        if text:
            out.append((_edge(blocks[i], text, "foot"), "foot"))
    return out


def _edge(block: Block, lines: tuple, zone: str) -> Block:
    # A block of its own with the same index (neighbours, evidence and other-story tests stand where the
    # paragraph stands), no author marks or slots of the whole paragraph, and `edge` set: it is not body.
    return dataclasses.replace(block, parts=[], marked=False, own_mark=False, marked_texts=[], empty_mark=False,
                               hidden_text=[], hidden_text_by_structure=False, text=" ".join(lines),
                               lines=lines, edge=zone)


def _outside(block: Block, original_shingles: frozenset, k: int, limit: int, lead: bool) -> tuple:
    """The block's lines (or part of one) before (lead) or after the original's text, at most `limit` words,
    nearest that text; () when there are none or the text is never reached."""
    if block.hidden is not None or not block.lines:
        return ()
    lines = list(block.lines) if lead else list(reversed(block.lines))
    outside: list[str] = []
    for line in lines:
        words = tokens(line)
        if len(words) < k or _share(words, original_shingles, k) < BODY_CONTAINMENT:
            outside.append(line)  # (a short line cannot be told the original's; it stands apart all the same)
            continue
        part = _part_outside(line, words, original_shingles, k, lead)
        if part:
            outside.append(part)
        break
    else:
        return ()  # the original's text never came: the block is body by its whole, not by a line
    # Nearest the text first, up to the limit; then in reading order.
    kept: list[str] = []
    count = 0
    for line in reversed(outside):
        count += len(line.split())
        if count > limit:
            break
        kept.append(line)
    return tuple(reversed(kept) if lead else kept)


def _share(words: list, original_shingles: frozenset, k: int) -> float:
    hashes = list(shingle_hashes(words, k))
    return sum(h in original_shingles for h in hashes) / len(hashes) if hashes else 0.0


def _part_outside(line: str, words: list, original_shingles: frozenset, k: int, lead: bool) -> str:
    """The words of a line before the first (lead) or after the last run of k words the original has:
    "By Jane Doe, Outlet — " before "First sentence ..."."""
    spans = list(_TOKEN_SPAN.finditer(line))
    if len(spans) != len(words):
        return ""  # (a letter tokens() reads otherwise: no cut is safer than a wrong one)
    hits = [i for i, h in enumerate(shingle_hashes(words, k)) if h in original_shingles]
    if not hits:
        return ""
    if lead:
        part = line[:spans[hits[0]].start()] if hits[0] > 0 else ""
        return part.strip() if _BREAK_BEFORE_TEXT.search(part) else ""
    end = hits[-1] + k  # the last word of the last run the original has
    part = line[spans[end - 1].end():] if end < len(words) else ""
    part = part.lstrip(" .!?\"'”’")  # (the sentence's own end)
    return part.strip() if _BREAK_AFTER_TEXT.search(part) else ""


def headline_rest(block: Block, title: str) -> Optional[Block]:
    """The headline's own words after the story's title, as a block of its own: a theme that sets the credit
    inside the heading ("<h1>Title <small>By Jane Doe</small></h1>", "<h1>Title<br><span>By ...</span></h1>").
    None when the heading does not open with the title or says nothing after it."""
    want = tokens(title)
    if not want or not block.lines or block.hidden is not None:
        return None
    seen: list[str] = []
    for n, line in enumerate(block.lines):
        words = tokens(line)
        before = len(seen)
        seen += words
        if len(seen) < len(want):
            continue
        if seen[:len(want)] != want:
            return None
        cut = len(want) - before  # the title's last word is this line's cut-th
        spans = list(_TOKEN_SPAN.finditer(line))
        if len(spans) != len(words):
            return None
        rest = line[spans[cut - 1].end():].strip() if cut > 0 else line.strip()
        lines = tuple(x for x in (rest, *block.lines[n + 1:]) if x)
        return _edge(block, lines, "head") if lines else None
    return None
