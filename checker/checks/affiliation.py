"""The affiliation check: the licensor's name is attached to the reporter's byline (in it, or right beside it)."""
from __future__ import annotations

import re
from typing import Optional

from ..models import Outcome
from ..parse import Block
from .byline import analyse
from .context import CheckContext
from .logo import classify
from .registry import Verdict, register
from .text_match import find_alias, find_lookalike, fold, is_notice

MAX_ADJACENT_WORDS = 16  # "From the Daily Caller News Foundation" is a line, not a paragraph
_FILLER = frozenset({"from", "the", "by", "for", "of", "a", "an", "with", "and", "at", "reporter", "reporting",
                     "contributor", "correspondent", "writer", "staff", "senior", "investigative", "political",
                     "exclusive", "via", "source", "courtesy", "republished", "originally", "published",
                     "appeared", "first", "this", "article", "story", "was", "is", "on", "in", "updated", "posted"})
_MONTHS = re.compile(r"^(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*$")


def _neighbour(ctx: CheckContext, block: Block, step: int) -> Optional[Block]:
    """The nearest visible block with text before (step=-1) or after (+1) the given one."""
    blocks = ctx.page.blocks
    i = block.index + step
    while 0 <= i < len(blocks):
        b = blocks[i]
        if b.hidden is None and b.text:
            return b
        if b.hidden is None and ctx.contains_image(b.element):
            return b
        i += step
    return None


def _affiliation_only(text: str, alias: str) -> bool:
    """True when a line says little but the licensor's name: no other person's credit rides with it."""
    rest = fold(text).replace(fold(alias), " ")
    words = [w for w in rest.split() if w not in _FILLER and not w.isdigit() and not _MONTHS.match(w)]
    return len(words) <= 3


def _logo_in(ctx: CheckContext, block: Block) -> Optional[str]:
    for img in ctx.images_in(block):
        if img.hidden is None:
            kind, why = classify(img, ctx)
            if kind == "logo":
                return why
    return None


def attached(ctx: CheckContext, block: Block) -> Optional[tuple[str, Block]]:
    """(how, where) when the licensor's name is attached to this byline block."""
    aliases = ctx.pack.aliases
    alias = find_alias(block.text, aliases)
    if alias:
        return f"\"{alias}\" is in the byline", block
    logo = _logo_in(ctx, block)
    if logo:
        return f"the {ctx.pack.name} logo ({logo}) is in the byline", block
    for step in (-1, 1):
        nb = _neighbour(ctx, block, step)
        if nb is None or ctx.in_aside(nb):
            continue
        if nb.text and not ctx.is_body(nb) and len(nb.text.split()) <= MAX_ADJACENT_WORDS:
            alias = find_alias(nb.text, aliases)
            if alias and not is_notice(nb.text, ctx.pack.notice_markers) and _affiliation_only(nb.text, alias):
                where = "above" if step < 0 else "below"
                return f"\"{alias}\" is on the line right {where} the byline", nb
        logo = _logo_in(ctx, nb)
        if logo and len(nb.text.split()) <= MAX_ADJACENT_WORDS:
            return f"the {ctx.pack.name} logo ({logo}) sits right by the byline", nb
    return None


@register("affiliation.attached_to_byline")
def attached_to_byline(ctx: CheckContext) -> Verdict:
    """The licensor's name (an alias, or its logo's text) is in the reporter's byline or the line right before/after it."""
    pack = ctx.pack
    analysis = analyse(ctx)
    fix = f"Attach the affiliation to the byline, e.g. \"By {', '.join(ctx.original.authors) if ctx.original and ctx.original.authors else 'Reporter Name'}, {pack.name}\"."
    if not analysis.credits:
        return Verdict(Outcome.FAIL,
                       f"there is no byline naming the reporter, so the {pack.name} affiliation is not attached to one",
                       (ctx.looked_at("a byline naming the reporter"),), fix)
    failures = []
    passes = []
    # Each reporter needs the affiliation on one of their credits (a head byline or a foot author box).
    for author, credits in analysis.all_credits.items():
        hit = next(((c, h) for c in credits for h in (attached(ctx, c.block),) if h), None)
        if hit:
            passes.append(hit)
        else:
            failures.append(credits[0])
    if not failures:
        how, where = passes[0][1]
        return Verdict(Outcome.PASS, how, (ctx.block_evidence(where, expected=pack.name),))
    credit = failures[0]
    block = credit.block
    near = [block] + [b for b in (_neighbour(ctx, block, -1), _neighbour(ctx, block, 1)) if b is not None]
    expected = f"{pack.name} next to the byline"
    for b in near:
        look = find_lookalike(b.text, pack.aliases, pack.not_aliases)
        if look and not find_alias(b.text, pack.aliases):
            return Verdict(Outcome.FAIL,
                           f"the byline names \"{look}\", which is a different organisation from the {pack.name}",
                           (ctx.block_evidence(b, expected=expected),), fix)
    reason = _elsewhere(ctx, near)
    msg = f"the byline \"{_clip(block.text)}\" does not name the {pack.name}"
    return Verdict(Outcome.FAIL, msg + (f"; {reason[0]}" if reason else ""),
                   (ctx.block_evidence(block, expected=expected),) + ((reason[1],) if reason and reason[1] else ()), fix)


def _elsewhere(ctx: CheckContext, near: list):
    """Where the licensor is named instead (notice, body sentence, another person's byline)."""
    pack = ctx.pack
    skip = {b.index for b in near}
    for b in ctx.page.blocks:
        if b.index in skip or b.hidden is not None or not b.text:
            continue
        alias = find_alias(b.text, pack.aliases)
        if not alias:
            continue
        if is_notice(b.text, pack.notice_markers):
            return (f"the {pack.name} is named only in the license notice, which does not attach it to the reporter",
                    ctx.block_evidence(b))
        if ctx.is_body(b):
            return (f"\"{alias}\" appears only in the article's text, not attached to the reporter",
                    ctx.block_evidence(b))
        if b in analyse(ctx).bylines:
            return (f"\"{alias}\" is attached to another byline (\"{_clip(b.text)}\"), not the reporter's",
                    ctx.block_evidence(b))
    return None


def _clip(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
