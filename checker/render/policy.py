"""When a page is rendered (`--render never|auto|always`), and how a render that could not finish is reported."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Optional

from ..models import Evidence, Outcome, PageResult, Status
from ..vocabulary import Vocabulary

MODES = ("never", "auto", "always")

# An application shell: the document is a mount point that scripts fill in.
_APP_ROOT = re.compile(r"<(?:div|main|section)\b[^>]*\bid\s*=\s*[\"']?(?:root|app|__next|__nuxt|___gatsby|svelte)"
                       r"[\"'\s>][^<]*</(?:div|main|section)>", re.I)
# A byline element left empty for a script to fill: <span class="byline"></span>, <span class="autor"></span>;
# marked by the default vocabulary's author marks, in the languages partners write markup in.
# A word that only contains a mark ("autorefresh") marks nothing.
_MARKS = "|".join(re.escape(m) for m in sorted(Vocabulary().author_marks, key=len, reverse=True))
_NOT_MARKS = "|".join(re.escape(m) for m in Vocabulary().author_mark_exclusions)
_EMPTY_BYLINE = re.compile(r"<(\w+)\b[^>]*\b(?:class|id|itemprop)\s*=\s*[\"'][^\"']*\b(?!" + _NOT_MARKS + r")(?:" + _MARKS + r")[^\"']*[\"']"
                           r"[^>]*>\s*</\1>", re.I)
_SCRIPT = re.compile(r"<script\b", re.I)
SHELL_TEXT = 600  # characters of visible text under which a page with scripts looks like a shell


def looks_script_built(html: str, visible_text: str) -> Optional[str]:
    """Why the page seems to be built by its scripts (app shell, empty byline element, little text), else None."""
    if not _SCRIPT.search(html):
        return None
    if _APP_ROOT.search(html):
        return "an application shell filled in by scripts"
    if _EMPTY_BYLINE.search(html):
        return "an empty byline element"
    if len(visible_text) < SHELL_TEXT:
        return "almost no text before scripts run"
    return None


def render_reason(mode: str, static: PageResult, html: str, visible_text: str) -> Optional[str]:
    """Why this page is rendered under `mode`, or None to keep the static verdict."""
    if mode == "always":
        return "--render always"
    if mode != "auto" or static.status is Status.ERROR:
        return None
    if static.status is Status.VIOLATION:
        return "to confirm the violation"
    if static.status is Status.REVIEW:
        return "to decide what a static reading could not"
    if static.status is Status.NOT_A_COPY:
        return looks_script_built(html, visible_text)
    return None


def note(static: PageResult, rendered: PageResult, seconds: float, refused: int = 0, partial: bool = False) -> str:
    changed = f"; static verdict: {static.status.value}" if static.status is not rendered.status else ""
    blocked = f"; {refused} requests refused by the address policy" if refused else ""
    still = "; still loading when measured" if partial else ""
    return f"Checked in a browser (Chromium, JavaScript on, 1280 and 390 px wide, {seconds:.1f} s{blocked}{still}){changed}."


STILL_LOADING = "the page was still loading in the browser when it was measured"


def partial(static: PageResult, rendered: PageResult) -> PageResult:
    """A page measured before its `load` event: a failure the static reading did not also find is not
    confirmed (what was missing may have been on its way) and becomes `review`; the rest stands."""
    failed_statically = {f.rule for f in static.findings if f.outcome is Outcome.FAIL}
    findings = []
    for f in rendered.findings:
        if f.outcome is Outcome.FAIL and f.rule not in failed_statically:
            f = replace(f, outcome=Outcome.REVIEW, message=f"{f.message} (not confirmed: {STILL_LOADING})")
        findings.append(f)
    from ..engine import page_status
    return replace(rendered, findings=tuple(findings), status=page_status(tuple(findings)))


def with_note(result: PageResult, text: str) -> PageResult:
    """Every finding says the page was rendered (the note travels with the findings into every report)."""
    findings = tuple(replace(f, evidence=f.evidence + (Evidence(selector="", snippet=text),)) for f in result.findings)
    return replace(result, findings=findings)


def unconfirmed(static: PageResult, why: str) -> PageResult:
    """The static verdict when the browser could not finish: a failure it was asked to confirm becomes
    `review` (never reported as confirmed), passes stay passes, a page that is not a copy stays so."""
    if static.status not in (Status.VIOLATION, Status.REVIEW, Status.COMPLIANT):
        return static
    text = f"Not confirmed in a browser: {why}."
    findings = []
    for f in static.findings:
        if f.outcome is Outcome.FAIL:
            f = replace(f, outcome=Outcome.REVIEW, message=f"{f.message} (not confirmed: {why})")
        findings.append(replace(f, evidence=f.evidence + (Evidence(selector="", snippet=text),)))
    status = Status.REVIEW if static.status is Status.VIOLATION else static.status
    return replace(static, status=status, findings=tuple(findings),
                   static_status=static.status if status is not static.status else None)

