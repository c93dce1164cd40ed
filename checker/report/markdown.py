"""Markdown report for PR comments and the GitHub step summary; page text cannot inject markup."""
from __future__ import annotations

import re
from typing import TextIO
from urllib.parse import quote

from checker.models import Evidence, Finding, Outcome, PageResult, Run, Status

EMOJI = {
    Status.COMPLIANT: "✅",
    Status.VIOLATION: "❌",
    Status.REVIEW: "⚠️",
    Status.NOT_A_COPY: "➖",
    Status.ERROR: "⛔",
    Status.NEAR_COPY: "🔍",
}
_OUTCOME_EMOJI = {Outcome.FAIL: "❌", Outcome.REVIEW: "⚠️", Outcome.PASS: "✅", Outcome.NOT_APPLICABLE: "➖"}

# Inline markup a page could smuggle in: emphasis, code, links/images, raw HTML, entities,
# strikethrough and table cell breaks. Page text never starts a line here (see _flat), so
# block markers (#, -, 1.) need no escaping.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|&~])")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_SAFE_URL = re.compile(r"^https?://", re.IGNORECASE)


def _flat(s: str) -> str:
    """One line, no control characters: a newline in page text could start a heading or a block."""
    return " ".join(_CONTROL.sub(" ", s).split())


def esc(s: str) -> str:
    """Escape page-derived text for inline Markdown (table cells included)."""
    s = _MD_SPECIAL.sub(r"\\\1", _flat(s))
    # A zero-width space after @ keeps a hostile title from pinging users or teams.
    return s.replace("@", "@&#8203;")


def code(s: str, *, in_table: bool = False) -> str:
    """A code span that no backtick in `s` can close early."""
    s = _flat(s)
    fence = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    if s.startswith("`") or s.endswith("`"):
        s = f" {s} "
    if in_table:  # GFM splits cells on | even inside code spans, unless escaped
        s = s.replace("|", "\\|")
    return f"{fence}{s}{fence}"


def link(url: str, label: str) -> str:
    """A link for http(s) URLs only; anything else (javascript:, data:) stays inert text."""
    if not _SAFE_URL.match(url):
        return esc(label)
    dest = quote(_flat(url), safe=":/?#[]@!$&'()*+,;=%~-._")  # encodes < > | spaces and backslashes
    return f"[{esc(label)}](<{dest}>)"


def _original_cell(r: PageResult) -> str:
    if r.original is None:
        return "—"
    return link(r.original.url, r.original.title or r.original.url) + f" ({code(r.original.id, in_table=True)})"


def _pages_table(pages: list[PageResult]) -> list[str]:
    lines = ["| | Status | Page | Original | Match |", "|---|---|---|---|---:|"]
    for r in pages:
        score = f"{r.match.score:.2f}" if r.match else "—"
        lines.append(
            f"| {EMOJI[r.status]} | {r.status.value} | {link(r.url, r.target)} | {_original_cell(r)} | {score} |"
        )
    return lines


def _evidence(ev: Evidence) -> list[str]:
    lines = []
    if ev.selector or ev.snippet:
        parts = []
        if ev.selector:
            parts.append(code(ev.selector) + (f" (line {ev.line})" if ev.line is not None else ""))
        if ev.snippet:
            parts.append(code(ev.snippet))
        lines.append("  - evidence: " + ": ".join(parts))
    if ev.expected is not None or ev.actual is not None:
        lines.append(f"  - expected: {esc(ev.expected or '')}; actual: {esc(ev.actual or '')}")
    return lines


def _finding(f: Finding) -> list[str]:
    label = "review" if f.outcome is Outcome.REVIEW else f.severity.value
    lines = [f"- {_OUTCOME_EMOJI[f.outcome]} **{esc(f.rule)}** ({label}): {esc(f.message)}"]
    for ev in f.evidence:
        lines += _evidence(ev)
    if f.fix:
        lines.append(f"  - fix: {esc(f.fix)}")
    return lines


def _details(r: PageResult) -> list[str]:
    lines = [f"#### {EMOJI[r.status]} {esc(r.target)}", ""]
    if r.status is Status.ERROR:
        return lines + [f"Could not be checked: {esc(r.error or 'unknown error')}", ""]
    if r.original is not None:
        match = f" · match {r.match.score:.2f}" if r.match else ""
        lines += [f"Original: {_original_cell(r)}{match}", ""]
    shown = [f for f in r.findings if f.outcome in (Outcome.FAIL, Outcome.REVIEW)]
    for f in shown:
        lines += _finding(f)
    passed = [esc(f.rule) for f in r.findings if f.outcome is Outcome.PASS]
    if passed:
        lines.append(f"- ✅ passed: {', '.join(passed)}")
    return lines + [""]


def render(run: Run, out: TextIO, *, color: bool = False) -> None:
    s = run.summary
    lines = [
        f"## syndicheck report: {esc(run.license)}",
        "",
        f"| Pages | {EMOJI[Status.COMPLIANT]} compliant | {EMOJI[Status.VIOLATION]} violation "
        f"| {EMOJI[Status.REVIEW]} review | {EMOJI[Status.NOT_A_COPY]} not a copy | {EMOJI[Status.ERROR]} error |",
        "|---:|---:|---:|---:|---:|---:|",
        f"| {s['pages']} | {s['compliant']} | {s['violation']} | {s['review']} | {s['not_a_copy']} | {s['error']} |",
        "",
    ]
    copies = [r for r in run.results if r.status not in (Status.NOT_A_COPY, Status.NEAR_COPY)]
    if copies:
        lines += ["### Pages", ""] + _pages_table(copies) + [""]
    near = [r for r in run.results if r.status is Status.NEAR_COPY]
    if near:  # listed apart: they reproduce part of an original, are not checked and are never violations
        lines += ["### Near-copies (part of an original; not checked)", ""] + _pages_table(near) + [""]
    # Most pages an audit crawls are not copies; listing them in full would bury the rest.
    others = [r for r in run.results if r.status is Status.NOT_A_COPY]
    if others:
        noun = "page is not a copy" if len(others) == 1 else "pages are not copies"
        lines += [f"<details><summary>{len(others)} {noun}</summary>", ""]
        lines += [f"- {link(r.url, r.target)}" for r in others]
        lines += ["", "</details>", ""]
    flagged = [r for r in run.results if r.status in (Status.VIOLATION, Status.REVIEW, Status.ERROR)]
    if flagged:
        lines += ["### Details", ""]
        for r in flagged:
            lines += _details(r)
    out.write("\n".join(lines).rstrip("\n") + "\n")
