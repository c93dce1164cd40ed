"""The article's credit lines: which of the original's authors a visible byline at the head or foot names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from anyascii import anyascii

from ..names import find_name, fold_tokens, looks_like_person, name_forms
from ..parse import Block
from ..vocabulary import Vocabulary

if TYPE_CHECKING:
    from . import Article

_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+")
_SEPARATOR_BEFORE = re.compile(r"[|•·—–:/]\s*$")  # "Politics | Jane Doe", "Author: Jane Doe"
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
SHORT_CREDIT_WORDS = 12
SHORT_PREFIX_CHARS = 24
SLOT_AREA_LEVELS = 3  # an empty credit slot and a line within this many ancestors of it share a credit area  # a block holding only a credit prefix ("By", "Written by") is this short  # a line at the head this short naming a person is someone's credit
_FIELD_SEPARATOR = re.compile(r"\s[|•·]\s")
_SEPARATOR_AFTER = re.compile(r"[,|•·—–(/:;]|\s-\s")


@dataclass(frozen=True)
class Credit:
    """Where an author is credited: the block, the line, and the line's text."""

    author: str
    block: Block
    line: str
    zone: str  # head or foot


@dataclass
class Credits:
    """What the credit lines of one page say."""

    credits: dict = field(default_factory=dict)  # author -> first Credit (document order)
    all_credits: dict = field(default_factory=dict)  # author -> every Credit (a head byline and a foot author box)
    missing: list = field(default_factory=list)
    bylines: list = field(default_factory=list)  # byline-like blocks in the head/foot (for explanations)
    empty_marked: Optional[Block] = None  # an author-marked element with no text (filled in by a script)
    person_shown: Optional[Block] = None  # a short line at the head that credits some person


def credit_in_line(line: str, forms_by_author: dict, marked: bool, zone: str, vocab: Vocabulary) -> dict:
    """Authors this line credits in byline shape.

    Before a name: nothing, a credit prefix ("By"), a separator, or another credited name and a joiner.
    After it: nothing, a separator, a capitalised word (a role, a title, an outlet: "China/Asia Pacific
    Reporter"), a role or date word, or another name. "Jane Doe said" is a sentence, not a credit.
    """
    raw = anyascii(_CAMEL.sub(" ", line))  # "Jane DoeRedakteur": inline elements glued without a space
    toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(raw)]
    folded = raw.lower()
    words = [t[0].lower() for t in toks]
    if not words:
        return {}
    limit = vocab.max_marked_words if marked else (vocab.max_foot_line_words if zone == "foot" else vocab.max_head_line_words)
    if len(words) > limit:
        # "Outlet | 04.05.2015 13h36 | By Jane Doe | Outlet": a long line of separated fields holds
        # a credit in one of them.
        fields = [f for f in _FIELD_SEPARATOR.split(line) if f.strip()]
        found: dict = {}
        if len(fields) > 1:
            for f in fields:
                if len(_TOKEN.findall(anyascii(f))) <= limit:
                    found.update(credit_in_line(f, forms_by_author, marked, zone, vocab))
        return found
    hits = []
    for author, forms in forms_by_author.items():
        for form in forms:
            hit = find_name(form, words)
            if hit:
                hits.append((hit.start, hit.end, author))
                break
    if not hits:
        return {}
    hits.sort()
    starts = {s for s, _, _ in hits}
    found = {}
    prev_end = None
    for start, end, author in hits:
        prefix_words = words[prev_end if prev_end is not None else 0:start]
        prefix_text = folded[toks[prev_end][1] if prev_end is not None and prev_end < len(toks) else 0:toks[start][1]]
        if vocab.other_credit_re.search(" ".join(words[:start])):
            prev_end = end
            continue
        ok_prefix = (
            marked
            or not prefix_words
            or vocab.by_re.search(" ".join(prefix_words)) is not None
            or (prev_end is not None and (set(prefix_words) <= vocab.joiners))
            or bool(_SEPARATOR_BEFORE.search(prefix_text))
        )
        after = words[end] if end < len(words) else None
        after_raw = toks[end][0] if end < len(toks) else ""
        gap = folded[toks[end - 1][2]: toks[end][1]] if end < len(toks) else ""
        separated = bool(_SEPARATOR_AFTER.search(gap))
        ok_suffix = (
            marked
            or after is None
            or separated
            or after in vocab.after_ok
            or after.isdigit()
            or end in starts
            or (after_raw[:1].isupper() and not folded[toks[end - 1][2]:].lstrip().startswith("."))
        )
        if after in vocab.speech and not separated:
            ok_suffix = False  # "Jane Doe said ..." is a sentence, not a credit
        if ok_prefix and ok_suffix:
            found[author] = True
        prev_end = end
    return found


