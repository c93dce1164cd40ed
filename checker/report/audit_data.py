"""An audit run as data: the numbers every audit report shares, the JSON document and the CSV rows.

The JSON document is the check report's schema (schema_version 1, same page objects) plus the
run, the partners and the diff against the previous run; the other audit outputs (HTML, digests,
notifications) take their numbers from `headline` and `partner_stats` here so they always agree.
"""
from __future__ import annotations

import csv
import dataclasses
import json
from collections import Counter
from dataclasses import dataclass
from typing import Iterator, Optional, TextIO

from checker.models import (
    NO_CANDIDATES,
    AuditPage,
    AuditReport,
    DiffItem,
    Finding,
    Outcome,
    PageResult,
    PartnerInfo,
    Run,
    SUMMARY_KEYS,
    RunDiff,
    Status,
)
from checker.report import csv as csv_report
from checker.report import json as json_report

try:  # the history's URL identity, so diff items match pages whatever tracking parameters they had
    from checker.history import normalize_url as _normalize_url
except ImportError:  # pragma: no cover - history is optional for the reports
    def _normalize_url(url: str) -> str:
        return url.strip()

# Pages whose status says they reproduce an original and were checked.
COPY_STATUSES = (Status.COMPLIANT, Status.VIOLATION, Status.REVIEW)
CSV_COLUMNS = ("partner",) + csv_report.COLUMNS + ("waiver", "warc_file", "warc_record_id")


def effective_status(r: PageResult) -> Status:
    """The page's status once waivers are taken into account.

    A page marked `violation` whose every failing finding is covered by a waiver is not a
    violation: it is `review` when a rule could not tell, otherwise `compliant`. Every other
    status is kept as the pipeline set it (so a page is never turned compliant without a waiver).
    """
    if r.status is Status.VIOLATION and not any(f.counts_as_violation for f in r.findings):
        if any(f.outcome is Outcome.FAIL and f.waiver for f in r.findings):
            return Status.REVIEW if any(_open_review(f) for f in r.findings) else Status.COMPLIANT
    return r.status


def _open_review(f: Finding) -> bool:
    return f.outcome is Outcome.REVIEW and not f.waiver


def violations(r: PageResult) -> tuple[Finding, ...]:
    """Failing findings that no waiver covers."""
    return tuple(f for f in r.findings if f.counts_as_violation)


def waived(r: PageResult) -> tuple[Finding, ...]:
    """Findings an agreed waiver covers (they keep their real outcome)."""
    return tuple(f for f in r.findings if f.waiver and f.outcome in (Outcome.FAIL, Outcome.REVIEW))


def reviews(r: PageResult) -> tuple[Finding, ...]:
    """Findings the checker could not decide, not covered by a waiver."""
    return tuple(f for f in r.findings if _open_review(f))


def audit_run(report: AuditReport) -> Run:
    """The audit's pages as a check `Run` (effective statuses), for the check report modules."""
    results = tuple(_with_effective_status(p.result) for p in report.pages)
    return Run(license=report.license, tool_version=report.tool_version, results=results,
               started=report.started, finished=report.finished)


def _with_effective_status(r: PageResult) -> PageResult:
    status = effective_status(r)
    return r if status is r.status else dataclasses.replace(r, status=status)


# ---- shared numbers --------------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerStats:
    """One partner's numbers in one run."""

    info: PartnerInfo
    pages: int
    copies: int
    compliant: int
    violations: int  # pages with at least one unwaived failing finding
    review: int
    errors: int  # pages that could not be fetched or checked
    new: int
    fixed: int
    persisting: int

    @property
    def rate(self) -> Optional[float]:
        """Compliant copies / copies; None when no copy was found."""
        return self.compliant / self.copies if self.copies else None

    @property
    def discovery_errors(self) -> tuple[str, ...]:
        return self.info.errors


