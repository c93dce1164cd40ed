"""The affiliation check: the licensor's name is attached to the reporter's byline (in it, or right beside it)."""
from __future__ import annotations

import re
from typing import Optional

from ..article import Article
from ..models import Outcome
from ..names import find_name, fold_tokens, name_forms
from ..parse import Block
from .context import CheckContext
from .registry import Verdict, register
from ..text_match import find_alias, find_lookalike, fold

_MONTHS = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*$")


def _affiliation_only(art: Article, text: str, alias: str) -> bool:
    """True when a line says little but the licensor's name: no other person's credit rides with it (not "Edited
    by Jane Doe, <licensor>": the licensor there is the editor's)."""
    rest = fold(text).replace(fold(alias), " ")
    toks = rest.split()
    if any(t == "by" and art.vocab.other_credit(" ".join(toks[:i + 1])) for i, t in enumerate(toks)):
        return False
    words = [w for w in toks if w not in art.vocab.filler and not w.isdigit() and not _MONTHS.match(w)]
    return len(words) <= 3


_TIME_WORDS = frozenset({"am", "pm", "at", "uhr", "h", "gmt", "utc", "et", "est", "edt", "pt", "pst", "pdt", "cet",
                         "cest", "bst", "updated", "published", "posted", "modified", "on", "le", "um", "de"})


def _dateline(art: Article, text: str) -> bool:
    """A line that only dates the article ("March 4, 2026 at 9:12 am", "Updated 03/18/2026")."""
    words = [w for w in fold(text).split() if w]
    return 0 < len(words) <= 12 and any(w.isdigit() for w in words) and all(
        w.isdigit() or _MONTHS.match(w) or w in _TIME_WORDS or w in art.vocab.after_ok for w in words)


DETAIL_LINES = 4  # lines of detail (a role, a date, an avatar) that may stand between a byline and its affiliation
DETAIL_WORDS = 4  # a role line is this short: "Contributor", "Senior Politics Reporter"


def _detail_line(art: Article, block: Block) -> bool:
    """A line that details a credit without being one: a date, a short role, a picture that is no logo."""
    text = block.text
    if not text:  # an avatar, an icon: but a logo (the licensor's or a look-alike) speaks for itself
        return all(img.hidden is not None or art.image_class(img)[0] == "other" for img in art.images_in(block))
    if _dateline(art, text):
        return True
    # (in a script written without spaces each character is a word: "点击进入专题" is no two-word role)
    words = text.split() if text.isascii() else fold_tokens(text)
    return (len(words) <= DETAIL_WORDS and not any(ch in text for ch in ".!?") and not art.is_body(block)
            and not find_alias(text, art.pack.aliases) and not _lookalike(art, text)
            and not art.vocab.by_start.match(text) and not art.other_story(block))


def _lookalike(art: Article, text: str) -> Optional[str]:
    """Another organisation's name (a pack `not_aliases` entry) in the text, with none of the licensor's aliases."""
    pack = art.pack
    if find_alias(text, pack.aliases):
        return None
    return find_lookalike(text, pack.aliases, pack.not_aliases)


def attached(art: Article, block: Block) -> Optional[tuple[str, Block]]:
    """(how, where) when the licensor's name is attached to this byline block.

    A byline that names another organisation ("By Jane Doe, <look-alike>") is not made right by a
    licensor logo or line beside it: the reader is told the reporter works elsewhere.
    """
    pack = art.pack
    if _lookalike(art, block.text):
        return None
    alias = find_alias(block.text, pack.aliases)
    if alias:
        return f"\"{alias}\" is in the byline", block
    logo = art.logo_in(block)
    if logo:
        return f"the {pack.name} logo ({logo}) is in the byline", block
    for inner in art.inner_blocks(block):  # a line of the same block: "<div>By X<div>Outlet</div></div>"
        alias = find_alias(inner.text, pack.aliases) if len(inner.text.split()) <= art.vocab.max_adjacent_words else None
        if alias and not art.is_notice(inner.text) and _affiliation_only(art, inner.text, alias):
            return f"\"{alias}\" is in the byline block", inner
    for step in (-1, 1):
        nb = art.neighbour(block, step)
        for _ in range(DETAIL_LINES):
            if nb is None or not _detail_line(art, nb):
                break
            # "By X" / "Senior Reporter" / "March 4, 2026" / "<licensor>": a role, a date or an
            # avatar between them is part of the credit, not a break in it.
            nb = art.neighbour(nb, step)
        if nb is None or (art.other_story(nb) and not _same_box(art, block, nb)):
            continue  # (a line of the credit's own small box is the credit's, whatever the box is called)
        if nb.text and not art.is_body(nb) and len(nb.text.split()) <= art.vocab.max_adjacent_words:
            alias = find_alias(nb.text, pack.aliases)
            if alias and not art.is_notice(nb.text) and _affiliation_only(art, nb.text, alias):
                where = "above" if step < 0 else "below"
                return f"\"{alias}\" is on the line right {where} the byline", nb
        alias = _bio(art, nb)
        if alias:
            return f"\"{alias}\" is in the reporter's bio right {'above' if step < 0 else 'below'} the byline", nb
        logo = art.logo_in(nb)
        if logo and len(nb.text.split()) <= art.vocab.max_adjacent_words and not _lookalike(art, nb.text):
            return f"the {pack.name} logo ({logo}) sits right by the byline", nb
    line = _in_credit_box(art, block)
    if line is not None:
        return f"\"{find_alias(line.text, pack.aliases)}\" is in the byline's own credit box", line
    return None


