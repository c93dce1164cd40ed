"""A copy's text against the original's, sentence by sentence: what is missing, moved, changed or added, and which changes the license allows."""
from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from typing import Optional, Sequence

# The kinds of edit a license may allow (a pack lists the ones its terms allow).
EDIT_KINDS = ("relative-dates", "dateline")

# Typography that differs between a CMS and another without any editing: quotes, dashes, spaces.
_TYPO = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2018": "'",
                       "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u2013": "-", "\u2014": "-", "\u2012": "-",
                       "\u2015": "-", "\u2212": "-", "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\u200b": ""})
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[]?[A-Z])|(?<=[.!?][\"')\]])\s+(?=[\"'(\[]?[A-Z])")
# A full stop after these ends an abbreviation, not a sentence: "Jan. 14", "Sen. Jane Doe", "Mary K. Olsen".
_ABBREVIATION = re.compile(r"(?:\b(?:jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|mr|mrs|ms|dr|prof|sen|rep|gov|"
                           r"gen|lt|col|sgt|capt|st|jr|sr|inc|co|corp|ltd|no|vs|etc|u\.s|d\.c)|(?:^|\s)[A-Z])\.$", re.I)
_WORDS = re.compile(r"\w+|[^\w\s]")
_DATE_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur thurs fri sat sun "
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec today yesterday tomorrow tonight last next this "
    "week weeks month months year years weekend morning afternoon evening night earlier later ago on "
    "st nd rd th".split())
_WEAK_DATE_WORDS = frozenset({"on", "last", "next", "this", "earlier", "later", "st", "nd", "rd", "th"})
_MONTHS = frozenset("january february march april may june july august september october november december "
                    "jan feb mar apr jun jul aug sep sept oct nov dec".split())
_DASHES = frozenset({"-", ":"})
PAIR_SPAN = 5000  # copy sentences of one replaced stretch looked at for the original's changed sentences
DATELINE_WORDS = 8  # "NEW YORK (Licensor) -": a dateline is a few words before a dash


def normalise(text: str) -> str:
    """The text with typography unified: curly and straight quotes, dashes, spacing and Unicode forms compare equal."""
    text = unicodedata.normalize("NFKC", text).translate(_TYPO).replace("\u2026", "...")
    text = re.sub(r"\s*-{2,}\s*", " - ", text)  # "--" and spaced dashes are one dash
    return " ".join(text.split())


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (normalised). Abbreviations split too, the same way on both sides."""
    t = normalise(text)
    out: list[str] = []
    for piece in _SENTENCE_END.split(t) if t else ():
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + piece
        elif piece.strip():
            out.append(piece)
    return out


def paragraphs(text: str) -> list[str]:
    """An original's paragraphs: blocks of text separated by a blank line."""
    return [" ".join(p.split()) for p in re.split(r"\n\s*\n", text or "") if p.strip()]


@dataclass(frozen=True)
class Unit:
    """One sentence with where it stands: the original's paragraph, or the copy's block."""

    text: str
    where: int  # paragraph number (original) or block index (copy)


@dataclass(frozen=True)
class Difference:
    """One way the copy departs from the original (never an allowed edit)."""

    kind: str  # missing-paragraph | missing-sentence | moved | changed | added
    paragraph: int  # the original's paragraph it concerns (1-based); 0 for an added sentence
    original: str  # the original's sentence (or paragraph), "" for an added sentence
    copy: str  # the copy's sentence, "" when it is missing
    block: Optional[int]  # the copy's block index it was found in, if any


@dataclass(frozen=True)
class Comparison:
    differences: tuple  # Difference, in the original's order
    allowed: tuple  # (kind of allowed edit, original sentence, copy sentence)
    matched: int  # sentences of the original found unchanged


def original_units(text: str) -> list[Unit]:
    return [Unit(s, i) for i, p in enumerate(paragraphs(text)) for s in sentences(p)]