class Counts:
    """Pages by effective status and findings by rule, for one partner or the whole run (one pass fills them)."""

    def __init__(self) -> None:
        self.statuses: Counter[Status] = Counter()
        self.waived = 0  # waived findings
        self.rule_violation: Counter[str] = Counter()  # pages with an unwaived failing finding of the rule
        self.rule_review: Counter[str] = Counter()  # pages with an open review finding of the rule
        self.rule_waived: Counter[str] = Counter()  # waived findings of the rule
        self.cards = 0  # what the HTML report shows as cards: a page's error, its violations, reviews, waivers

    def add(self, r: PageResult) -> None:
        status = effective_status(r)
        self.statuses[status] += 1
        found = violations(r), reviews(r), waived(r)
        self.cards += 1 if status is Status.ERROR else sum(bool(fs) for fs in found)
        for rule in {f.rule for f in found[0]}:
            self.rule_violation[rule] += 1
        for rule in {f.rule for f in found[1]}:
            self.rule_review[rule] += 1
        for f in found[2]:
            self.waived += 1
            self.rule_waived[f.rule] += 1

    @property
    def pages(self) -> int:
        return sum(self.statuses.values())

    @property
    def copies(self) -> int:
        return sum(self.statuses[s] for s in COPY_STATUSES)


@dataclass(frozen=True)
class Tally:
    """The run's numbers from one pass over its pages: every report takes its counts from here."""

    total: Counts
    partners: dict[str, Counts]  # in the order partners first appear among the pages
    rules: frozenset[str]  # the rule of every finding on any page


def tally(report: AuditReport) -> Tally:
    """Count the run's pages once. Pages read back from the history database (StoredPages) keep the tally in
    their `memo`, so the HTML, JSON, CSV, digests and notifications of one run share a single pass."""
    memo = getattr(report.pages, "memo", None)
    if memo is not None and "tally" in memo:
        known: Tally = memo["tally"]
        return known
    total = Counts()
    partners: dict[str, Counts] = {}
    rules: set[str] = set()
    for page in report.pages:
        total.add(page.result)
        partners.setdefault(page.partner, Counts()).add(page.result)
        rules.update(f.rule for f in page.result.findings)
    out = Tally(total, partners, frozenset(rules))
    if memo is not None:
        memo["tally"] = out
    return out


def pages_for(report: AuditReport, partner_id: str) -> Iterator[AuditPage]:
    """One partner's pages in the order they were recorded (read from the database alone when stored)."""
    select = getattr(report.pages, "select", None)
    if select is not None:
        selected: Iterator[AuditPage] = select(partner_id)
        return selected
    return (p for p in report.pages if p.partner == partner_id)


def partners_of(report: AuditReport) -> list[PartnerInfo]:
    """The report's partners in order, plus a bare entry for any partner id only pages mention."""
    known = {p.id for p in report.partners}
    extra = [PartnerInfo(id=pid, name=pid) for pid in tally(report).partners if pid not in known]
    return list(report.partners) + extra


def partner_info(report: AuditReport, partner_id: str) -> Optional[PartnerInfo]:
    return next((p for p in partners_of(report) if p.id == partner_id), None)


def _count(counts: Counts, diff: RunDiff, info: PartnerInfo) -> PartnerStats:
    return PartnerStats(
        info=info,
        pages=counts.pages,
        copies=counts.copies,
        compliant=counts.statuses[Status.COMPLIANT],
        violations=counts.statuses[Status.VIOLATION],
        review=counts.statuses[Status.REVIEW],
        errors=counts.statuses[Status.ERROR],
        new=len(diff.new),
        fixed=len(diff.fixed),
        persisting=len(diff.persisting),
    )


def partner_stats(report: AuditReport) -> list[PartnerStats]:
    """Per-partner numbers, in the order of report.partners."""
    counts = tally(report).partners
    return [_count(counts.get(info.id, Counts()), report.diff.for_partner(info.id), info)
            for info in partners_of(report)]


def stats_for(report: AuditReport, partner_id: str) -> Optional[PartnerStats]:
    """One partner's numbers; None for an unknown id."""
    info = partner_info(report, partner_id)
    if info is None:
        return None
    return _count(tally(report).partners.get(partner_id, Counts()), report.diff.for_partner(partner_id), info)


