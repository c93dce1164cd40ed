"""Whether a credit line names a person, and who, told without knowing who wrote the article."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from ..names import fold_tokens, looks_like_person
from ..parse import Block
from ..vocabulary import Vocabulary

if TYPE_CHECKING:
    from . import Article

TITLE_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "figcaption"})  # a title or a caption credits nobody
FOOT_SIGN_OFF_LINES = 3  # a sign-off ("— Jane Doe, Outlet") stands among the first lines after the text
NAME_START = re.compile(r"\s*[^\W\d_]")
_LEADING_NAME = re.compile(r"^\s*((?:[^\W\d_][\w.'’-]*\s+){1,3}[^\W\d_][\w.'’-]*)\s+\d")
_LEADING_DASH = re.compile(r"^\s*[-—–―~•·*]+\s*")
FIELD_SEPARATOR = re.compile(r"\s[|•·]\s")  # "Politics | 5 hours ago | By Jane Doe": a meta row's fields
DATELINE_WORDS = 8  # "NEW YORK (Agency) —": a dateline is a few words before a dash
_DATELINE = re.compile(r"^\s*[^\W\d_][^—–]*?(?:\s[—–-]|--|[—–])\s*$")
# An acronym compound or a word with digits ("EU-Gipfel", "US-Wahl", "COVID-19", "G7"): a word, not a name.
_COMPOUND_WORD = re.compile(r"(?<!\w)[A-Z]{2,}-\w|\w*\d")


def reads_as_name(article: "Article", text: str) -> bool:
    """Whether a bare line reads as a person's name on this page: written in capitals, none of its
    words is written in lower case elsewhere on the page ("Buy Now", "Share Services" are words, not
    names), no acronym compound or number ("EU-Gipfel"), and it does not open with a control's word ("Share
    Article", "Follow Us": a share bar's label, a call to action; "My Account", "Newer Article": an account
    menu, a pager), and it is no question or call ("What's This?"). In a script without capitals a short word cannot be told from a name: it does not read as one."""
    words = fold_tokens(text)
    if not words or not any(ch.isupper() for ch in text) or _COMPOUND_WORD.search(text):
        return False
    if text.rstrip().endswith(("?", "!", "？", "！")):  # a question or a call: a control's caption
        return False
    if words[0] in article.vocab.non_title or words[0] in article.vocab.not_name_opener_set:
        return False
    lower = article.lowercase_words
    return not any(w in lower for w in words if len(w) > 2)


def dateline(text: str, vocab: Vocabulary) -> bool:
    """Whether a line is the dateline the story's text opens with ("WASHINGTON (Agency) —", "Washington Agency —",
    "NEW YORK -"): a few words ending with a dash, naming the place and the agency, never the writer. A line
    opening with a credit prefix ("By Jane Doe —") is a credit."""
    return (bool(_DATELINE.match(text)) and len(text.split()) <= DATELINE_WORDS + 1
            and not vocab.by_lead.match(text))


def named_outlet(text: str, non_person: tuple) -> Optional[str]:
    """The first non-person credit (an outlet, "Staff") the text names as whole words."""
    low = " " + " ".join(fold_tokens(text)) + " "
    return next((c for c in non_person if " " + " ".join(fold_tokens(c)) + " " in low), None)


def person_credits(article: "Article") -> list:
    """Lines that credit a person, told without knowing who wrote the article: byline-shaped ones
    ("By ...", author-marked); failing those, a short line in the credit area under the headline, or
    among the first lines after the text, whose first words read as a person's name ("Jane Doe |
    Outlet", "— Jane Doe and John Roe, Reporters")."""
    vocab, non_person = article.vocab, article.pack.non_person_credits
    # a byline's name may follow its date ("April 10, 2023 | Jane Doe"): any of its lines may hold it
    out = [b for b in article.credits.bylines
           if any(line_credits_person(t, non_person, vocab) for t in (*b.lines[:3], *b.marked_texts))]
    if out:
        return out
    foot_lines = 0
    for block, zone in article.candidate_blocks():
        if block.hidden is not None or not block.text:
            continue
        if zone == "foot":
            foot_lines += 1
        near = article.containers.credit_area(block) if zone == "head" else foot_lines <= FOOT_SIGN_OFF_LINES
        line = block.lines[0] if block.lines else block.text
        if near and zone == "head" and _field_credit(line, non_person, vocab) and not article.other_story(block):
            return [block]  # "Politics, News | 5 hours ago | By Jane Doe": the credit is one field of a meta row
        if (not near or block.tag in TITLE_TAGS or len(block.text.split()) > vocab.max_head_line_words
                or article.is_notice(block.text) or vocab.consent_re.search(block.text) or dateline(block.text, vocab)):
            continue
        name = person_in_line(line, non_person, vocab)
        if (name and reads_as_name(article, name) and not vocab.other_credit(" ".join(fold_tokens(line)))
                and not control_row(block) and not article.other_story(block)):
            return [block]
    return []


def _field_credit(line: str, non_person: tuple, vocab: Vocabulary) -> bool:
    """Whether a later field of a row of separated fields opens with a credit prefix and names a person."""
    fields = [f.strip() for f in FIELD_SEPARATOR.split(line) if f.strip()]
    return any(vocab.by_lead.match(f) and line_credits_person(f, non_person, vocab) for f in fields[1:])


def credits_person(block: Block, non_person: tuple, vocab: Vocabulary) -> bool:
    """Whether a byline-like block names a person (not "Staff", not an outlet): "By A and B, Outlet" does."""
    return line_credits_person(block.lines[0] if block.lines else "", non_person, vocab)


def line_credits_person(line: str, non_person: tuple, vocab: Vocabulary) -> bool:
    """Whether a credit line names a person (not "Staff", not an outlet): "By A and B, Outlet" does."""
    return person_in_line(line, non_person, vocab) is not None


def person_in_line(line: str, non_person: tuple, vocab: Vocabulary) -> Optional[str]:
    """The first person's name a credit line gives (not "Staff", not an outlet), or None."""
    # a sign-off's dash goes first ("— Jane Doe, Outlet"), then the credit prefix
    signed = _LEADING_DASH.sub("", line)
    text = vocab.by_lead.sub("", signed, count=1)
    prefixed = text != signed
    head = re.split(r"[,|•·—–(]|\s[-/]\s", text)[0].strip()
    joiners = "|".join(re.escape(j) for j in vocab.name_joiners)
    for part in re.split(r"\s+(?:" + joiners + r")\s+", head) if joiners else [head]:
        low = " ".join(fold_tokens(part))
        if any(" ".join(fold_tokens(c)) in low for c in non_person):
            continue
        if looks_like_person(part.strip()):
            return part.strip()
        lead = _LEADING_NAME.match(part) if prefixed else None
        if lead and looks_like_person(lead.group(1)):
            return lead.group(1)  # "By Jane Doe 7 Comments": after a credit prefix, the capitalised words up to a number
    return None


def control_row(block: Block) -> bool:
    """Whether a line is a row of one-word links or buttons ("Share Tweet Email"): a name is one link."""
    controls = block.element.find_all(("a", "button"), limit=12)
    words = [c.get_text(" ").split() for c in controls]
    # the line is these controls' words and nothing else (not a line beside a menu nested further down)
    return (len(controls) >= 2 and all(len(w) <= 1 for w in words)
            and [x for w in words for x in w] == block.text.split())
