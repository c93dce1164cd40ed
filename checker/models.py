"""Frozen data types that cross stage boundaries: originals, fetched documents, findings, results, runs."""
from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Optional


class Outcome(str, enum.Enum):
    """One rule's verdict on one page."""

    PASS = "pass"
    FAIL = "fail"
    REVIEW = "review"  # the checker could not tell; never a silent pass
    NOT_APPLICABLE = "not-applicable"


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 3, "warning": 2, "info": 1}[self.value]


class Status(str, enum.Enum):
    """A page's overall status; `error` is never counted as compliant."""

    COMPLIANT = "compliant"
    VIOLATION = "violation"
    REVIEW = "review"
    NOT_A_COPY = "not-a-copy"
    ERROR = "error"
    # Reproduces part of an original (an excerpt, the first half): a score in the pack's near-copy band, below
    # the copy threshold. Listed apart with its score; not checked, never a violation, never compliant.
    NEAR_COPY = "near-copy"


@dataclass(frozen=True)
class Original:
    """A licensor article that partners may republish."""

    id: str
    url: str
    title: str = ""
    authors: tuple[str, ...] = ()
    published: Optional[str] = None
    text: str = ""  # body text; paragraphs separated by blank lines

    def as_ref(self) -> dict[str, Any]:
        """The short form used in reports: id, url, title, authors."""
        return {"id": self.id, "url": self.url, "title": self.title, "authors": list(self.authors)}


@dataclass(frozen=True)
class Fetched:
    """One target's bytes, from the network or the disk; a failure is a value (`error` set)."""

    target: str  # as the user gave it
    url: str  # final URL after redirects, or a file:// URI
    body: Optional[bytes] = None
    content_type: Optional[str] = None
    charset: Optional[str] = None  # charset declared by the transport (HTTP header), if any
    status_code: Optional[int] = None
    path: Optional[str] = None  # local file path, when the target is a file
    redirects: tuple[str, ...] = ()  # each hop's URL, in order
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    error: Optional[str] = None
    site_root: Optional[str] = None  # local build's root directory: where "/img/x.png" of a local page lives

    @property
    def ok(self) -> bool:
        return self.error is None and self.body is not None


@dataclass(frozen=True)
class Evidence:
    """What a finding looked at: where (CSS selector path, source line) and what (snippet)."""

    selector: str = ""
    snippet: str = ""
    expected: Optional[str] = None
    actual: Optional[str] = None
    line: Optional[int] = None  # 1-based line in the HTML source, when known
    # A rendered page's picture of the spot: a data:image/png URI, or (audit) a path under the reports directory
    screenshot: Optional[str] = None

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"selector": self.selector, "snippet": self.snippet}
        if self.expected is not None:
            d["expected"] = self.expected
        if self.actual is not None:
            d["actual"] = self.actual
        if self.line is not None:
            d["line"] = self.line
        if self.screenshot is not None:
            d["screenshot"] = self.screenshot
        return d


@dataclass(frozen=True)
class Finding:
    """One rule's verdict on one page, with the evidence and, on fail/review, how to fix it."""

    rule: str
    outcome: Outcome
    severity: Severity
    message: str
    evidence: tuple[Evidence, ...] = ()
    fix: Optional[str] = None
    title: str = ""  # the rule's human title, e.g. "Licensor logo"
    waiver: Optional[str] = None  # set when an agreed waiver covers this finding: "<reason> (owner, until date)"

    @property
    def line(self) -> Optional[int]:
        return next((e.line for e in self.evidence if e.line is not None), None)

    def as_dict(self) -> dict[str, Any]:
        d = {
            "rule": self.rule,
            "outcome": self.outcome.value,
            "severity": self.severity.value,
            "message": self.message,
            "evidence": [e.as_dict() for e in self.evidence],
        }
        if self.fix:
            d["fix"] = self.fix
        if self.waiver:
            d["waiver"] = self.waiver
        return d

    @property
    def counts_as_violation(self) -> bool:
        """A failing finding that no waiver covers."""
        return self.outcome is Outcome.FAIL and not self.waiver


@dataclass(frozen=True)
class Match:
    """The pairing of a page with an original, and how much of the original the page contains."""

    original: Original
    score: float  # shingle containment, 0.0-1.0
    forced: bool = False  # paired by --original, not by text


