"""The text-unedited check: every paragraph of the original is in the copy, in order, changed only as the license allows."""
from __future__ import annotations

from ..edits import EDIT_KINDS, Difference, Unit, compare, original_units, sentences
from ..models import Evidence, Outcome
from .context import CheckContext
from .registry import Verdict, register

REACH = 400  # blocks before the body's first and after its last that are read as the copy's text
MAX_SHOWN = 3
MAX_SENTENCES = 20000  # differences shown as evidence


def _copy_units(ctx: CheckContext) -> list[Unit]:
    blocks = ctx.page.blocks
    zones = ctx.article.zones
    lo, hi = (0, len(blocks)) if zones is None else (max(0, zones.first - REACH), min(len(blocks), zones.last + REACH))
    out: list[Unit] = []
    for b in blocks[lo:hi]:
        if b.hidden is None and b.text:
            out.extend(Unit(s, b.index) for s in sentences(b.text))
            if len(out) > MAX_SENTENCES:  # a page of endless text: the article is long read by then
                break
    return out


def _quote(text: str, n: int = 300) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _say(d: Difference) -> str:
    if d.kind == "changed":
        return f"paragraph {d.paragraph} was edited: the copy reads \u201c{_quote(d.copy, 160)}\u201d where the " \
               f"original reads \u201c{_quote(d.original, 160)}\u201d"
    if d.kind == "missing-paragraph":
        return f"paragraph {d.paragraph} of the original is missing (\u201c{_quote(d.original, 120)}\u201d)"
    if d.kind == "missing-sentence":
        return f"a sentence of paragraph {d.paragraph} is missing: \u201c{_quote(d.original, 160)}\u201d"
    if d.kind == "moved":
        return f"paragraph {d.paragraph} is out of order (\u201c{_quote(d.original, 120)}\u201d stands elsewhere)"
    where = f" to paragraph {d.paragraph}" if d.paragraph else ""
    return f"a sentence was added{where}: \u201c{_quote(d.copy, 160)}\u201d"


def _evidence(ctx: CheckContext, d: Difference) -> Evidence:
    if d.block is None:
        return Evidence("", _quote(d.original), expected=_quote(d.original), actual="(missing)")
    block = ctx.page.blocks[d.block]
    ev = ctx.evidence(block.element, d.copy or block.text)
    return Evidence(ev.selector, ev.snippet, expected=_quote(d.original) if d.original else "(not in the original)",
                    actual=_quote(d.copy), line=ev.line)


@register("text.unedited", {"allowed_edits": (list, [], EDIT_KINDS)})
def text_unedited(ctx: CheckContext, allowed_edits: list | None = None) -> Verdict:
    """Every paragraph of the original is in the copy, in order; any change but the listed allowed edits is a finding."""
    original = ctx.original
    if original is None:
        return Verdict(Outcome.REVIEW, "the original is unknown, so the copy's text cannot be compared with it", (),
                       "Give the original (originals manifest or feed) to compare the text.")
    units = original_units(original.text)
    if not units:
        return Verdict(Outcome.REVIEW, "the original's text is unknown (the manifest or feed gives no text), so "
                       "edits cannot be found", (), "Give the original's full text in the originals manifest.")
    result = compare(units, _copy_units(ctx), tuple(allowed_edits or ()))
    paras = len({u.where for u in units})
    if not result.differences:
        note = ""
        if result.allowed:
            kinds = sorted({k for k, _, _ in result.allowed})
            note = f" (allowed edits: {', '.join(kinds)})"
        return Verdict(Outcome.PASS, f"all {paras} paragraphs of the original are present, in order, unedited{note}")
    diffs = result.differences
    more = f"; and {len(diffs) - 1} more difference{'s' if len(diffs) > 2 else ''}" if len(diffs) > 1 else ""
    allowed = ", ".join(allowed_edits or ()) or "none"
    return Verdict(Outcome.FAIL, _say(diffs[0]) + more,
                   tuple(_evidence(ctx, d) for d in diffs[:MAX_SHOWN]),
                   f"Republish the original's text without changes (allowed edits: {allowed}).")