def headline(report: AuditReport) -> dict:
    """The run's headline numbers (page counts use effective statuses)."""
    statuses = tally(report).total.statuses
    copies = sum(statuses[s] for s in COPY_STATUSES)
    compliant = statuses[Status.COMPLIANT]
    return {
        "partners": len(partners_of(report)),
        "pages": sum(statuses.values()),
        "copies": copies,
        "compliant": compliant,
        "violation": statuses[Status.VIOLATION],
        "review": statuses[Status.REVIEW],
        "not_a_copy": statuses[Status.NOT_A_COPY],
        "near_copy": statuses[Status.NEAR_COPY],
        "error": statuses[Status.ERROR],
        "discovery_errors": sum(len(p.errors) for p in partners_of(report)),
        "rate": compliant / copies if copies else None,
        "new": len(report.diff.new),
        "fixed": len(report.diff.fixed),
        "persisting": len(report.diff.persisting),
        "previous_run": report.diff.previous_run,
    }


def no_candidates(report: AuditReport) -> list[str]:
    """Ids of the partners none of whose sources gave a page to check (flagged in every report)."""
    return [p.id for p in partners_of(report) if p.no_candidates]


def run_line(report: AuditReport) -> str:
    """The run in one line, every page counted once: pages by status, then failing findings against the last run.

    Pages and findings are named apart everywhere ("pages with violations" vs "findings"): one page can
    carry several failing findings, and the diff counts findings (rule + URL), not pages."""
    h = headline(report)
    line = (f"{h['pages']} pages: {h['compliant']} compliant, {h['violation']} with violations, "
            f"{h['review']} review, {h['not_a_copy']} not a copy, {h['error']} error; failing findings since "
            f"the previous run: {h['new']} new, {h['fixed']} fixed, {h['persisting']} persisting")
    if h["near_copy"]:
        line += f"; {h['near_copy']} near-cop{'y' if h['near_copy'] == 1 else 'ies'} (part of an original, not checked)"
    lost = no_candidates(report)
    return line + (f"; no candidate pages: {', '.join(lost)}" if lost else "")


def diff_status(report: AuditReport, page: AuditPage, f: Finding) -> Optional[str]:
    """"new" or "persisting" when the diff lists this page's finding (by partner, rule and URL).

    DiffItem.url is the history's normalised URL; the page's target and final URL are compared
    both as given and normalised the same way.
    """
    urls = {page.result.url, page.result.target}
    urls |= {_normalize_url(u) for u in urls}
    for label, items in (("new", report.diff.new), ("persisting", report.diff.persisting)):
        if any(i.partner == page.partner and i.rule == f.rule and (i.url in urls or _normalize_url(i.url) in urls)
               for i in items):
            return label
    return None


# ---- JSON ------------------------------------------------------------------------------------


def _diff_item(i: DiffItem) -> dict:
    return {"fingerprint": i.fingerprint, "partner": i.partner, "url": i.url, "rule": i.rule, "message": i.message}


def _page(page: AuditPage, obj: dict) -> dict:
    obj["partner"] = page.partner
    obj["warc"] = {"file": page.warc.file, "record_id": page.warc.record_id} if page.warc else None
    obj["sha256"] = page.sha256
    obj["reused"] = page.reused
    obj["requested"] = page.requested
    return obj


def _summary(report: AuditReport) -> dict:
    """The check report's `summary` (Run.summary) over the run's effective statuses, from the tally."""
    total = tally(report).total
    out = {"pages": total.pages, **{k: 0 for k in SUMMARY_KEYS}}
    for status, n in total.statuses.items():
        out[status.value.replace("-", "_")] += n
    return out


