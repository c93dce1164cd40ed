"""CSV report for spreadsheets: one row per finding, formula-looking cells neutralised."""
from __future__ import annotations

import csv
from typing import Iterator, TextIO

from checker.models import Finding, PageResult, Run, Status
from checker.report.text import near_copy_note
from checker.terminal import inert

COLUMNS = (
    "target", "url", "status", "original_id", "original_url", "match_score",
    "rule", "outcome", "severity", "message", "selector", "snippet", "fix",
)
# A spreadsheet evaluates a cell that starts with one of these as a formula
# (=HYPERLINK(...) exfiltration, DDE); a leading apostrophe makes it plain text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    # Control characters (ANSI escapes from a page or a server) are shown escaped: `cat report.csv` stays inert.
    cell = inert(cell, keep_layout=True)
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _page_cells(r: PageResult) -> list[str]:
    return [
        r.target,
        r.url,
        r.status.value,
        r.original.id if r.original else "",
        r.original.url if r.original else "",
        f"{r.match.score:.4f}" if r.match else "",
    ]


def _finding_cells(f: Finding) -> list[str]:
    # Several pieces of evidence share one cell, one per line, so the row stays one finding.
    return [
        f.rule,
        f.outcome.value,
        f.severity.value,
        f.message,
        "\n".join(e.selector for e in f.evidence if e.selector),
        "\n".join(e.snippet for e in f.evidence if e.snippet),
        f.fix or "",
    ]


def rows(run: Run) -> Iterator[list[str]]:
    for r in run.results:
        page = _page_cells(r)
        if not r.findings:  # error and not-a-copy pages still get a row, with an empty rule
            message = r.error or ("not a copy" if r.status is Status.NOT_A_COPY else
                                  near_copy_note(r) if r.status is Status.NEAR_COPY else "")
            yield page + ["", "", "", message, "", "", ""]
        for f in r.findings:
            yield page + _finding_cells(f)


def render(run: Run, out: TextIO, *, color: bool = False) -> None:
    # "\n" rather than csv's default "\r\n": `out` may be a text stream that translates newlines.
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows(run):
        writer.writerow([neutralise(c) for c in row])
