"""The nightly audit's HTML report: one self-contained file (inline CSS, SVG and script; opens from disk).

Shares the check report's Jinja environment (autoescape, control characters replaced), its
`link` (only http(s)/file URLs become links) and its CSP shape; the filter script is progressive
enhancement: without it every row is shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence, TextIO

from markupsafe import Markup

from checker.models import AuditPage, AuditReport, Finding, Status, TrendPoint
from checker.report import audit_data
from checker.report import html as check_html
from checker.render.pictures import picture_src

# Rows carrying data-partner / data-rule / data-status are filtered; a row without one of the
# attributes is not filtered on it (the partner table has no rule, say).
SCRIPT = (
    "(function(){var f=document.getElementById('filters');f.hidden=false;"
    "var s=f.querySelectorAll('select');"
    "function apply(){var v={};s.forEach(function(x){v[x.name]=x.value;});"
    "document.querySelectorAll('[data-filter]').forEach(function(el){var show=true;"
    "['partner','rule','status'].forEach(function(k){var a='data-'+k;"
    "if(v[k]&&el.hasAttribute(a)&&el.getAttribute(a)!==v[k]){show=false;}});"
    "el.hidden=!show;});}"
    "s.forEach(function(x){x.addEventListener('change',apply);});apply();})();"
)
CSP = check_html.content_security_policy(SCRIPT)  # the check report's policy, with this report's script hash
FILTER_STATUSES = ("violation", "waived", "review", "error")

# Chart geometry (SVG user units).
_W, _H = 640, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 16, 14, 40


@dataclass(frozen=True)
class Row:
    """One finding (or error) of one page, as a table row."""

    page: AuditPage
    partner_name: str
    finding: Optional[Finding] = None
    change: Optional[str] = None  # "new" / "persisting", from the diff


def _pct(rate: Optional[float]) -> str:
    return "—" if rate is None else f"{rate * 100:.0f}%"


def trend_svg(points: Sequence[TrendPoint]) -> Markup:
    """Compliance rate over runs as an inline SVG line chart; one <circle class="pt"> per point with a rate."""
    if not points:
        return Markup('<p class="empty">No runs to chart yet.</p>')
    plot_w, plot_h = _W - _LEFT - _RIGHT, _H - _TOP - _BOTTOM
    n = len(points)

    def x(i: int) -> float:
        return _LEFT + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(rate: float) -> float:
        return _TOP + plot_h * (1 - rate)

    parts = [Markup(
        '<svg id="trend" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'role="img" aria-label="Compliance rate over the last {n} runs">'
    ).format(w=_W, h=_H, n=n)]
    for rate in (0.0, 0.5, 1.0):  # grid and y labels
        parts.append(Markup(
            '<line class="grid" x1="{x1}" x2="{x2}" y1="{y:.1f}" y2="{y:.1f}"/>'
            '<text class="ylabel" x="{lx}" y="{ty:.1f}" text-anchor="end">{label}</text>'
        ).format(x1=_LEFT, x2=_W - _RIGHT, y=y(rate), lx=_LEFT - 6, ty=y(rate) + 4, label=_pct(rate)))
    # The line breaks where a run found no copies (no rate).
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, p in enumerate(points):
        if p.rate is None:
            if segment:
                segments.append(segment)
            segment = []
        else:
            segment.append(f"{x(i):.1f},{y(p.rate):.1f}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(Markup('<polyline class="line" points="{}"/>').format(" ".join(seg)))
    label_every = max(1, -(-n // 10))  # at most about ten x labels
    for i, p in enumerate(points):
        if i % label_every == 0 or i == n - 1:
            parts.append(Markup('<text class="xlabel" x="{x:.1f}" y="{y}" text-anchor="middle">#{run}</text>').format(
                x=x(i), y=_H - _BOTTOM + 16, run=p.run_id))
        if p.rate is None:
            continue
        tip = f"run {p.run_id} · {p.started} · {p.compliant}/{p.copies} compliant ({_pct(p.rate)})"
        parts.append(Markup(
            '<circle class="pt" cx="{x:.1f}" cy="{y:.1f}" r="4" data-run="{run}" data-rate="{rate:.4f}">'
            "<title>{tip}</title></circle>"
        ).format(x=x(i), y=y(p.rate), run=p.run_id, rate=p.rate, tip=check_html._finalize(tip)))
    parts.append(Markup('<text class="xlabel" x="{x}" y="{y}" text-anchor="middle">run</text>').format(
        x=_LEFT + plot_w / 2, y=_H - 6))
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _rows(report: AuditReport) -> dict[str, list[Row]]:
    names = {p.id: p.name for p in audit_data.partners_of(report)}
    rows: dict[str, list[Row]] = {"violation": [], "waived": [], "review": [], "error": []}
    for page in report.pages:
        name = names.get(page.partner, page.partner)
        r = page.result
        if audit_data.effective_status(r) is Status.ERROR:
            rows["error"].append(Row(page, name))
            continue
        for f in audit_data.violations(r):
            rows["violation"].append(Row(page, name, f, audit_data.diff_status(report, page, f)))
        for f in audit_data.waived(r):
            rows["waived"].append(Row(page, name, f))
        for f in audit_data.reviews(r):
            rows["review"].append(Row(page, name, f))
    return rows


def _rules(report: AuditReport) -> list[str]:
    rules = {f.rule for p in report.pages for f in p.result.findings}
    rules |= {i.rule for items in (report.diff.new, report.diff.fixed, report.diff.persisting) for i in items}
    return sorted(rules)


def render_audit_html(report: AuditReport, out: TextIO, *, root: Optional[Path] = None) -> None:
    """`root`: the reports directory, where rendered pages' screenshots are stored (shown inline)."""
    template = check_html._env.get_template("audit.html.j2")
    stats = audit_data.partner_stats(report)
    out.write(
        template.render(
            report=report,
            headline=audit_data.headline(report),
            stats=stats,
            names={s.info.id: s.info.name for s in stats},
            rows=_rows(report),
            rules=_rules(report),
            statuses=FILTER_STATUSES,
            chart=trend_svg(report.trend),
            pct=_pct,
            link=check_html.link,
            marks=check_html.MARKS,
            csp=CSP,
            script=Markup(SCRIPT),  # our own constant, not page text
            picture=lambda value: picture_src(value, root),
        )
    )