def _after_pages(report: AuditReport) -> dict:
    """The document's keys after `pages`: run, partners, diff and waiver notes."""
    return {
        "run": {
            "id": report.run_id,
            "started": report.started or None,
            "finished": report.finished or None,
            "complete": report.complete,
        },
        "partners": [
            {
                "id": s.info.id,
                "name": s.info.name,
                "contacts": list(s.info.contacts),
                "copies": s.copies,
                "compliant": s.compliant,
                "violations": s.violations,
                "review": s.review,
                "errors": s.errors,
                "discovery_errors": list(s.discovery_errors),
                "no_candidates": s.info.no_candidates,  # none of its sources gave a page to check
                "new": s.new,
                "fixed": s.fixed,
                "persisting": s.persisting,
            }
            for s in partner_stats(report)
        ],
        "diff": {
            "previous_run": report.diff.previous_run,
            "new": [_diff_item(i) for i in report.diff.new],
            "fixed": [_diff_item(i) for i in report.diff.fixed],
            "persisting": [_diff_item(i) for i in report.diff.persisting],
        },
        "waiver_notes": list(report.waiver_notes),
    }


def _head(report: AuditReport) -> dict:
    """The document's keys before `pages`: the check report's schema header."""
    return {"schema_version": json_report.SCHEMA_VERSION, "tool": {"name": json_report.TOOL_NAME,
            "version": report.tool_version}, "license": report.license, "summary": _summary(report)}


def page_object(page: AuditPage) -> dict:
    """One page of the document: the check report's page object (effective status) plus the audit's fields."""
    return _page(page, _with_effective_status(page.result).as_dict())


def document(report: AuditReport) -> dict:
    """The audit report as plain data: the check schema plus run, partners and diff (the whole run in memory;
    render_audit_json writes the same document one page at a time)."""
    return {**_head(report), "pages": [page_object(p) for p in report.pages], **_after_pages(report)}


def _nested(value: object, depth: int) -> str:
    """`value` as json.dump(indent=2) writes it `depth` levels deep (JSON text has no raw newline in a string)."""
    return json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * depth)


def render_audit_json(report: AuditReport, out: TextIO) -> None:
    """The document, byte for byte as json.dump(document(report), indent=2) wrote it, but one page at a time:
    a 20,000-page run is never held in memory, as pages, as page objects or as text."""
    out.write("{")
    for i, (key, value) in enumerate(_head(report).items()):
        out.write(("," if i else "") + f"\n  {json.dumps(key)}: {_nested(value, 1)}")
    out.write(',\n  "pages": [')
    first = True
    for page in report.pages:
        out.write(("\n    " if first else ",\n    ") + _nested(page_object(page), 2))
        first = False
    out.write("]" if first else "\n  ]")
    for key, value in _after_pages(report).items():
        out.write(f",\n  {json.dumps(key)}: {_nested(value, 1)}")
    out.write("\n}\n")


# ---- CSV -------------------------------------------------------------------------------------


def csv_rows(report: AuditReport) -> Iterator[list[str]]:
    """One row per finding (one per page without findings), as in the check CSV, with the partner first;
    a partner whose sources gave no candidate page gets one `error` row saying so (never a silent absence)."""
    blank = [""] * len(csv_report.COLUMNS)
    status_at, message_at = csv_report.COLUMNS.index("status"), csv_report.COLUMNS.index("message")
    for info in partners_of(report):
        if info.no_candidates:
            row = list(blank)
            row[status_at], row[message_at] = Status.ERROR.value, NO_CANDIDATES
            yield [info.id] + row + ["", "", ""]
    for page in report.pages:
        r = _with_effective_status(page.result)
        one = Run(license=report.license, tool_version=report.tool_version, results=(r,))
        warc = [page.warc.file, page.warc.record_id] if page.warc else ["", ""]
        for row, f in zip(csv_report.rows(one), r.findings or (None,)):
            yield [page.partner] + row + [(f.waiver or "") if f else ""] + warc


def render_audit_csv(report: AuditReport, out: TextIO) -> None:
    writer = csv.writer(out, lineterminator="\n")  # see report/csv.py
    writer.writerow(CSV_COLUMNS)
    for row in csv_rows(report):
        writer.writerow([csv_report.neutralise(c) for c in row])
