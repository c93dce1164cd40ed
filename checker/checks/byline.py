"""The byline check: every author of the original is named in a visible byline at the head or foot of the article."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional

from anyascii import anyascii

from ..models import Evidence, Outcome
from ..names import find_name, fold_tokens, looks_like_person, name_forms
from ..parse import Block
from .context import MARKED_REACH, CheckContext
from .registry import Verdict, register
from .text_match import is_notice

# Words that introduce a byline, in the languages partners publish in.
BY_WORDS = ("by", "written by", "words by", "story by", "reported by", "reporting by", "author", "authors",
            "byline", "reporter", "from", "par", "por", "von", "door", "di", "av", "af", "texto")
_BY_RE = re.compile(r"(?:^|\s)(?:" + "|".join(re.escape(w) for w in sorted(BY_WORDS, key=len, reverse=True)) + r")\s*$")
# Credits for someone other than the article's writer: "Photo by", "Edited by", "Additional reporting by".
_NOT_AUTHOR_BY = re.compile(r"(?:edited|photos?|photograph\w*|pictures?|images?|video|illustrat\w*|graphics?|"
                            r"design\w*|produced|translated|compiled|additional reporting|fact checked|photo credit)"
                            r"\s*(?:by)?\s*:?\s*$")
_BY_START = re.compile(r"^\s*(?:written |words |story |reported |reporting )?by\s+\S", re.I)
# What may follow the name on a byline line: a separator, a second author, a role, an outlet or a date.
_AFTER_OK = frozenset({
    "and", "is", "was", "for", "of", "at", "in", "on", "updated", "published", "posted", "reporter", "staff",
    "senior", "contributor", "contributing", "correspondent", "writer", "editor", "the", "with", "reports",
    "reporting", "via", "from", "special", "investigative", "associate", "chief", "national", "political",
    "white", "energy", "education", "daily", "dcnf", "a", "an", "et", "y", "und", "e", "jan", "feb", "mar", "apr",
    "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january", "february", "march", "april",
    "june", "july", "august", "september", "october", "november", "december", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "follow", "email", "twitter", "more", "view", "read", "last",
})
_SPEECH = frozenset({"said", "says", "told", "tells", "asked", "asks", "added", "adds", "wrote", "argued", "noted",
                     "explained", "according", "claimed", "stated", "testified", "tweeted", "announced"})
_CONNECT = frozenset({"and", "with", "y", "et", "und", "e"})
MAX_HEAD_LINE_WORDS = 24
MAX_FOOT_LINE_WORDS = 70  # an author box sentence: "Jane Doe is a reporter for ..."
MAX_MARKED_WORDS = 80


@dataclass(frozen=True)
class Credit:
    """Where an author is credited: the block, the line, and the line's text."""

    author: str
    block: Block
    line: str
    zone: str  # head or foot


@dataclass
class BylineAnalysis:
    credits: dict = field(default_factory=dict)  # author -> first Credit (document order)
    all_credits: dict = field(default_factory=dict)  # author -> every Credit (a head byline and a foot author box)
    missing: list = field(default_factory=list)
    bylines: list = field(default_factory=list)  # byline-like blocks seen in the head/foot (for explanations)
    empty_marked: Optional[Block] = None


def _line_tokens(line: str) -> tuple[str, list]:
    folded = anyascii(line).lower()
    return folded, [(m.group(0), m.start(), m.end()) for m in re.finditer(r"[a-z]+|[0-9]+", folded)]


