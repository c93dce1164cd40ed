"""The byline check: every author of the original is named in a visible byline at the head or foot of the article."""
from __future__ import annotations

from typing import Optional

from ..article import Article
from ..article.credits import calls_to_reader
from ..article.persons import credits_person, named_outlet
from ..article.slots import name_gap
from ..models import Evidence, Outcome
from ..names import find_name, fold_tokens, name_forms
from ..parse import Block
from ..vocabulary import Vocabulary
from .context import CheckContext
from .registry import Verdict, register


def _where_else(ctx: CheckContext, author: str) -> Optional[tuple[str, Optional[Evidence]]]:
    """Why an author who is not credited in a byline still appears somewhere: explains the fail."""
    art = ctx.article
    forms = name_forms(author)

    def named(text: str) -> bool:
        toks = fold_tokens(text)
        return any(find_name(f, toks) for f in forms)

    for b in ctx.page.blocks:
        if b.text and b.hidden is not None and named(b.text):
            return f"named only in an element hidden by {b.hidden}", ctx.block_evidence(b)
        if b.hidden_text and named(" ".join(b.hidden_text)):
            return "named only in a hidden part of a line", ctx.evidence(b.element, " ".join(" ".join(b.hidden_text).split()))
    for key in ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author"):
        for value in ctx.page.meta.get(key, []):
            if named(value):
                return f"named only in <meta name=\"{key}\">, which readers do not see", None
    for obj in ctx.page.jsonld:
        author_field = obj.get("author") or obj.get("creator")
        people = author_field if isinstance(author_field, list) else [author_field]
        for p in people:
            text = p.get("name") if isinstance(p, dict) else p
            if isinstance(text, str) and named(text):
                return "named only in the page's JSON-LD metadata, which readers do not see", None
    for b in ctx.page.blocks:
        if b.hidden is None and b.text and named(b.text):
            other = art.other_story(b)
            if other:
                return f"named only in {other}, not in this article's byline", ctx.block_evidence(b)
            toks = fold_tokens(b.text)
            hits = [h for h in (find_name(f, toks) for f in forms) if h]
            if len(b.text.split()) <= art.vocab.max_head_line_words and calls_to_reader(
                    art.vocab, toks, [(h.start, h.end) for h in hits]):
                return (f"named only in a line asking readers to follow or contact them (\"{_clip(b.text)}\"), "
                        "which credits no one"), ctx.block_evidence(b)
    for b in ctx.page.blocks:
        if b.hidden is None and b.text and art.is_body(b) and named(b.text):
            return "named only inside the article's text, not in a byline", ctx.block_evidence(b)
    return None


def _surname_only(block: Block, author: str) -> bool:
    forms = name_forms(author)
    toks = fold_tokens(block.text)
    return any(f.last and f.last in toks and not find_name(f, toks) for f in forms)


def _looked_at(art: Article) -> str:
    """What the check read, for a fail with no byline to show: the article's head and foot."""
    z = art.zones
    if z is None:
        return "no article body was found, so every visible block was read"
    blocks = art.page.blocks
    parts = []
    if z.headline is not None:
        parts.append(f"the headline \"{_clip(blocks[z.headline].text, 60)}\"")
    parts.append(f"{len(z.head)} blocks at the head and {len(z.foot)} at the foot of the article")
    return "looked at " + " and ".join(parts)


