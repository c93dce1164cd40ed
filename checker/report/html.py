"""Self-contained HTML report: counts, a page table and per-page evidence, all page text escaped."""
from __future__ import annotations

import base64
import hashlib
import re
from typing import TextIO

import jinja2
from markupsafe import Markup, escape

from checker.models import Run, Status
from checker.render.pictures import picture_src

# Only these schemes become links; javascript:, data: and the rest stay inert text.
# Matching the raw prefix (no stripping) is deliberate: browsers drop leading blanks and
# embedded tabs, so "java\tscript:" must never be normalised into something we accept.
_SAFE_HREF = re.compile(r"^(?:https?://|file:)", re.IGNORECASE)


def content_security_policy(script: str) -> str:
    """The policy of a self-contained report: defence in depth behind autoescaping. No script runs but
    `script` (allowed by its hash), nothing is loaded from outside, images only as data: URIs."""
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'")


# The status filter is progressive enhancement: without it every page is shown.
SCRIPT = (
    "(function(){var p=document.getElementById('filter');p.hidden=false;"
    "p.querySelector('select').addEventListener('change',function(e){var v=e.target.value;"
    "document.querySelectorAll('[data-status]').forEach(function(el){"
    "el.hidden=v!==''&&el.getAttribute('data-status')!==v;});});})();"
)
CSP = content_security_policy(SCRIPT)
MARKS = {"pass": "✓", "fail": "✗", "review": "?", "not-applicable": "–"}
# C0/C1 controls (an ANSI escape in a snippet, say) are invalid in HTML text; show them as U+FFFD.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _finalize(value: object) -> object:
    """Applied to every {{ }} value before escaping; our own Markup passes through untouched."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return _CONTROL.sub("\ufffd", value)
    return value


_env = jinja2.Environment(
    loader=jinja2.PackageLoader("checker.report", "templates"),
    autoescape=True,  # for every template, whatever its name
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    finalize=_finalize,
)


def link(url: str, label: str) -> Markup:
    """An <a> for http(s)/file URLs; otherwise just the escaped label."""
    label = _CONTROL.sub("\ufffd", label)
    if _SAFE_HREF.match(url):
        return Markup('<a href="{}" rel="noopener noreferrer">{}</a>').format(url, label)
    return escape(label)


def render(run: Run, out: TextIO, *, color: bool = False) -> None:
    template = _env.get_template("report.html.j2")
    out.write(
        template.render(
            run=run,
            summary=run.summary,
            # near-copy only when there is one: the summary of an ordinary run stays as it was
            statuses=[s for s in Status if s is not Status.NEAR_COPY or run.summary["near_copy"]],
            marks=MARKS,
            link=link,
            csp=CSP,
            script=Markup(SCRIPT),  # our own constant, not page text
            picture=picture_src,
        )
    )