@dataclass(frozen=True)
class PageResult:
    """Everything the reports need about one page."""

    target: str
    url: str
    status: Status
    original: Optional[Original] = None
    match: Optional[Match] = None
    findings: tuple[Finding, ...] = ()
    error: Optional[str] = None
    path: Optional[str] = None  # local file, for SARIF and CI annotations
    rendered: bool = False  # judged on what a browser drew (checker/render), not on the HTML as fetched
    static_status: Optional[Status] = None  # the static verdict, when rendering changed it (or could not confirm it)

    def as_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "target": self.target,
            "url": self.url,
            "status": self.status.value,
            "original": self.original.as_ref() if self.original else None,
            "match": {"score": round(self.match.score, 4)} if self.match else None,
            "findings": [f.as_dict() for f in self.findings],
            "error": self.error,
        }
        if self.rendered:  # optional keys: absent on pages checked statically
            d["rendered"] = True
        if self.static_status is not None:  # the browser changed the verdict (or could not confirm it)
            d["static_status"] = self.static_status.value
        return d


SUMMARY_KEYS = ("compliant", "violation", "review", "not_a_copy", "error", "near_copy")


@dataclass(frozen=True)
class Run:
    """One `check` (or audit) invocation's results."""

    license: str
    tool_version: str
    results: tuple[PageResult, ...] = ()
    started: str = ""  # ISO 8601 UTC
    finished: str = ""

    @property
    def summary(self) -> dict[str, Any]:
        counts = {"pages": len(self.results), **{k: 0 for k in SUMMARY_KEYS}}
        for r in self.results:
            counts[r.status.value.replace("-", "_")] += 1
        return counts


# ---- the nightly audit ------------------------------------------------------------------------


@dataclass(frozen=True)
class WarcRef:
    """Where a page's evidence is archived: WARC file (relative to the reports/evidence dir) and record id."""

    file: str
    record_id: str


@dataclass(frozen=True)
class AuditPage:
    """One partner page in an audit run: its check result plus crawl facts."""

    partner: str  # partner id
    result: PageResult
    sha256: Optional[str] = None  # of the body
    etag: Optional[str] = None
    last_modified: Optional[str] = None
    warc: Optional[WarcRef] = None
    reused: bool = False  # 304 Not Modified: the stored verdict was reused
    # False: not requested at all, the stored verdict reused because the sitemap/feed date says the page has
    # not changed since its last fetch (crawl.trust_lastmod_days). Kept out of the validators' fetch time.
    requested: bool = True


@dataclass(frozen=True)
class DiffItem:
    """One violation identity across runs: rule + normalised URL (the fingerprint), not message text."""

    fingerprint: str
    partner: str
    url: str
    rule: str
    message: str = ""


@dataclass(frozen=True)
class RunDiff:
    """Violations new since, fixed since, and persisting from a previous run."""

    previous_run: Optional[int]
    new: tuple[DiffItem, ...] = ()
    fixed: tuple[DiffItem, ...] = ()
    persisting: tuple[DiffItem, ...] = ()

    def for_partner(self, partner: str) -> "RunDiff":
        def pick(items: tuple[DiffItem, ...]) -> tuple[DiffItem, ...]:
            return tuple(i for i in items if i.partner == partner)
        return RunDiff(self.previous_run, pick(self.new), pick(self.fixed), pick(self.persisting))


# The discovery problem recorded for a partner none of whose sources gave a page to check.
NO_CANDIDATES = "no candidate pages: none of its feeds, sitemaps, URLs or start pages gave a page to check"


@dataclass(frozen=True)
class PartnerInfo:
    id: str
    name: str
    contacts: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()  # discovery problems (feed unreachable, sitemap malformed, ...)

    @property
    def no_candidates(self) -> bool:
        return NO_CANDIDATES in self.errors


@dataclass(frozen=True)
class TrendPoint:
    """Compliance of one past run, for the report's chart."""

    run_id: int
    started: str
    copies: int
    compliant: int
    partner: str = ""  # "" for every partner; else this partner's copies only
    rule: str = ""  # "" for every rule; else "compliant" means no open failing or review finding of this rule

    @property
    def rate(self) -> Optional[float]:
        return self.compliant / self.copies if self.copies else None


@dataclass(frozen=True)
class AuditReport:
    """Everything an audit's reports (HTML, JSON, CSV, digests, notifications) show."""

    run_id: int
    license: str
    tool_version: str
    started: str
    finished: str
    partners: tuple[PartnerInfo, ...]
    pages: Collection[AuditPage]  # a tuple, or an audit run's pages read back from its database (StoredPages)
    diff: RunDiff
    trend: tuple[TrendPoint, ...] = ()
    trend_detail: tuple[TrendPoint, ...] = ()  # the same runs per partner, per rule, per partner and rule
    waiver_notes: tuple[str, ...] = ()  # expired waivers, waivers that matched nothing
    complete: bool = True  # False when the run was cut short