@register("byline.authors_credited")
def authors_credited(ctx: CheckContext) -> Verdict:
    """Every author of the original is named in a visible byline at the head or foot of the article."""
    art = ctx.article
    found = art.credits
    authors = list(art.authors)
    if not authors:
        return _authors_unknown(ctx)
    if not found.missing:
        ev = tuple(ctx.block_evidence(c.block, expected=c.author) for c in _unique_blocks(found.credits.values()))
        return Verdict(Outcome.PASS, "byline names " + _names(authors), ev)
    missing = found.missing
    expected = _names(missing)
    fix = f"Credit {_names(authors)} in the article's byline, e.g. \"By {_names(authors)}, {ctx.pack.name}\"."
    if found.credits:
        lead = f"the byline names {', '.join(found.credits)} but not {expected}"
    else:
        lead = f"no byline names {expected}"
    # beside an empty slot, the credit the reader sees where the byline goes is the one to show
    first = [found.credit_shown] if found.credit_shown is not None else []
    # a byline-marked line that credits a person says more than a marked "Share" or a lone "By"
    rest = sorted((b for b in found.bylines if b.text and b is not found.credit_shown),
                  key=lambda b: not credits_person(b, ctx.pack.non_person_credits, ctx.article.vocab))
    shown = (first + rest)[:3]
    detail = _what_the_byline_says(ctx, shown, missing) if not found.credits else ""
    evidence: list = []
    if not detail:
        elsewhere = _where_else(ctx, missing[0])
        if elsewhere:
            detail = f"; {missing[0]} is {elsewhere[0]}"
            if elsewhere[1]:
                evidence.append(elsewhere[1])
    partial = next((c.block for c in found.credits.values() if c.block.empty_mark and name_gap(ctx.article.vocab, c.line)), None)
    if partial is not None:
        # "By Jane Doe and <span class=author></span>": the byline names some authors and holds an empty
        # author element a script fills in, probably with the others.
        return Verdict(Outcome.REVIEW,
                       f"the byline names {', '.join(found.credits)} and holds an empty author element, probably "
                       f"filled in by JavaScript (which the checker does not run) with {expected}",
                       (ctx.block_evidence(partial, expected=expected),),
                       "Check the page in a browser, or render the whole byline in the HTML.")
    if found.empty_marked is not None and not found.credits and found.credit_shown is None:
        # A script fills the byline in, and no other credit stands where the byline goes: the
        # checker cannot tell what the reader will see.
        return _empty_byline(ctx, found.empty_marked, expected)
    maybe = art.credit_maybe_hidden
    if maybe is not None:
        return _unsure(ctx, maybe, expected, fix,
                       f"{_names(missing)} is credited in a line hidden by {maybe.hidden}, a rule whose effect depends on "
                       "the page's structure and scripts: the checker cannot tell whether readers see it",
                       "Check the page in a browser (or run with --render); if the byline is hidden, ")
    unread = art.unread_credit
    if unread is not None:
        # The reporter's full name stands on a short line at the article's head or foot, in no shape
        # the checker reads as a credit: a person can tell at a glance, an accusation could be wrong.
        return _unsure(ctx, unread, expected, fix,
                       f"{_names(missing)} is named on a short line by the article (\"{_clip(unread.text)}\"), but not "
                       "in a form the checker recognises as a byline",
                       "Check by hand that this line is the article's byline; if it is not, ")
    if not detail:
        detail = f"; {_looked_at(art)}"
    evidence = [ctx.block_evidence(b, expected=expected) for b in shown] + evidence
    return Verdict(Outcome.FAIL, lead + detail, tuple(evidence[:4]) or (ctx.looked_at("a byline"),), fix)


def _unsure(ctx: CheckContext, block: Block, expected: str, fix: str, why: str, first: str) -> Verdict:
    """Review, pointing at the line that makes the checker unsure; the fix says what to check first."""
    return Verdict(Outcome.REVIEW, why, (ctx.block_evidence(block, expected=expected),), first + fix[0].lower() + fix[1:])


def _authors_unknown(ctx: CheckContext) -> Verdict:
    """Without the original's authors: review a person's byline, fail a page that credits no person."""
    art = ctx.article
    found = art.credits
    person = next(iter(art.person_credits), None)
    if person is not None:
        return Verdict(Outcome.REVIEW,
                       "the original's authors are unknown, so the checker cannot tell whether this byline names the reporter",
                       (ctx.block_evidence(person),), "Give the original's authors (originals manifest or feed).")
    if found.empty_marked is not None:
        return _empty_byline(ctx, found.empty_marked, "the reporter")
    return Verdict(Outcome.FAIL, "no byline credits a person (and the original's authors are unknown)",
                   (), "Add the reporter's byline at the top of the article.")


def _what_the_byline_says(ctx: CheckContext, shown: list, missing: list) -> str:
    """What the first byline found says instead ("gives only the surname", "credits the outlet")."""
    art = ctx.article
    non_person = ctx.pack.non_person_credits
    for b in shown:
        if _date_only(b.text, art.vocab):
            continue  # "Last Updated: January 7, 2025" in the author area is no byline to quote
        outlet = named_outlet(b.text, non_person)
        if any(_surname_only(b, a) for a in missing):
            return f"; the byline \"{_clip(b.text)}\" gives only the surname"
        if outlet and not credits_person(b, (), art.vocab):
            return f"; the byline credits \"{_clip(b.text)}\" instead of the reporter"
        return f"; the byline found is \"{_clip(b.text)}\""
    return ""


def _date_only(text: str, vocab: Vocabulary) -> bool:
    """A line that dates the story and names no one: a digit, a month or day word, and at most two other words
    ("Last Updated: January 7, 2025", "Published 12.03.2024")."""
    toks = fold_tokens(text)
    dated = [t for t in toks if t.isdigit() or t in vocab.date_set or t in vocab.time_set]
    return any(t.isdigit() for t in toks) and len(toks) - len(dated) <= 2 and len(dated) >= 2


def _empty_byline(ctx: CheckContext, block: Block, expected: str) -> Verdict:
    return Verdict(Outcome.REVIEW,
                   "the byline element is empty in the HTML; it is probably filled in by JavaScript, which the checker does not run",
                   (ctx.evidence(block.element, "(empty)", expected),),
                   "Check the page in a browser, or render the byline in the HTML.")


def _unique_blocks(credits) -> list:
    seen, out = set(), []
    for c in credits:
        if c.block.index not in seen:
            seen.add(c.block.index)
            out.append(c)
    return out


def _names(names: list) -> str:
    names = list(names)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _clip(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