def _credit_in_line(line: str, forms_by_author: dict, marked: bool, zone: str) -> dict:
    """Authors this line credits in byline shape: prefix is empty/a by-word/another author; suffix a separator or role."""
    folded, toks = _line_tokens(line)
    words = [t[0] for t in toks]
    if not words:
        return {}
    limit = MAX_MARKED_WORDS if marked else (MAX_FOOT_LINE_WORDS if zone == "foot" else MAX_HEAD_LINE_WORDS)
    if len(words) > limit:
        return {}
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
    found = {}
    prev_end = None
    for start, end, author in hits:
        prefix_words = words[prev_end if prev_end is not None else 0:start]
        prefix_text = folded[toks[prev_end][1] if prev_end is not None and prev_end < len(toks) else 0:toks[start][1]]
        if _NOT_AUTHOR_BY.search(" ".join(words[:start])):
            prev_end = end
            continue
        ok_prefix = (
            marked
            or not prefix_words
            or _BY_RE.search(" ".join(prefix_words)) is not None
            or (prev_end is not None and set(prefix_words) <= _CONNECT)
            or (prev_end is not None and not prefix_words)
            or bool(re.search(r"[|•·—–:/]\s*$", prefix_text))  # "Politics | Jane Doe", "Author: Jane Doe"
        )
        after = words[end] if end < len(words) else None
        gap = folded[toks[end - 1][2]: toks[end][1]] if end < len(toks) else ""
        ok_suffix = (
            marked
            or after is None
            or bool(re.search(r"[,|•·—–(/:;]|\s-\s", gap))
            or after in _AFTER_OK
            or after.isdigit()
            or any(s == end for s, _, _ in hits)
        )
        if after in _SPEECH and not re.search(r"[,|•·—–(/:;]", gap):
            ok_suffix = False  # "Jane Doe said ..." is a sentence, not a credit
        if ok_prefix and ok_suffix:
            found[author] = True
        prev_end = end
    return found


def _candidate_blocks(ctx: CheckContext) -> list[tuple[Block, str]]:
    lay = ctx.layout
    blocks = ctx.page.blocks
    if lay is None:
        return [(b, "head") for b in blocks if b.hidden is None and b.text]
    seen, out = set(), []
    for zone, indexes in (("head", lay.head), ("foot", lay.foot)):
        for i in indexes:
            if i not in seen:
                seen.add(i)
                out.append((blocks[i], zone))
    # Author markup just outside the spans (a byline row far above, an author box far below).
    lo, hi = max(0, lay.first - MARKED_REACH[0]), min(len(blocks), lay.last + MARKED_REACH[1])
    for i in range(lo, hi):
        b = blocks[i]
        if b.marked and i not in seen and i not in lay.body:
            seen.add(i)
            out.append((b, "head" if i < lay.first else "foot"))
    return out


def analyse(ctx: CheckContext) -> BylineAnalysis:
    """Find, once per page, which of the original's authors a visible byline credits."""
    if "byline" in ctx.memo:
        return ctx.memo["byline"]
    result = BylineAnalysis()
    authors = list(ctx.original.authors) if ctx.original else []
    forms = {a: name_forms(a) for a in authors}
    markers = ctx.pack.notice_markers
    for block, zone in _candidate_blocks(ctx):
        if block.hidden is not None or ctx.in_aside(block) or block.tag == "figcaption":
            continue  # hidden, another story's teaser, or a picture's caption (its credit is the photographer's)
        if not block.text:
            if block.marked and result.empty_marked is None and not ctx.contains_image(block.element):
                result.empty_marked = block
            continue
        if markers and is_notice(block.text, markers):
            continue
        in_body = ctx.is_body(block) and not _BY_START.match(block.text)
        looks_like_byline = block.marked or any(_BY_START.match(ln) for ln in block.lines)
        if looks_like_byline and not in_body and len(block.text.split()) <= MAX_MARKED_WORDS:
            result.bylines.append(block)
        pending = forms
        # A paragraph of the article is no credit, except an author-marked element inside it.
        lines = [] if in_body else [(ln, block.marked) for ln in block.lines + ((block.text,) if len(block.lines) > 1 else ())]
        lines += [(t, True) for t in block.marked_texts if t]
        for line, marked in lines:
            for author in _credit_in_line(line, pending, marked, zone):
                credit = Credit(author, block, line, zone)
                result.credits.setdefault(author, credit)
                known = result.all_credits.setdefault(author, [])
                if all(c.block.index != block.index for c in known):
                    known.append(credit)
    result.missing = [a for a in authors if a not in result.credits]
    ctx.memo["byline"] = result
    return result


