"""The nightly audit's HTML report: one self-contained file (inline CSS, SVG and script; opens from disk).

Shares the check report's Jinja environment (autoescape, control characters replaced), its
`link` (only http(s)/file URLs become links) and its CSP shape; the filter script is progressive
enhancement: without it every row is shown.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Optional, Sequence, TextIO
from urllib.parse import urlsplit

from markupsafe import Markup

from checker.models import AuditPage, AuditReport, Finding, RunDiff, Status, TrendPoint
from checker.report import audit_data
from checker.report import html as check_html
from checker.render.pictures import picture_src

# Progressive enhancement: without the script every card is shown and the numbers and chart are the whole
# run's. With it, the partner / rule / status filters apply to the cards, the headline numbers and the chart
# (numbers and chart series per partner x rule come precomputed in #numbers' data-json).
SCRIPT = (
    "(function(){var f=document.getElementById('filters');f.hidden=false;var s=f.querySelectorAll('select');"
    "var D=JSON.parse(document.getElementById('numbers').getAttribute('data-json'));"
    "var NS='http://www.w3.org/2000/svg';"
    "function ok(el,v){return ['partner','rule','status'].every(function(k){var a='data-'+k;"
    "return !v[k]||!el.hasAttribute(a)||el.getAttribute(a)===v[k];});}"
    "function pct(r){return r===null?'\u2014':Math.round(r*100)+'%';}"
    "function el(n,a,t){var e=document.createElementNS(NS,n);for(var k in a){e.setAttribute(k,a[k]);}"
    "if(t!==undefined){e.textContent=t;}return e;}"
    "function chart(pts,label){var g=D.g,svg=document.getElementById('trend');if(!svg){return;}"
    "while(svg.firstChild){svg.removeChild(svg.firstChild);}svg.setAttribute('aria-label',label);"
    "var pw=g.w-g.l-g.r,ph=g.h-g.t-g.b,n=pts.length;"
    "function x(i){return g.l+(n===1?pw/2:pw*i/(n-1));}function y(r){return g.t+ph*(1-r);}"
    "[0,0.5,1].forEach(function(r){svg.appendChild(el('line',{'class':'grid',x1:g.l,x2:g.w-g.r,y1:y(r),y2:y(r)}));"
    "svg.appendChild(el('text',{'class':'ylabel',x:g.l-6,y:y(r)+4,'text-anchor':'end'},pct(r)));});"
    "var seg=[];function flush(){if(seg.length>1){svg.appendChild(el('polyline',{'class':'line',points:seg.join(' ')}));}seg=[];}"
    "var every=Math.max(1,Math.ceil(n/10));"
    "pts.forEach(function(p,i){var r=p[1]?p[2]/p[1]:null;"
    "if(i%every===0||i===n-1){svg.appendChild(el('text',{'class':'xlabel',x:x(i),y:g.h-g.b+16,'text-anchor':'middle'},'#'+p[0]));}"
    "if(r===null){flush();return;}seg.push(x(i).toFixed(1)+','+y(r).toFixed(1));"
    "var c=el('circle',{'class':'pt',cx:x(i).toFixed(1),cy:y(r).toFixed(1),r:4,'data-run':p[0],'data-rate':r.toFixed(4)});"
    "c.appendChild(el('title',{},'run '+p[0]+' \u00b7 '+p[2]+'/'+p[1]+' compliant ('+pct(r)+')'));svg.appendChild(c);});"
    "flush();svg.appendChild(el('text',{'class':'xlabel',x:g.l+pw/2,y:g.h-6,'text-anchor':'middle'},'run'));}"
    "function apply(){var v={};s.forEach(function(x){v[x.name]=x.value;});"
    "document.querySelectorAll('[data-filter]').forEach(function(e){e.hidden=!ok(e,v);});"
    "document.querySelectorAll('.card').forEach(function(c){if(c.hidden||!v.rule){return;}"
    "c.hidden=!c.querySelector('li[data-rule]:not([hidden])');});"
    "document.querySelectorAll('section.group').forEach(function(g){if(g.hidden){return;}"
    "g.hidden=(v.rule||v.status)&&!g.querySelector('.card:not([hidden]),li.problem:not([hidden])');});"
    "var key=(v.partner||'*')+'|'+(v.rule||'*'),n=D.n[key]||{};"
    "document.querySelectorAll('#headline li[data-key]').forEach(function(li){var k=li.getAttribute('data-key');"
    "if(k in n){li.querySelector('b').textContent=k==='rate'?pct(n[k]):n[k];}"
    "var st=li.getAttribute('data-status');li.classList.toggle('dim',!!(v.status&&st&&st!==v.status));});"
    "var scope=[v.partner?D.p[v.partner]:'all partners',v.rule?'rule '+v.rule:'all rules'].join(', ');"
    "document.getElementById('scope').textContent=scope;"
    "chart(D.t[key]||[],'Compliance over the last runs: '+scope);}"
    "s.forEach(function(x){x.addEventListener('change',apply);});apply();})();"
)
CSP = check_html.content_security_policy(SCRIPT)  # the check report's policy, with this report's script hash
FILTER_STATUSES = ("violation", "review", "waived", "error", "near-copy")

# Chart geometry (SVG user units).
_W, _H = 640, 220
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 16, 14, 40


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


# ---- what the report shows: partners worst first, each with its pages as cards -----------------------------


@dataclass(frozen=True)
class FindingView:
    """One finding on a card: the finding, new/persisting from the diff, and what its rule looks for."""

    finding: Finding
    change: Optional[str] = None  # "new" / "persisting"
    looked_for: str = ""  # shown when the finding points at no element of the page


@dataclass(frozen=True)
class Card:
    """One page that needs attention: its violations, its open reviews, its waived findings, or its error."""

    page: AuditPage
    status: str  # violation | review | waived | error (the status filter's values)
    findings: tuple[FindingView, ...] = ()

    @property
    def new(self) -> bool:
        return any(v.change == "new" for v in self.findings)


@dataclass(frozen=True)
class Group:
    """A partner's section: its numbers, its discovery problems and its cards, worst first."""

    stats: audit_data.PartnerStats
    cards: tuple[Card, ...]

    @property
    def problems(self) -> tuple[str, ...]:
        return self.stats.discovery_errors


