"""An audit run's files, in the formats of the report registry (checker/report), then its notifications."""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from .config_types import AuditConfig
from .models import AuditReport
from .notify import send_notifications
from .report import AUDIT_FORMATS, report_format, write_report_file
from .report.files import ReportWriteError, write_atomic  # noqa: F401 (the CLI and callers import them from here)
from .crawl.archive import safe_name

log = logging.getLogger("syndicheck.audit")


def digest_names(partner_ids: list[str]) -> dict[str, str]:
    """A file name (without .md) per partner id: safe_name(id), which cannot leave the digests directory,
    plus a short hash of the id where two ids would share a name ("Alpha" and "alpha", long ids)."""
    plain = {pid: safe_name(pid) for pid in partner_ids}
    taken: dict[str, int] = {}
    for name in plain.values():
        taken[name] = taken.get(name, 0) + 1
    return {pid: name if taken[name] == 1 else f"{name}-{hashlib.sha256(pid.encode()).hexdigest()[:10]}"
            for pid, name in plain.items()}


def write_audit_reports(report: AuditReport, config: AuditConfig) -> tuple[list[str], list[str]]:
    """Write the configured formats (the registry's audit formats, in its order); returns (files written,
    notification log)."""
    out = Path(config.reports_dir)
    stem = f"audit-{report.run_id}"
    files: list[str] = []
    html_path = None
    for fmt in (report_format("audit", name) for name in AUDIT_FORMATS if name in config.report_formats):
        if fmt.per_partner:
            names = digest_names([p.id for p in report.partners])
            for partner in report.partners:
                path = out / "digests" / stem / f"{names[partner.id]}{fmt.extension}"
                write_report_file(fmt, report, path, partner=partner.id)
                files.append(str(path))
            continue
        path = out / f"{stem}{fmt.extension}"
        write_report_file(fmt, report, path, root=out)
        files.append(str(path))
        if fmt.name == "html":  # the latest run's page at a fixed address, for bookmarks and notifications
            html_path = path
            write_report_file(fmt, report, out / "latest.html", root=out)
    sent: list[str] = []
    if config.notifications.enabled:
        # send_notifications() logs each line itself (a failure as a warning): not twice
        sent = send_notifications(report, report.partners, config.notifications, reports_dir=out,
                                  html_report=html_path)
    return files, sent
