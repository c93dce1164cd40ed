"""JUnit XML report for CI: one testcase per finding, grouped under one testsuite."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TextIO

from checker.models import Finding, Outcome, PageResult, Run, Status
from checker.report.text import near_copy_note

# XML 1.0 cannot carry most C0 controls at all (not even as character references), and
# ElementTree would write them raw, producing a file CI tools refuse to parse.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _x(s: str) -> str:
    return _XML_INVALID.sub("\ufffd", s)


def _details(r: PageResult, f: Finding | None) -> str:
    """The body text of a failure/error/skipped element: everything a reader needs to act."""
    lines = [f"page: {r.target}"]
    if r.url and r.url != r.target:
        lines.append(f"url: {r.url}")
    if r.original is not None:
        lines.append(f"original: {r.original.title or r.original.url} ({r.original.id})")
    if f is not None:
        lines.append(f"message: {f.message}")
        for ev in f.evidence:
            if ev.selector:
                lines.append(f"selector: {ev.selector}" + (f" (line {ev.line})" if ev.line is not None else ""))
            if ev.snippet:
                lines.append(f"snippet: {ev.snippet}")
            if ev.expected is not None:
                lines.append(f"expected: {ev.expected}")
            if ev.actual is not None:
                lines.append(f"actual: {ev.actual}")
        if f.fix:
            lines.append(f"fix: {f.fix}")
    return _x("\n".join(lines))


def _testcase(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": _x(classname), "name": _x(name)})


def _finding_case(suite: ET.Element, r: PageResult, f: Finding, counts: dict[str, int]) -> None:
    case = _testcase(suite, r.target, f.rule)
    counts["tests"] += 1
    if f.outcome is Outcome.FAIL:
        el = ET.SubElement(case, "failure", {"message": _x(f.message), "type": _x(f.rule)})
        el.text = _details(r, f)
        counts["failures"] += 1
    elif f.outcome is Outcome.REVIEW:
        # A review must not fail the build (that is --fail-on's call), but it must stay
        # visible: skipped with a "review:" message, and the evidence in system-out.
        ET.SubElement(case, "skipped", {"message": _x(f"review: {f.message}")})
        ET.SubElement(case, "system-out").text = _details(r, f)
        counts["skipped"] += 1
    elif f.outcome is Outcome.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", {"message": _x(f"not applicable: {f.message}" if f.message else "not applicable")})
        counts["skipped"] += 1


def _page_cases(suite: ET.Element, r: PageResult, counts: dict[str, int]) -> None:
    if r.status is Status.ERROR:
        case = _testcase(suite, r.target, "fetch")
        el = ET.SubElement(case, "error", {"message": _x(r.error or "could not be checked"), "type": "fetch"})
        el.text = _details(r, None)
        counts["tests"] += 1
        counts["errors"] += 1
    elif r.status in (Status.NOT_A_COPY, Status.NEAR_COPY):
        case = _testcase(suite, r.target, "copy")
        ET.SubElement(case, "skipped", {"message": _x(near_copy_note(r)) if r.status is Status.NEAR_COPY
                                        else "not a copy"})
        counts["tests"] += 1
        counts["skipped"] += 1
    else:
        for f in r.findings:
            _finding_case(suite, r, f, counts)


def tree(run: Run) -> ET.Element:
    """The whole <testsuites> tree, built in memory so it is written once."""
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    root = ET.Element("testsuites", {"name": "syndicheck"})
    suite = ET.SubElement(root, "testsuite", {"name": "syndicheck"})
    for r in run.results:
        _page_cases(suite, r, counts)
    attrs = {k: str(v) for k, v in counts.items()}
    if run.started:
        attrs["timestamp"] = run.started
    suite.attrib.update(attrs)
    root.attrib.update({k: str(v) for k, v in counts.items()})
    return root


def render(run: Run, out: TextIO, *, color: bool = False) -> None:
    root = tree(run)
    ET.indent(root)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(root, encoding="unicode"))
    out.write("\n")