_ORDER = {"violation": 0, "review": 1, "error": 2, "waived": 3}


def _looked_for(report: AuditReport) -> dict[str, str]:
    """Per rule, what its checks look for (the registered checks' own words), for findings without evidence."""
    try:
        from checker.checks.registry import CHECKS
        from checker.ruleset import load_pack

        pack = load_pack(report.license)
    except Exception:  # a report of a pack no longer installed still renders, without these lines
        return {}
    return {r.id: " ".join(CHECKS[c.id].doc for c in r.checks if c.id in CHECKS) for r in pack.rules}


def _cards(report: AuditReport, pages: Iterable[AuditPage], looked: dict[str, str]) -> list[Card]:
    cards: list[Card] = []
    for page in pages:
        r = page.result
        if audit_data.effective_status(r) is Status.ERROR:
            cards.append(Card(page, "error"))
            continue

        def view(f: Finding, change: Optional[str] = None) -> FindingView:
            bare = not any(e.selector or e.snippet or e.expected or e.actual for e in f.evidence)
            return FindingView(f, change, looked.get(f.rule, "") if bare else "")

        for status, findings in (("violation", audit_data.violations(r)), ("review", audit_data.reviews(r)),
                                 ("waived", audit_data.waived(r))):
            if findings:
                cards.append(Card(page, status, tuple(
                    view(f, audit_data.diff_status(report, page, f) if status == "violation" else None)
                    for f in findings)))
    # Violations first, new ones before persisting, the most failing findings first; then review, errors, waived.
    return sorted(cards, key=lambda c: (_ORDER[c.status], not c.new, -len(c.findings)))


def _worst_first(s: audit_data.PartnerStats) -> tuple:
    trouble = s.errors + len(s.discovery_errors)
    return (-s.violations, -s.new, s.rate if s.rate is not None else 2.0, -trouble, s.info.name.lower())


def ranked(report: AuditReport) -> list[audit_data.PartnerStats]:
    """Every partner's numbers, worst first: most pages with violations, then most new, lowest compliance,
    most errors."""
    return sorted(audit_data.partner_stats(report), key=_worst_first)


def _group(report: AuditReport, stats: audit_data.PartnerStats, looked: dict[str, str]) -> Group:
    return Group(stats, tuple(_cards(report, audit_data.pages_for(report, stats.info.id), looked)))


def groups(report: AuditReport) -> list[Group]:
    """Every partner with its cards, worst first (the whole run's cards at once; the report streams them)."""
    looked = _looked_for(report)
    return [_group(report, s, looked) for s in ranked(report)]


def _sectioned(report: AuditReport, partners: Sequence[audit_data.PartnerStats]) -> set[str]:
    """The partners that get a section: pages to show as cards, or discovery problems."""
    counts = audit_data.tally(report).partners
    return {s.info.id for s in partners if s.discovery_errors or (s.info.id in counts and counts[s.info.id].cards)}


def _sections(report: AuditReport, partners: Sequence[audit_data.PartnerStats], sectioned: set[str]) -> Iterator[Group]:
    """The partners' sections in order, each made from its own pages when the template reaches it: one partner's
    cards in memory at a time, not the whole run's."""
    looked = _looked_for(report)
    for s in partners:
        if s.info.id in sectioned:
            yield _group(report, s, looked)