def _where_else(ctx: CheckContext, author: str) -> Optional[tuple[str, Optional[Evidence]]]:
    """Why an author who is not credited in a byline still appears somewhere: explains the fail."""
    forms = name_forms(author)

    def named(text: str) -> bool:
        toks = fold_tokens(text)
        return any(find_name(f, toks) for f in forms)

    for b in ctx.page.blocks:
        if b.text and b.hidden is not None and named(b.text):
            return f"named only in an element hidden by {b.hidden}", ctx.block_evidence(b)
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
            aside = ctx.in_aside(b)
            if aside:
                return f"named only in {aside}, a block about other stories, not in this article's byline", ctx.block_evidence(b)
    for b in ctx.page.blocks:
        if b.hidden is None and b.text and ctx.is_body(b) and named(b.text):
            return "named only inside the article's text, not in a byline", ctx.block_evidence(b)
    return None


def _surname_only(block: Block, author: str) -> bool:
    forms = name_forms(author)
    toks = fold_tokens(block.text)
    return any(f.last and f.last in toks and not find_name(f, toks) for f in forms)


@register("byline.authors_credited")
def authors_credited(ctx: CheckContext) -> Verdict:
    """Every author of the original is named in a visible byline at the head or foot of the article."""
    analysis = analyse(ctx)
    authors = list(ctx.original.authors) if ctx.original else []
    credits = ctx.pack.non_person_credits
    if not authors:
        person = next((b for b in analysis.bylines if _credits_person(b, credits)), None)
        if person is not None:
            return Verdict(Outcome.REVIEW,
                           "the original's authors are unknown, so the checker cannot tell whether this byline names the reporter",
                           (ctx.block_evidence(person),), "Give the original's authors (originals manifest or feed).")
        return Verdict(Outcome.FAIL, "no byline credits a person (and the original's authors are unknown)",
                       (), "Add the reporter's byline at the top of the article.")
    if not analysis.missing:
        ev = tuple(ctx.block_evidence(c.block, expected=c.author) for c in _unique_blocks(analysis.credits.values()))
        return Verdict(Outcome.PASS, "byline names " + _names(authors), ev)
    missing = analysis.missing
    expected = _names(missing)
    fix = f"Credit {_names(authors)} in the article's byline, e.g. \"By {_names(authors)}, {ctx.pack.name}\"."
    if analysis.credits:
        found = ", ".join(analysis.credits)
        lead = f"the byline names {found} but not {expected}"
    else:
        lead = f"no byline names {expected}"
    evidence: list = []
    detail = ""
    shown = [b for b in analysis.bylines if b.text][:3]
    if not analysis.credits:
        for b in shown:
            low = " ".join(fold_tokens(b.text))
            outlet = next((c for c in credits if re.search(r"\b" + re.escape(" ".join(fold_tokens(c))) + r"\b", low)), None)
            if any(_surname_only(b, a) for a in missing):
                detail = f"; the byline \"{_clip(b.text)}\" gives only the surname"
            elif outlet and not _credits_person(b, ()):
                detail = f"; the byline credits \"{_clip(b.text)}\" instead of the reporter"
            else:
                detail = f"; the byline found is \"{_clip(b.text)}\""
            break
    if not detail:
        elsewhere = _where_else(ctx, missing[0])
        if elsewhere:
            detail = f"; {missing[0]} is {elsewhere[0]}"
            if elsewhere[1]:
                evidence.append(elsewhere[1])
    evidence = [ctx.block_evidence(b, expected=expected) for b in shown] + evidence
    if analysis.empty_marked is not None and not analysis.credits and not shown:
        b = analysis.empty_marked
        return Verdict(Outcome.REVIEW,
                       "the byline element is empty in the HTML; it is probably filled in by JavaScript, which the checker does not run",
                       (ctx.evidence(b.element, "(empty)", expected),),
                       "Check the page in a browser, or render the byline in the HTML.")
    return Verdict(Outcome.FAIL, lead + detail, tuple(evidence[:4]) or (ctx.looked_at("a byline"),), fix)


def _credits_person(block: Block, non_person: tuple) -> bool:
    text = re.sub(r"^\s*(?:written |words |story |reported )?by\s+", "", block.lines[0] if block.lines else "", flags=re.I)
    head = re.split(r"[,|•·—–(]|\s-\s", text)[0].strip()
    low = " ".join(fold_tokens(head))
    if any(" ".join(fold_tokens(c)) in low for c in non_person):
        return False
    return looks_like_person(head)


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