_SENTENCE_END = re.compile(r"(?<=\w{3}[.!?])\s+(?=[\"'(]?[A-Z])")  # not after an initial ("Jane Q. Doe"), "Jr.", "Dr."


def _bio(art: Article, block: Block) -> Optional[str]:
    """The licensor named in a bio beside the byline, a sentence that opens with the reporter's name ("Jane Doe
    is a reporter for <licensor>."): the author box tells the reader whom the reporter works for."""
    if not block.text or art.is_body(block) or not art.authors:
        return None
    first = _SENTENCE_END.split(block.text.strip(), maxsplit=1)[0]
    if len(first.split()) > art.vocab.max_foot_line_words or art.is_notice(first) or _lookalike(art, first):
        return None
    toks = fold_tokens(first)
    if not any(hit is not None and hit.start == 0
               for author in art.authors for form in name_forms(author) for hit in (find_name(form, toks),)):
        return None
    return find_alias(first, art.pack.aliases)


CREDIT_BOX_LEVELS = 3  # how far up from a byline its small credit box (a <dl>, a meta list) is looked for
CREDIT_BOX_REACH = 8  # blocks either side of the byline searched for the box's other lines


def _in_credit_box(art: Article, block: Block) -> Optional[Block]:
    """A line naming the licensor, alone, in the same small box as the byline ("Author: X / Source:
    <licensor>" in a <dl>, a meta list): the box, as a reader sees it, is one credit."""
    pack = art.pack
    node, box = block.element.parent, None
    for _ in range(CREDIT_BOX_LEVELS):
        if node is None or node.name in ("body", "html", "main", "article", "[document]"):
            break
        words = len(node.get_text(" ").split())
        if words > art.vocab.max_adjacent_words * 2:
            break
        box, node = node, node.parent
    if box is None:
        return None
    blocks = art.page.blocks
    found = None
    for i in range(max(0, block.index - CREDIT_BOX_REACH), min(len(blocks), block.index + CREDIT_BOX_REACH + 1)):
        b = blocks[i]
        if b.hidden is not None or not b.text or art.is_body(b) or not _inside(b.element, box):
            continue
        if _lookalike(art, b.text):
            return None  # the box tells the reader the reporter works for another organisation
        alias = find_alias(b.text, pack.aliases)
        if i != block.index and found is None and alias and not art.is_notice(b.text) and _affiliation_only(art, b.text, alias):
            found = b
    return found


def _same_box(art: Article, block: Block, other: Block) -> bool:
    """Whether two blocks stand in one small box (an author card: the name, then its bio) within
    CREDIT_BOX_LEVELS of the first."""
    node = block.element.parent
    for _ in range(CREDIT_BOX_LEVELS):
        if node is None or node.name in ("body", "html", "main", "article", "[document]"):
            return False
        if len(node.get_text(" ").split()) > art.vocab.max_foot_line_words * 2:
            return False
        if _inside(other.element, node):
            return True
        node = node.parent
    return False


def _inside(element, box) -> bool:
    node = element.parent
    for _ in range(CREDIT_BOX_LEVELS + 1):
        if node is None:
            return False
        if node is box:
            return True
        node = node.parent
    return False


def _review(ctx: CheckContext, why: str, block: Optional[Block] = None) -> Verdict:
    ev = (ctx.block_evidence(block),) if block is not None and block.text else (
        (ctx.evidence(block.element, "(empty)"),) if block is not None else ())
    return Verdict(Outcome.REVIEW, why, ev, "Check the byline by hand, or give the original's authors.")


