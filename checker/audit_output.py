"""An audit run's files: HTML, JSON, CSV and per-partner digests, written atomically; then notifications."""
from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
from pathlib import Path
from typing import Callable, TextIO

from .config_types import AuditConfig
from .models import AuditReport
from .notify import send_notifications
from .report.audit_data import render_audit_csv, render_audit_json
from .report.audit_html import render_audit_html
from .report.digest import render_digest
from .crawl.archive import safe_name
from .paths import make_dirs

log = logging.getLogger("syndicheck.audit")


class ReportWriteError(OSError):
    """The reports directory could not be written: the run is stored, its files are not."""


REPORT_MODE = 0o644  # reports are for reading, by the team's web server too; never writable by others


def write_atomic(path: Path, render: Callable[[TextIO], None]) -> None:
    """Render into a temporary file, then rename: never a half-written report.

    The temporary file is created exclusively (no following a symlink planted under its name) with
    REPORT_MODE; on any failure (unwritable directory, full disk) it is removed, the previous report
    at `path`, if any, stays as it was, and ReportWriteError says which file and why. A kill -9 cannot
    clean up: the temporary files of writers no longer running are removed before each write.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        make_dirs(path.parent)
        remove_stale_temporaries(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), REPORT_MODE)
        try:
            # Rendered straight into the temporary file, not into memory first: a 20,000-page run's reports
            # are tens of MB, and a StringIO, its value and the encoded bytes were three copies at once.
            with open(fd, "w", encoding="utf-8", newline="") as fh:
                render(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportWriteError(f"cannot write the report {path}: {exc.strerror or exc}") from exc


_TEMPORARY = re.compile(r"\..+\.(\d+)\.[0-9a-f]{8}\.tmp")  # write_atomic's names: .<name>.<pid>.<random>.tmp


def remove_stale_temporaries(directory: Path) -> None:
    """Remove the temporary files that writers killed between create and rename (kill -9, power loss) left in
    `directory`, so they do not pile up night after night. A file is stale when the process named in it is
    no longer running; a live writer's is left alone. (The reports are written from one machine, as the
    history database must be: its WAL mode does not work on a network filesystem.)"""
    if os.name != "posix":  # os.kill(pid, 0) is a liveness probe on POSIX only
        return
    try:
        entries = [e.name for e in os.scandir(directory) if e.is_file(follow_symlinks=False)]
    except OSError:
        return
    for name in entries:
        m = _TEMPORARY.fullmatch(name)
        if m is None or int(m.group(1)) == os.getpid() or _running(int(m.group(1))):
            continue
        try:
            (directory / name).unlink()
        except FileNotFoundError:  # another writer cleaned it first
            pass


def _running(pid: int) -> bool:
    if pid <= 0:
        return True  # not a pid write_atomic wrote: leave the file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no such pid at all
        return True
    return True


def digest_names(partner_ids: list[str]) -> dict[str, str]:
    """A file name (without .md) per partner id: safe_name(id), which cannot leave the digests directory,
    plus a short hash of the id where two ids would share a name ("Alpha" and "alpha", long ids)."""
    plain = {pid: safe_name(pid) for pid in partner_ids}
    taken: dict[str, int] = {}
    for name in plain.values():
        taken[name] = taken.get(name, 0) + 1
    return {pid: name if taken[name] == 1 else f"{name}-{hashlib.sha256(pid.encode()).hexdigest()[:10]}"
            for pid, name in plain.items()}


def write_reports(report: AuditReport, config: AuditConfig) -> tuple[list[str], list[str]]:
    """Write the configured formats; returns (files written, notification log)."""
    out = Path(config.reports_dir)
    stem = f"audit-{report.run_id}"
    files: list[str] = []
    formats = set(config.report_formats)
    html_path = None
    if "html" in formats:
        html_path = out / f"{stem}.html"
        write_atomic(html_path, lambda fh: render_audit_html(report, fh, root=out))
        write_atomic(out / "latest.html", lambda fh: render_audit_html(report, fh, root=out))
        files.append(str(html_path))
    if "json" in formats:
        write_atomic(out / f"{stem}.json", lambda fh: render_audit_json(report, fh))
        files.append(str(out / f"{stem}.json"))
    if "csv" in formats:
        write_atomic(out / f"{stem}.csv", lambda fh: render_audit_csv(report, fh))
        files.append(str(out / f"{stem}.csv"))
    if "digest" in formats:
        names = digest_names([p.id for p in report.partners])
        for partner in report.partners:
            path = out / "digests" / stem / f"{names[partner.id]}.md"
            write_atomic(path, lambda fh, pid=partner.id: fh.write(render_digest(report, pid, "markdown")))
            files.append(str(path))
    sent: list[str] = []
    if config.notifications.enabled:
        sent = send_notifications(report, report.partners, config.notifications, reports_dir=out,
                                  html_report=html_path)
        for line in sent:
            log.info("%s", line)
    return files, sent