def _near_copies(report: AuditReport, partners: Sequence[audit_data.PartnerStats]) -> Iterator[AuditPage]:
    """The near-copies, partners worst first, each partner's in the order they were recorded."""
    for s in partners:
        yield from (p for p in audit_data.pages_for(report, s.info.id) if p.result.status is Status.NEAR_COPY)


def _numbers(report: AuditReport, rules: Sequence[str]) -> dict:
    """Headline numbers per "partner|rule" ("*" for all), as the filters show them."""
    def count(c: audit_data.Counts, diff: RunDiff, rule: Optional[str]) -> dict:
        copies = c.copies
        if rule is None:
            violation, review = c.statuses[Status.VIOLATION], c.statuses[Status.REVIEW]
            compliant = c.statuses[Status.COMPLIANT]
        else:
            violation, review = c.rule_violation[rule], c.rule_review[rule]
            compliant = copies - violation - review
        pick = (lambda items: items) if rule is None else (lambda items: [i for i in items if i.rule == rule])
        return {"pages": c.pages, "copies": copies, "compliant": compliant, "violation": violation,
                "near_copy": c.statuses[Status.NEAR_COPY],
                "review": review, "error": c.statuses[Status.ERROR],
                "waived": c.waived if rule is None else c.rule_waived[rule],
                "rate": round(compliant / copies, 4) if copies else None, "new": len(pick(diff.new)),
                "fixed": len(pick(diff.fixed)), "persisting": len(pick(diff.persisting))}

    counts = audit_data.tally(report)
    out: dict[str, dict] = {}
    for partner in [None, *(p.id for p in audit_data.partners_of(report))]:
        c = counts.total if partner is None else counts.partners.get(partner, audit_data.Counts())
        diff = report.diff if partner is None else report.diff.for_partner(partner)
        for rule in [None, *rules]:
            out[f"{partner or '*'}|{rule or '*'}"] = count(c, diff, rule)
    return out


def _series(report: AuditReport, numbers: dict) -> dict:
    """Chart series per "partner|rule": [run, copies, compliant] oldest first; this run from `numbers` when the
    history gave no detail (a report built without a database)."""
    out: dict[str, list] = {"*|*": [[p.run_id, p.copies, p.compliant] for p in report.trend]}
    for p in report.trend_detail:
        out.setdefault(f"{p.partner or '*'}|{p.rule or '*'}", []).append([p.run_id, p.copies, p.compliant])
    for key, n in numbers.items():
        series = out.setdefault(key, [])
        if not any(point[0] == report.run_id for point in series):
            series.append([report.run_id, n["copies"], n["compliant"]])
    return out


def short_url(url: str) -> str:
    """A URL folded for a card's title line: host and the last path segment (the full URL is the link)."""
    parts = urlsplit(url)
    if not parts.netloc:
        return url if len(url) <= 60 else url[:57] + "…"
    segments = [s for s in parts.path.split("/") if s]
    tail = segments[-1] if segments else ""
    middle = "/…/" if len(segments) > 1 else "/"
    text = parts.netloc + middle + tail
    return text if len(text) <= 70 else text[:69] + "…"


def _rules(report: AuditReport) -> list[str]:
    rules = set(audit_data.tally(report).rules)
    rules |= {i.rule for items in (report.diff.new, report.diff.fixed, report.diff.persisting) for i in items}
    return sorted(rules)


def render_audit_html(report: AuditReport, out: TextIO, *, root: Optional[Path] = None) -> None:
    """`root`: the reports directory, where rendered pages' screenshots are stored (shown inline).

    Streamed: the numbers come from the run's tally, and the template is rendered piece by piece
    (Template.generate) while each partner's cards are made from its own pages as its section is reached."""
    template = check_html._env.get_template("audit.html.j2")
    rules = _rules(report)
    numbers = _numbers(report, rules)
    partners = ranked(report)
    sectioned = _sectioned(report, partners)
    names = {s.info.id: s.info.name for s in partners}
    data = {"n": numbers, "t": _series(report, numbers), "p": names,
            "g": {"w": _W, "h": _H, "l": _LEFT, "r": _RIGHT, "t": _TOP, "b": _BOTTOM}}
    out.writelines(
        template.generate(
            report=report,
            headline=audit_data.headline(report),
            waived=numbers["*|*"]["waived"],
            ranked=partners,
            sectioned=sectioned,
            sections=_sections(report, partners, sectioned),
            has_near_copies=bool(audit_data.tally(report).total.statuses[Status.NEAR_COPY]),
            near_copies=_near_copies(report, partners),
            names=names,
            rules=rules,
            statuses=FILTER_STATUSES,
            chart=trend_svg(report.trend),
            numbers_json=json.dumps(data, separators=(",", ":")),  # an attribute value: autoescaped
            pct=_pct,
            link=check_html.link,
            short_url=short_url,
            marks=check_html.MARKS,
            csp=CSP,
            script=Markup(SCRIPT),  # our own constant, not page text
            picture=lambda value: picture_src(value, root),
        )
    )
