"""The credit-line check: a line such as "This article was originally published by <licensor>" at the article's head or foot."""
from __future__ import annotations

from typing import Optional

from ..models import Outcome
from ..parse import Block
from ..text_match import fold
from .context import CheckContext
from .registry import Verdict, register

PLACES = ("head-or-foot", "head", "foot", "anywhere")
_PLACE_WORDS = {"head": "at the article's head", "foot": "at the article's foot", "above": "far above the article",
                "below": "far below the article", "body": "in the middle of the article's text"}


def credit_phrases(pack) -> list[str]:
    """Every wording of the pack's credit lines with every name of the licensor, folded for whole-word search."""
    names = sorted({pack.name, *pack.aliases}, key=len, reverse=True)
    return [fold(line.replace("{name}", n)) for line in pack.credit_lines for n in names]


def _credit_in(text: str, phrases: list[str]) -> bool:
    folded = fold(text)
    return any(p in folded for p in phrases)


def _zone(ctx: CheckContext, block: Block) -> Optional[str]:
    z = ctx.article.zones
    if z is None:
        return None
    if block.index in z.head:
        return "head"
    if block.index in z.foot:
        return "foot"
    if block.index < z.first:
        return "above"
    if block.index > z.last:
        return "below"
    return "body"


@register("credit.line_present", {"where": (str, "head-or-foot", PLACES)})
def credit_line_present(ctx: CheckContext, where: str = "head-or-foot") -> Verdict:
    """A visible credit line in one of the pack's `credit_lines` wordings, at the article's head or foot (`where`)."""
    pack = ctx.pack
    example = pack.credit_lines[0].replace("{name}", pack.name) if pack.credit_lines else f"Originally published by {pack.name}"
    fix = f"Add the credit line \u201c{example}\u201d, linked to the original, at the top or the end of the article."
    phrases = credit_phrases(pack)
    if not phrases:
        return Verdict(Outcome.REVIEW, "the license pack lists no credit_lines, so the credit line cannot be checked", (),
                       "Add credit_lines to the pack's license.yaml.")
    found = [b for b in ctx.page.visible_blocks() if b.text and _credit_in(b.text, phrases)]
    if ctx.article.zones is None:
        if found:
            return Verdict(Outcome.PASS, "the credit line is present (the article's body was not recognised, so where "
                           "it stands was not checked)", (ctx.block_evidence(found[0]),))
        return Verdict(Outcome.FAIL, f"no credit line naming the {pack.name} was found", (ctx.looked_at("a credit line"),), fix)
    misplaced = None
    for b in found:
        other = ctx.article.other_story(b)
        zone = _zone(ctx, b)
        if other:
            misplaced = misplaced or (b, f"only in {other}")
            continue
        if where == "anywhere" or zone == where or (where == "head-or-foot" and zone in ("head", "foot")):
            return Verdict(Outcome.PASS, f"the credit line is at the article's {zone}" if zone in ("head", "foot")
                           else "the credit line is present", (ctx.block_evidence(b),))
        place = _PLACE_WORDS.get(zone or "", "elsewhere on the page")
        misplaced = misplaced or (b, f"{place}, not at its {where.replace('-or-', ' or ')}")
    if misplaced:
        block, why = misplaced
        return Verdict(Outcome.FAIL, f"the credit line is {why}", (ctx.block_evidence(block),), fix)
    return Verdict(Outcome.FAIL, f"no credit line naming the {pack.name} was found (wordings: "
                   f"{'; '.join(c.replace('{name}', pack.name) for c in pack.credit_lines[:3])})", (ctx.looked_at("a credit line"),), fix)
