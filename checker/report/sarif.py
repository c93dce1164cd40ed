"""SARIF 2.1.0 report for code-scanning tools: one result per failing or review finding."""
from __future__ import annotations

import hashlib
import json
from pathlib import PurePath, PureWindowsPath
from typing import Optional, TextIO
from urllib.parse import quote

from checker.models import Finding, Outcome, PageResult, Run, Severity, Status

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/syndicheck/syndicheck"
FETCH_ERROR = "fetch-error"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _fingerprint(rule: str, url: str) -> str:
    # The newline keeps ("ab", "c") and ("a", "bc") apart; neither part can contain one.
    return hashlib.sha256(f"{rule}\n{url}".encode("utf-8")).hexdigest()


def _path_uri(path: str) -> str:
    """A URI reference for a local path: relative paths stay relative, with / separators."""
    if PureWindowsPath(path).is_absolute() and not path.startswith("/"):
        return PureWindowsPath(path).as_uri()
    posix = path.replace("\\", "/")
    if PurePath(posix).is_absolute():
        return "file://" + quote(posix)
    return quote(posix)


def _location(r: PageResult, line: Optional[int]) -> dict:
    if r.path is not None:
        loc: dict = {"artifactLocation": {"uri": _path_uri(r.path)}, "region": {"startLine": line or 1}}
    else:
        loc = {"artifactLocation": {"uri": r.url or r.target}}
        if line is not None:  # a source line of a fetched page is still worth pointing at
            loc["region"] = {"startLine": line}
    return {"physicalLocation": loc}


def _message(f: Finding) -> str:
    text = f"review: {f.message}" if f.outcome is Outcome.REVIEW else f.message
    return f"{text} Fix: {f.fix}" if f.fix else text


def _result(rule: str, index: int, level: str, text: str, r: PageResult, line: Optional[int], evidence: list) -> dict:
    result = {
        "ruleId": rule,
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [_location(r, line)],
        "partialFingerprints": {"syndicheck/v1": _fingerprint(rule, r.url or r.target)},
        "properties": {"target": r.target, "url": r.url, "status": r.status.value},
    }
    if r.original is not None:
        result["properties"]["original"] = r.original.as_ref()
    if evidence:
        result["properties"]["evidence"] = evidence
    return result


def document(run: Run) -> dict:
    rules: list[dict] = []
    index: dict[str, int] = {}

    def rule_index(rule_id: str, title: str) -> int:
        if rule_id not in index:
            index[rule_id] = len(rules)
            rules.append({"id": rule_id, "shortDescription": {"text": title or rule_id}})
        return index[rule_id]

    results = []
    for r in run.results:
        if r.status is Status.ERROR:
            i = rule_index(FETCH_ERROR, "Page could not be fetched or parsed")
            text = f"could not check {r.target}: {r.error or 'unknown error'}"
            results.append(_result(FETCH_ERROR, i, "error", text, r, None, []))
            continue
        for f in r.findings:
            i = rule_index(f.rule, f.title)  # every rule that ran is described, even if it passed
            if f.outcome not in (Outcome.FAIL, Outcome.REVIEW):
                continue
            level = "warning" if f.outcome is Outcome.REVIEW else _LEVEL[f.severity]
            results.append(_result(f.rule, i, level, _message(f), r, f.line, [e.as_dict() for e in f.evidence]))

    driver = {"name": "syndicheck", "version": run.tool_version, "informationUri": INFORMATION_URI, "rules": rules}
    sarif_run: dict = {"tool": {"driver": driver}, "results": results}
    if run.started:
        invocation = {"executionSuccessful": True, "startTimeUtc": run.started}
        if run.finished:
            invocation["endTimeUtc"] = run.finished
        sarif_run["invocations"] = [invocation]
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [sarif_run]}


def render(run: Run, out: TextIO, *, color: bool = False) -> None:
    out.write(json.dumps(document(run), indent=2, ensure_ascii=False) + "\n")