def read_credits(article: "Article") -> Credits:
    """Find which of the original's authors the article's visible credit lines name."""
    vocab = article.vocab
    result = Credits()
    authors = list(article.authors)
    forms = {a: name_forms(a) for a in authors}
    headline = article.zones.headline if article.zones else None
    short_lines: list = []  # short lines at the head that name no author: some person's credit?
    for block, zone in article.candidate_blocks():
        if block.hidden is not None or block.tag == "figcaption":
            continue  # hidden, or a picture's caption (its credit is the photographer's)
        if (block.tag == "h1" or block.index == headline) and not block.own_mark:
            continue  # a title (the story's, or a blog's name in its banner) is not a credit
        if not block.text:
            # An empty credit slot at the head is filled by a script: what it will say is unknown.
            if (block.own_mark and zone == "head" and result.empty_marked is None and not block.hidden_text
                    and not article.contains_image(block.element) and not article.other_story(block)):
                result.empty_marked = block
            continue
        if article.is_notice(block.text) or vocab.consent_re.search(block.text):
            continue  # the license notice, or consent text ("By clicking Accept ..."), credits nobody
        in_body = article.is_body(block) and not vocab.by_start.match(block.text)
        looks_like_byline = block.marked or any(vocab.by_start.match(ln) for ln in block.lines)
        # A paragraph of the article is no credit, except an author-marked element inside it.
        lines = [] if in_body else [(ln, block.marked) for ln in block.lines + ((block.text,) if len(block.lines) > 1 else ())]
        lines += [(t, True) for t in block.marked_texts if t]
        if not in_body and len(block.text) <= SHORT_PREFIX_CHARS and vocab.by_re.fullmatch(
                " " + " ".join(fold_tokens(block.text))):
            # "By" in one element and the name in the next: the credit is the two read together.
            nxt = article.neighbour(block, 1)
            if nxt is not None and nxt.text and len(nxt.text.split()) <= vocab.max_head_line_words:
                lines.append((block.text + " " + nxt.text, block.marked or nxt.marked))
        named = [(line, author) for line, marked in lines for author in credit_in_line(line, forms, marked, zone, vocab)]
        is_byline = looks_like_byline and not in_body and len(block.text.split()) <= vocab.max_marked_words
        if zone == "head" and not in_body and not named and len(block.text.split()) <= SHORT_CREDIT_WORDS:
            short_lines.append(block)  # read only if an empty credit slot makes it matter (below)
        if not named and zone == "head" and not in_body and result.empty_marked is None:
            tail = fold_tokens(block.text[-80:])
            if (tail and tail[-1] not in vocab.after_ok and vocab.by_re.search(" " + " ".join(tail))
                    and not article.other_story(block)):
                result.empty_marked = block  # "12:07 | By" and no name: the name is filled in by a script
        # Where the block stands (another story's teaser, site chrome) matters only for a credit.
        if not (named or is_byline) or article.other_story(block):
            continue
        if is_byline:
            result.bylines.append(block)

        for line, author in named:
            credit = Credit(author, block, line, zone)
            result.credits.setdefault(author, credit)
            known = result.all_credits.setdefault(author, [])
            if all(c.block.index != block.index for c in known):
                known.append(credit)
    result.missing = [a for a in authors if a not in result.credits]
    if result.empty_marked is not None and not result.credits:
        # A short line at the head naming a person is someone else's credit: the slot is not all the page says.
        result.person_shown = next((b for b in short_lines if credits_person(b, article.pack.non_person_credits, vocab)
                                    and not article.other_story(b)), None)
    return result


def named_near_but_unread(art: "Article", missing: list) -> Optional[Block]:
    """A short visible line at the head or foot (not body, caption, teaser, chrome, notice or a sentence
    about the person) that names every missing author in full, though not in a credit's shape."""
    vocab = art.vocab
    forms = [name_forms(a) for a in missing]
    for block, _zone in art.candidate_blocks():
        text = block.text
        if (block.hidden is not None or not text or block.tag == "figcaption" or art.is_body(block)
                or len(text.split()) > vocab.max_head_line_words or art.is_notice(text)
                or vocab.consent_re.search(text)):
            continue
        toks = fold_tokens(text)
        hits = [next((h for h in (find_name(f, toks) for f in fs) if h), None) for fs in forms]
        if not all(hits):
            continue
        if any(vocab.other_credit_re.search(" ".join(toks[:h.start])) for h in hits):
            continue  # "Photo by Jane Doe": a credit for something else
        if any(h.end < len(toks) and toks[h.end] in vocab.speech for h in hits):
            continue  # "Jane Doe said ...": a sentence about the person
        if art.other_story(block):
            continue
        return block
    return None


def credits_person(block: Block, non_person: tuple, vocab: Vocabulary) -> bool:
    """Whether a byline-like block names a person (not "Staff", not an outlet): "By A and B, Outlet" does."""
    text = vocab.by_lead.sub("", block.lines[0] if block.lines else "", count=1)
    head = re.split(r"[,|•·—–(]|\s-\s", text)[0].strip()
    joiners = "|".join(re.escape(j) for j in vocab.name_joiners)
    for part in re.split(r"\s+(?:" + joiners + r")\s+", head) if joiners else [head]:
        low = " ".join(fold_tokens(part))
        if any(" ".join(fold_tokens(c)) in low for c in non_person):
            continue
        if looks_like_person(part.strip()):
            return True
    return False
