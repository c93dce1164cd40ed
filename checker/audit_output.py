"""An audit run's files: HTML, JSON, CSV and per-partner digests, written atomically; then notifications."""
from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import Callable

from .config_types import AuditConfig
from .models import AuditReport
from .notify import send_notifications
from .report.audit_data import render_audit_csv, render_audit_json
from .report.audit_html import render_audit_html
from .report.digest import render_digest
from .crawl.archive import safe_name

log = logging.getLogger("syndicheck.audit")


class ReportWriteError(OSError):
    """The reports directory could not be written: the run is stored, its files are not."""


def write_atomic(path: Path, render: Callable[[io.StringIO], None]) -> None:
    """Render fully in memory, write a temporary file, then rename: never a half-written report."""
    buf = io.StringIO()
    render(buf)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(buf.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportWriteError(f"cannot write {path}: {exc.strerror or exc}") from exc


def write_reports(report: AuditReport, config: AuditConfig) -> tuple[list[str], list[str]]:
    """Write the configured formats; returns (files written, notification log)."""
    out = Path(config.reports_dir)
    stem = f"audit-{report.run_id}"
    files: list[str] = []
    formats = set(config.report_formats)
    html_path = None
    if "html" in formats:
        html_path = out / f"{stem}.html"
        write_atomic(html_path, lambda fh: render_audit_html(report, fh))
        write_atomic(out / "latest.html", lambda fh: render_audit_html(report, fh))
        files.append(str(html_path))
    if "json" in formats:
        write_atomic(out / f"{stem}.json", lambda fh: render_audit_json(report, fh))
        files.append(str(out / f"{stem}.json"))
    if "csv" in formats:
        write_atomic(out / f"{stem}.csv", lambda fh: render_audit_csv(report, fh))
        files.append(str(out / f"{stem}.csv"))
    if "digest" in formats:
        for partner in report.partners:
            path = out / "digests" / stem / f"{safe_name(partner.id)}.md"
            write_atomic(path, lambda fh, pid=partner.id: fh.write(render_digest(report, pid, "markdown")))
            files.append(str(path))
    sent: list[str] = []
    if config.notifications.enabled:
        sent = send_notifications(report, report.partners, config.notifications, reports_dir=out,
                                  html_report=html_path)
        for line in sent:
            log.info("%s", line)
    return files, sent
