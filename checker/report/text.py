"""Plain-text report for terminals: findings grouped by page, optional ANSI colour."""
from __future__ import annotations

from typing import TextIO

from checker.models import Evidence, Finding, Outcome, PageResult, Run, Status
from checker.terminal import inert

SNIPPET_LIMIT = 200


_STATUS_COLOR = {
    Status.COMPLIANT: "32",  # green
    Status.VIOLATION: "1;31",  # bold red
    Status.REVIEW: "33",  # yellow
    Status.NOT_A_COPY: "2",  # dim
    Status.ERROR: "1;35",  # bold magenta
    Status.NEAR_COPY: "36",  # cyan
}
_MARK = {
    Outcome.PASS: ("✓", "32"),
    Outcome.FAIL: ("✗", "31"),
    Outcome.REVIEW: ("?", "33"),
    Outcome.NOT_APPLICABLE: ("–", "2"),
}
_LABEL_WIDTH = max(len(s.value) for s in Status)


def _clean(s: str, limit: int | None = None) -> str:
    s = " ".join(s.split())  # snippets come from HTML: newlines and runs of blanks are noise here
    s = inert(s)  # page-derived text on a terminal: escapes and bidi overrides shown, not obeyed
    if limit is not None and len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(self, code: str, s: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if self.color else s


def _evidence_lines(ev: Evidence) -> list[str]:
    lines = []
    if ev.selector or ev.line is not None:
        where = _clean(ev.selector) or "(document)"
        lines.append(f"at: {where}" + (f" (line {ev.line})" if ev.line is not None else ""))
    if ev.snippet:
        lines.append(f'snippet: "{_clean(ev.snippet, SNIPPET_LIMIT)}"')
    if ev.expected is not None or ev.actual is not None:
        lines.append(f"expected: {_clean(ev.expected or '')}  actual: {_clean(ev.actual or '')}")
    return lines


def _finding_lines(f: Finding, paint: _Painter) -> list[str]:
    mark, code = _MARK[f.outcome]
    rule = _clean(f.rule)
    if f.outcome is Outcome.PASS:
        return [f"  {paint(code, mark)} {rule}"]
    if f.outcome is Outcome.NOT_APPLICABLE:
        return [f"  {paint(code, mark)} {rule}: not applicable" + (f" ({_clean(f.message)})" if f.message else "")]
    head = f"  {paint(code, mark)} {paint('1', rule)} [{f.severity.value}]"
    if f.outcome is Outcome.REVIEW:
        head += " review:"
    lines = [f"{head} {_clean(f.message)}"]
    for ev in f.evidence:
        lines += [f"      {line}" for line in _evidence_lines(ev)]
    if f.fix:
        lines.append(f"      {paint('36', 'fix:')} {_clean(f.fix)}")
    return lines


def _page_lines(r: PageResult, paint: _Painter) -> list[str]:
    label = paint(_STATUS_COLOR[r.status], r.status.value.upper().ljust(_LABEL_WIDTH))
    target = _clean(r.target)
    if r.status is Status.NOT_A_COPY:
        return [f"{label}  {target}"]
    if r.status is Status.NEAR_COPY:
        return [f"{label}  {target}: {_clean(near_copy_note(r))}"]
    if r.status is Status.ERROR:
        return [f"{label}  {target}: {_clean(r.error or 'could not be checked')}"]
    lines = [f"{label}  {target}"]
    if r.url and r.url != r.target and r.path is None:  # show where redirects ended
        lines.append(f"  url: {_clean(r.url)}")
    if r.original is not None:
        title = _clean(r.original.title) or _clean(r.original.url)
        extra = [_clean(r.original.id)]
        if r.match is not None:
            extra.append(f"match {r.match.score:.2f}" + (", forced" if r.match.forced else ""))
        lines.append(f'  original: "{title}" ({", ".join(extra)})')
    if r.rendered or r.static_status:
        lines.append(("  rendered in a browser" if r.rendered else "  not confirmed in a browser")
                     + (f"; static verdict: {r.static_status.value}" if r.static_status else ""))
    for f in r.findings:
        lines += _finding_lines(f, paint)
    return lines


def near_copy_note(r: PageResult) -> str:
    """What a near-copy reproduces: `near copy: 42% of the text of "Title" (id); not checked, not a violation`."""
    if r.original is None or r.match is None:
        return "near copy"
    title = r.original.title or r.original.url
    return (f'near copy: {r.match.score * 100:.0f}% of the text of "{title}" ({r.original.id}); '
            "below the copy threshold, so not checked and not a violation")


def summary_line(run: Run) -> str:
    """`12 pages: 7 compliant, 3 violation, 1 review, 1 not-a-copy, 0 error` (and `, 2 near-copy` when any)."""
    s = run.summary
    noun = "page" if s["pages"] == 1 else "pages"
    parts = ", ".join(f"{s[st.value.replace('-', '_')]} {st.value}" for st in Status
                      if st is not Status.NEAR_COPY or s["near_copy"])
    return f"{s['pages']} {noun}: {parts}"


def render(run: Run, out: TextIO, *, color: bool = False) -> None:
    paint = _Painter(color)
    for r in run.results:
        lines = _page_lines(r, paint)
        out.write("\n".join(lines) + "\n")
        if len(lines) > 1:  # a blank line after multi-line blocks; one-liners stay compact
            out.write("\n")
    out.write(summary_line(run) + "\n")