@register("affiliation.attached_to_byline")
def attached_to_byline(ctx: CheckContext) -> Verdict:
    """The licensor's name (an alias, or its logo's text) is in the reporter's byline or the line right before/after it."""
    pack = ctx.pack
    art = ctx.article
    found = art.credits
    reporter = ", ".join(art.authors) if art.authors else "Reporter Name"
    fix = f"Attach the affiliation to the byline, e.g. \"By {reporter}, {pack.name}\"."
    if not art.authors:
        # Without the original's authors the reporter's byline cannot be told apart from any other
        # credit, so whether the affiliation is attached to it cannot be told either.
        people = art.person_credits
        if people or found.empty_marked is not None:
            shown = next((b for b in people if attached(art, b)), people[0] if people else found.empty_marked)
            return _review(ctx, "the original's authors are unknown, so the checker cannot tell which byline is the "
                                f"reporter's and whether the {pack.name} is attached to it", shown)
        return Verdict(Outcome.FAIL, f"no byline credits a person, so the {pack.name} affiliation is not attached to one",
                       (), fix)
    if not found.credits:
        if art.credit_maybe_hidden is not None:
            return _review(ctx, f"the reporter's byline is hidden by {art.credit_maybe_hidden.hidden}, a rule whose effect "
                                "depends on the page's structure and scripts, so the checker cannot tell whether the "
                                f"{pack.name} is attached to a byline readers see", art.credit_maybe_hidden)
        if art.unread_credit is not None:
            return _review(ctx, f"the reporter is named on a short line by the article (\"{_clip(art.unread_credit.text)}\") "
                                "that the checker does not recognise as a byline, so it cannot tell whether the "
                                f"{pack.name} is attached to the reporter's byline", art.unread_credit)
        if found.empty_marked is not None and found.credit_shown is None:
            return _review(ctx, "the byline element is empty in the HTML (probably filled in by JavaScript), so the "
                                f"checker cannot tell whether the {pack.name} is attached to it", found.empty_marked)
        return Verdict(Outcome.FAIL,
                       f"there is no byline naming the reporter, so the {pack.name} affiliation is not attached to one",
                       (ctx.looked_at("a byline naming the reporter"),), fix)
    failures = []
    passes = []
    # Each reporter needs the affiliation on one of their credits (a head byline or a foot author box).
    for author, credits in found.all_credits.items():
        hit = next(((c, h) for c in credits for h in (attached(art, c.block),) if h), None)
        if hit:
            passes.append(hit)
        else:
            failures.append(credits[0])
    if not failures:
        how, where = passes[0][1]
        return Verdict(Outcome.PASS, how, (ctx.block_evidence(where, expected=pack.name),))
    block = failures[0].block
    near = [block] + [b for b in (art.neighbour(block, -1), art.neighbour(block, 1)) if b is not None]
    for b in near:
        look = _lookalike(art, b.text)
        if look:
            return _other_org(ctx, b, look, fix)
    reason = _elsewhere(ctx, near)
    msg = f"the byline \"{_clip(block.text)}\" does not name the {pack.name}"
    return Verdict(Outcome.FAIL, msg + (f"; {reason[0]}" if reason else ""),
                   (ctx.block_evidence(block, expected=f"{pack.name} next to the byline"),)
                   + ((reason[1],) if reason and reason[1] else ()), fix)


def _other_org(ctx: CheckContext, block: Block, look: str, fix: str) -> Verdict:
    name = ctx.pack.name
    return Verdict(Outcome.FAIL, f"the byline names \"{look}\", which is a different organisation from the {name}",
                   (ctx.block_evidence(block, expected=f"{name} next to the byline"),), fix)


def _elsewhere(ctx: CheckContext, near: list):
    """Where the licensor is named instead (notice, body sentence, another person's byline)."""
    pack = ctx.pack
    art = ctx.article
    skip = {b.index for b in near}
    for b in ctx.page.blocks:
        if b.index in skip or b.hidden is not None or not b.text:
            continue
        alias = find_alias(b.text, pack.aliases)
        if not alias:
            continue
        if art.is_notice(b.text):
            return (f"the {pack.name} is named only in the license notice, which does not attach it to the reporter",
                    ctx.block_evidence(b))
        if art.is_body(b):
            return (f"\"{alias}\" appears only in the article's text, not attached to the reporter",
                    ctx.block_evidence(b))
        if b in art.credits.bylines:
            return (f"\"{alias}\" is attached to another byline (\"{_clip(b.text)}\"), not the reporter's",
                    ctx.block_evidence(b))
    return None


def _clip(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
