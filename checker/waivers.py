"""Waivers: agreed, reasoned, expiring exceptions for a partner / URL pattern / rule.

A waiver (`WaiverConfig`) covers a finding when all of these hold:

- its ``partner`` is None (any partner) or equals the page's partner id;
- its ``url`` glob matches the page (``fnmatch`` syntax: ``*`` also crosses ``/``, ``?``, ``[...]``),
  tried against the normalised target and the normalised final URL; the scheme and host compare
  case-insensitively, the path and query case-sensitively; a glob without ``scheme://`` is matched
  against the URL without its scheme (``example.com/opinion/*``); a ``url`` with a scheme and without
  ``*`` or ``[`` also matches when it names the same page in another spelling (checker.url_identity:
  host case, default port, tracking parameters, dot segments, parameter order, fragment);
- its ``rule`` is None (every rule) or equals the finding's rule id;
- today is on or before its ``expires`` date (the waiver applies through that day, then stops);
- the finding's outcome is ``fail`` or ``review`` (passes need no waiver).

A covered finding keeps its real outcome (a waived ``fail`` is still ``fail``) and gets
``Finding.waiver = "<reason> (<owner>, until <expires>)"``; reports show it apart, and it is not
a violation (`Finding.counts_as_violation`). The first matching waiver (in config order) gives
the text; every waiver that covers some finding counts as used.

Page status: `PageResult.status` is recomputed from the UNWAIVED findings only, so a page whose
only failing findings are all waived is ``compliant`` (and one whose only open question is a
waived ``review`` is ``compliant`` too); ``not-a-copy`` and ``error`` pages are never changed.

`waiver_notes` reports waivers past their expiry and unexpired waivers that matched nothing in
the run, for the run's report.
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import replace
from datetime import date
from typing import Iterable, Optional, Sequence, Union

from .config_types import WaiverConfig
from .engine import page_status
from .models import AuditPage, Outcome, PageResult, Status
from .url_identity import url_key

__all__ = ["apply_waivers", "waiver_notes", "waiver_covers", "waiver_text", "is_active"]

_WAIVABLE = (Outcome.FAIL, Outcome.REVIEW)
_SCHEME_HOST = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*://)?([^/?#]*)(.*)$", re.S)


def _expiry(w: WaiverConfig) -> Optional[date]:
    try:
        return date.fromisoformat(str(w.expires))
    except ValueError:
        return None


def is_active(w: WaiverConfig, today: date) -> bool:
    """True through the expiry day; a waiver whose expiry is not a date never applies."""
    expires = _expiry(w)
    return expires is not None and today <= expires


def _fold_host(s: str) -> str:
    """Lower-case the scheme and host part of a URL or glob, keep the rest as written."""
    m = _SCHEME_HOST.match(s)
    assert m is not None  # every part of the pattern is optional
    scheme, host, rest = m.group(1) or "", m.group(2), m.group(3)
    return scheme.lower() + host.lower() + rest


def _candidates(result: PageResult) -> list[str]:
    out = []
    for u in (result.target, result.url):
        if u:
            n = _fold_host(url_key(u))
            if n not in out:
                out.append(n)
    return out


def _url_matches(glob: str, urls: Iterable[str]) -> bool:
    pattern = _fold_host(glob.strip())
    if "*" not in pattern and "[" not in pattern and "://" in pattern and url_key(pattern) in urls:
        return True  # a waiver that names one page matches it however either of them spells the URL
    with_scheme = "://" in pattern
    for u in urls:
        subject = u if with_scheme else u.split("://", 1)[-1]
        if fnmatch.fnmatchcase(subject, pattern):
            return True
    return False


def waiver_covers(w: WaiverConfig, partner: str, urls: Sequence[str], rule: str, today: date) -> bool:
    """Does waiver `w` cover a fail/review finding of `rule` on a page of `partner` at one of `urls`?"""
    return ((w.partner is None or str(w.partner) == str(partner))
            and (w.rule is None or w.rule == rule)
            and is_active(w, today)
            and _url_matches(w.url, urls))


def waiver_text(w: WaiverConfig) -> str:
    """What Finding.waiver says: "<reason> (<owner>, until <expires>)"."""
    return f"{w.reason} ({w.owner}, until {w.expires})"


def apply_waivers(page: Union[AuditPage, PageResult], partner: str, waivers: Sequence[WaiverConfig],
                  today: date) -> tuple[PageResult, set[int]]:
    """Set Finding.waiver on the fail/review findings the waivers cover; recompute the page status from
    the unwaived findings. Returns the new PageResult and the indexes (into `waivers`) of the waivers used.

    Waivers already set on findings (e.g. a reused stored verdict) are cleared and decided again."""
    result = page.result if isinstance(page, AuditPage) else page
    if not result.findings:
        return result, set()
    urls = _candidates(result)
    used: set[int] = set()
    findings = []
    for f in result.findings:
        text = None
        if f.outcome in _WAIVABLE:
            for i, w in enumerate(waivers):
                if waiver_covers(w, partner, urls, f.rule, today):
                    used.add(i)
                    if text is None:
                        text = waiver_text(w)
        findings.append(f if f.waiver == text else replace(f, waiver=text))
    findings_t = tuple(findings)
    status = result.status
    if status in (Status.COMPLIANT, Status.VIOLATION, Status.REVIEW):
        status = page_status(tuple(f for f in findings_t if not f.waiver))
    return replace(result, findings=findings_t, status=status), used


def _describe(w: WaiverConfig) -> str:
    parts = [f"partner {w.partner}" if w.partner is not None else "any partner",
             w.url,
             f"rule {w.rule}" if w.rule is not None else "every rule"]
    return ", ".join(parts)


def waiver_notes(waivers: Sequence[WaiverConfig], used_indexes: Iterable[int], today: date) -> tuple[str, ...]:
    """Notes for the run's report: expired waivers, and unexpired waivers that matched nothing."""
    used = set(used_indexes)
    notes = []
    for i, w in enumerate(waivers):
        where = f"; line {w.line}" if w.line is not None else ""
        expires = _expiry(w)
        if expires is None:
            notes.append(f"waiver with an invalid expiry date '{w.expires}' never applies "
                         f"({_describe(w)}; owner {w.owner}{where})")
        elif today > expires:
            notes.append(f"expired waiver ({_describe(w)}; expired {w.expires}; owner {w.owner}{where})")
        elif i not in used:
            notes.append(f"waiver matched nothing: ({_describe(w)}; expires {w.expires}; owner {w.owner}{where})")
    return tuple(notes)