def compare(original: Sequence[Unit], copy: Sequence[Unit], allowed_kinds: Sequence[str] = ()) -> Comparison:
    """Align the copy's sentences with the original's in order and name every difference.

    Sentences the copy adds between paragraphs are not differences (partners put ads, related links
    and captions there); a sentence added inside a paragraph of the original is.
    """
    a = [u.text for u in original]
    b = [u.text for u in copy]
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    missing: list[int] = []
    changed: list[tuple[int, int]] = []
    extra: list[int] = []
    matched = 0
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            matched += i2 - i1
        elif tag == "delete":
            missing.extend(range(i1, i2))
        elif tag == "insert":
            extra.extend(range(j1, j2))
        else:
            pairs, lost, added = _pair(a, b, range(i1, i2), range(j1, j2))
            changed.extend(pairs)
            missing.extend(lost)
            extra.extend(added)
    body_blocks = {copy[j].where for tag, _, _, j1, j2 in ops if tag == "equal" for j in range(j1, j2)}
    body_blocks |= {copy[j].where for _, j in changed}
    extra_text = {b[j]: j for j in extra}
    diffs: list[Difference] = []
    allowed: list[tuple[str, str, str]] = []
    for i, j in changed:
        kind = allowed_edit(a[i], b[j], allowed_kinds, first=i == 0)
        if kind:
            allowed.append((kind, a[i], b[j]))
        else:
            diffs.append(Difference("changed", original[i].where + 1, a[i], b[j], copy[j].where))
    by_para: dict[int, list[int]] = {}
    for i in missing:
        by_para.setdefault(original[i].where, []).append(i)
    para_size: dict[int, int] = {}
    for u in original:
        para_size[u.where] = para_size.get(u.where, 0) + 1
    placed: set[int] = set()
    for para, idx in by_para.items():
        moved = [i for i in idx if a[i] in extra_text]
        if moved:  # the sentences stand elsewhere in the copy: out of order, not gone
            j = extra_text[a[moved[0]]]
            diffs.append(Difference("moved", para + 1, a[moved[0]], b[j], copy[j].where))
            placed.update(extra_text[a[i]] for i in moved)
            idx = [i for i in idx if i not in moved]
            if not idx:
                continue
        if len(idx) == para_size[para]:
            text = " ".join(a[i] for i in idx)
            diffs.append(Difference("missing-paragraph", para + 1, text, "", None))
        else:
            for i in idx:
                diffs.append(Difference("missing-sentence", para + 1, a[i], "", None))
    for j in extra:
        if j not in placed and copy[j].where in body_blocks:
            diffs.append(Difference("added", _paragraph_of(copy[j].where, original, copy, ops), "", b[j], copy[j].where))
    diffs.sort(key=lambda d: (d.paragraph, d.kind))
    return Comparison(tuple(diffs), tuple(allowed), matched)


def _paragraph_of(block: int, original: Sequence[Unit], copy: Sequence[Unit], ops) -> int:
    """The original's paragraph (1-based) shown in a copy block, from the sentences matched there."""
    for tag, i1, _, j1, j2 in ops:
        if tag == "equal":
            for k, j in enumerate(range(j1, j2)):
                if copy[j].where == block:
                    return original[i1 + k].where + 1
    return 0


def _pair(a: list[str], b: list[str], left: range, right: range) -> tuple[list, list, list]:
    """In a replaced stretch, pair each original sentence with the copy sentence it became (in order).

    Candidates are ranked by shared words (cheap: a stretch may hold a whole page header before the
    first matching sentence) and the best is confirmed by a word-level diff.
    """
    pairs, lost = [], []
    start = right.start
    stop = min(right.stop, right.start + PAIR_SPAN)
    words = {j: set(_WORDS.findall(b[j].lower())) for j in range(start, stop)}
    for i in left:
        mine = set(_WORDS.findall(a[i].lower()))
        best_j, best = None, 0.0
        for j in range(start, stop):
            theirs = words[j]
            shared = len(mine & theirs) / max(len(mine), len(theirs), 1)
            if shared > best:
                best_j, best = j, shared
        ratio = 0.0
        if best_j is not None and best >= 0.5:
            ratio = difflib.SequenceMatcher(None, _WORDS.findall(a[i].lower()), _WORDS.findall(b[best_j].lower()),
                                            autojunk=False).ratio()
        if best_j is not None and ratio >= 0.5:
            pairs.append((i, best_j))
            start = best_j + 1
        else:
            lost.append(i)
    used = {j for _, j in pairs}
    return pairs, lost, [j for j in right if j not in used]


def allowed_edit(original: str, copy: str, kinds: Sequence[str], first: bool = False) -> Optional[str]:
    """The allowed kind of edit that turns `original` into `copy`, or None when some change is not allowed."""
    wa, wb = _WORDS.findall(normalise(original)), _WORDS.findall(normalise(copy))
    used: set[str] = set()
    changed: list[str] = []  # words changed outside a dateline, judged together ("Thursday." -> "Jan. 14.")
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, wa, wb, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        removed, added = wa[i1:i2], wb[j1:j2]
        if "dateline" in kinds and first and i1 == 0 and j1 == 0 and (_dateline(added) and not removed or
                                                                       _dateline(removed) and not added):
            used.add("dateline")
            continue
        changed += removed + added
    if changed:
        if "relative-dates" not in kinds or not _only_dates(changed):
            return None
        used.add("relative-dates")
    return ", ".join(sorted(used)) or None


def _only_dates(words: list[str]) -> bool:
    """Words that only say when: weekdays, months, numbers, "yesterday", "last week" (and punctuation)."""
    real = [w.lower() for w in words if w.strip(",.")]
    if not real or not all(w in _DATE_WORDS or w.isdigit() for w in real):
        return False
    if not any(w not in _WEAK_DATE_WORDS and not w.isdigit() for w in real):
        return False
    # A number is a date only beside a month ("Tuesday" -> "April 14"); "40 percent" -> "45" is an edit.
    return not any(w.isdigit() for w in real) or any(w in _MONTHS for w in real)


def _dateline(words: list[str]) -> bool:
    """ "WASHINGTON -", "NEW YORK (Licensor) -": a few words ending with a dash or colon, at the start."""
    return 2 <= len(words) <= DATELINE_WORDS + 4 and words[-1] in _DASHES and any(w[:1].isupper() for w in words)
