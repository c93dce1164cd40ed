"""Notifications after an audit run: partner digests and a team summary by email, a JSON webhook.

Off unless `notifications.enabled`. With `dry_run_dir` every message is written there (.eml for
mail, .json for the webhook body) and nothing is sent. Nothing here raises: every failure
becomes a line in the returned log ("email to x failed: ..."), so a broken mail server never
costs the foundation its run.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import NamedTuple, Optional, Sequence, Union
from urllib.parse import urlsplit

import requests

from checker.config_types import EmailConfig, NotificationsConfig, WebhookConfig
from checker.models import AuditReport, PartnerInfo
from checker.paths import make_dirs
from checker.report import audit_data
from checker.report.digest import render_digest

log = logging.getLogger(__name__)

PathLike = Union[str, "os.PathLike[str]"]
SMTP_TIMEOUT = 30.0  # seconds, per connection and command
SIGNATURE_HEADER = "X-Syndicheck-Signature"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._@+-]+")


# ---- messages --------------------------------------------------------------------------------


def _header(s: str) -> str:
    """One line for a mail header: page or config text must not add header lines."""
    return " ".join(_CONTROL.sub(" ", s).split())


def _message(sender: str, to: Sequence[str], subject: str, report: AuditReport) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = _header(sender)
    msg["To"] = ", ".join(_header(a) for a in to)
    msg["Subject"] = _header(subject)
    msg["Date"] = formatdate(localtime=False, usegmt=True)
    domain = sender.rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid("syndicheck", domain=_header(domain).strip("<>") or "localhost")
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    msg["X-Syndicheck-Run"] = str(report.run_id)
    return msg


def has_news(stats: audit_data.PartnerStats) -> bool:
    """Whether a partner's digest says anything worth a mail: violations, changes or errors."""
    return bool(stats.violations or stats.new or stats.fixed or stats.errors or stats.discovery_errors)


def partner_message(report: AuditReport, partner: PartnerInfo, contact: str, sender: str, *,
                    digests: Optional[tuple[str, str]] = None) -> EmailMessage:
    """A partner contact's digest: text/plain, with the Markdown digest as text/markdown alternative.

    `digests` (text, markdown) saves rendering them again for each of a partner's contacts.
    """
    stats = audit_data.stats_for(report, partner.id)
    if stats is None:
        raise ValueError(f"no partner {partner.id!r} in run {report.run_id}")
    if digests is None:
        digests = (render_digest(report, partner.id, "text"), render_digest(report, partner.id, "markdown"))
    lic = report.license.upper()
    if stats.violations:
        what = f"{stats.violations} page{'s' if stats.violations != 1 else ''} to fix"
    elif stats.errors or stats.discovery_errors:
        what = "some pages could not be checked"
    else:
        what = "no pages to fix"
    subject = f"{lic} republication check for {partner.name}: {what}"
    msg = _message(sender, [contact], subject, report)
    msg.set_content(digests[0])
    msg.add_alternative(digests[1], subtype="markdown", params={"variant": "GFM"})
    return msg


def summary_text(report: AuditReport, report_location: str) -> str:
    """The licensing team's summary: headline numbers, partners needing attention, link to the report."""
    h = audit_data.headline(report)
    rate = f" ({h['rate'] * 100:.0f}%)" if h["rate"] is not None else ""
    clean = lambda s: _CONTROL.sub("\ufffd", s)  # noqa: E731
    lines = [f"syndicheck audit run #{report.run_id} ({report.license})",
             f"started {report.started or '?'}, finished {report.finished or '?'}", ""]
    if not report.complete:
        lines += ["INCOMPLETE RUN: the run was cut short; the numbers cover only what was checked.", ""]
    lines += [
        f"Partners: {h['partners']}",
        f"Pages checked: {h['pages']}",
        f"Copies: {h['copies']}",
        f"Compliant: {h['compliant']}{rate}",
        f"Pages with violations: {h['violation']}",
        f"Not a copy: {h['not_a_copy']}",
        f"Review: {h['review']}",
        f"Errors: {h['error']}" + (f" (+{h['discovery_errors']} discovery errors)" if h["discovery_errors"] else ""),
    ]
    since = f"run #{h['previous_run']}" if h["previous_run"] is not None else "the previous run (none)"
    lines += [f"Failing findings since {since}: {h['new']} new, {h['fixed']} fixed, {h['persisting']} persisting",
              ""]
    attention = [s for s in audit_data.partner_stats(report)
                 if s.violations or s.errors or s.discovery_errors or s.new or s.fixed]
    if attention:
        lines.append("Partners needing attention:")
        for s in attention:
            rate = f"{s.rate * 100:.0f}%" if s.rate is not None else "no copies"
            lines.append(f"- {clean(s.info.name)}: {s.violations} with violations of {s.copies} copies ({rate}); "
                         f"findings {s.new} new, {s.fixed} fixed, {s.persisting} persisting; "
                         f"{s.errors + len(s.discovery_errors)} errors")
        lines.append("")
    if report.diff.new:
        lines.append("New failing findings:")
        lines += [f"- {clean(i.url)} ({clean(i.rule)}){': ' + clean(i.message) if i.message else ''}"
                  for i in report.diff.new]
        lines.append("")
    if report.waiver_notes:
        lines.append("Waiver notes:")
        lines += [f"- {clean(n)}" for n in report.waiver_notes]
        lines.append("")
    lines.append(f"Full report: {report_location}")
    return "\n".join(lines) + "\n"


def summary_message(report: AuditReport, config: EmailConfig, report_location: str) -> EmailMessage:
    h = audit_data.headline(report)
    pages = "page" if h["violation"] == 1 else "pages"
    subject = (f"syndicheck #{report.run_id}: {h['violation']} {pages} with violations; "
               f"{h['new']} new, {h['fixed']} fixed findings" + ("" if report.complete else " (incomplete run)"))
    msg = _message(config.sender, config.licensing_team, subject, report)
    msg.set_content(summary_text(report, report_location))
    return msg


def find_html_report(report: AuditReport, reports_dir: PathLike) -> Optional[Path]:
    """The run's HTML report in `reports_dir`: an .html file whose name holds the run id as a number."""
    token = re.compile(rf"(?<!\d){report.run_id}(?!\d)")
    try:
        found = [p for p in Path(reports_dir).rglob("*.html") if token.search(p.name)]
    except OSError:
        return None
    return min(found, key=lambda p: (len(p.parts), len(p.name))) if found else None


def _location(report: AuditReport, reports_dir: PathLike, html_report: Optional[PathLike]) -> str:
    path = Path(html_report) if html_report is not None else find_html_report(report, reports_dir)
    if path is None:
        return f"reports in {Path(reports_dir).resolve()}"
    path = path.resolve()
    return f"{path} ({path.as_uri()})"


# ---- webhook ---------------------------------------------------------------------------------


def webhook_payload(report: AuditReport, report_location: Optional[str] = None) -> dict:
    """Run summary, per-partner counts and diff counts (no contact addresses)."""
    return {
        "event": "audit.finished",
        "tool": {"name": "syndicheck", "version": report.tool_version},
        "license": report.license,
        "run": {"id": report.run_id, "started": report.started or None, "finished": report.finished or None,
                "complete": report.complete},
        "summary": audit_data.headline(report),
        "partners": [
            {"id": s.info.id, "name": s.info.name, "copies": s.copies, "compliant": s.compliant,
             "violations": s.violations, "review": s.review, "errors": s.errors,
             "discovery_errors": len(s.discovery_errors), "new": s.new, "fixed": s.fixed,
             "persisting": s.persisting}
            for s in audit_data.partner_stats(report)
        ],
        "diff": {"previous_run": report.diff.previous_run, "new": len(report.diff.new),
                 "fixed": len(report.diff.fixed), "persisting": len(report.diff.persisting)},
        "report": report_location,
    }


def sign(body: bytes, secret: str) -> str:
    """The signature header's value: sha256=<hex HMAC-SHA256 of the exact body>."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _redact(url: str) -> str:
    """A webhook URL for the log: no credentials, query or fragment (they often hold tokens)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}"
    except ValueError:
        return "<invalid URL>"


def _post_webhook(config: WebhookConfig, body: bytes, headers: dict, out: list[str]) -> None:
    where = _redact(config.url)
    if urlsplit(config.url).scheme.lower() not in ("http", "https"):
        out.append(f"webhook to {where} failed: only http and https URLs are supported")
        return
    try:
        resp = requests.post(config.url, data=body, headers=headers, timeout=config.timeout, allow_redirects=False)
    except requests.RequestException as exc:
        # The fetcher's words ("connection refused", "DNS lookup failed for host x"), not urllib3's repr, which
        # also repeats the URL (a webhook secret may sit in it: `where` is the redacted form)
        from checker.crawl.fetcher import FetchSettings, _describe_connection_error

        timeouts = FetchSettings(connect_timeout=config.timeout, read_timeout=config.timeout, deadline=config.timeout)
        out.append(f"webhook to {where} failed: {_describe_connection_error(exc, where, timeouts)[0]}")
        return
    if 200 <= resp.status_code < 300:
        out.append(f"webhook to {where} sent: HTTP {resp.status_code}")
    else:
        out.append(f"webhook to {where} failed: HTTP {resp.status_code}")


# ---- SMTP ------------------------------------------------------------------------------------


class _Smtp:
    """One SMTP connection for all of a run's mail, opened on first use; a failed connect fails the rest fast."""

    def __init__(self, config: EmailConfig) -> None:
        self.config = config
        self.conn: Optional[smtplib.SMTP] = None
        self.broken: Optional[str] = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        password = None
        if c.username:
            password = os.environ.get(c.password_env) if c.password_env else None
            if password is None:
                raise RuntimeError(f"SMTP login needs a password in the environment variable {c.password_env or '(password_env not set)'}")
        conn = smtplib.SMTP(c.smtp_host, c.smtp_port, timeout=SMTP_TIMEOUT)
        try:
            conn.ehlo()
            if c.starttls:
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
            if c.username:
                conn.login(c.username, password or "")
        except BaseException:
            conn.close()
            raise
        return conn

    def send(self, msg: EmailMessage, to: Sequence[str]) -> dict:
        if self.broken is not None:
            raise RuntimeError(self.broken)
        if self.conn is None:
            try:
                self.conn = self._connect()
            except Exception as exc:
                self.broken = f"cannot reach SMTP server {self.config.smtp_host}:{self.config.smtp_port}: {_describe(exc)}"
                raise RuntimeError(self.broken) from None
        try:
            return self.conn.send_message(msg, from_addr=self.config.sender, to_addrs=list(to))
        except (smtplib.SMTPServerDisconnected, OSError):
            self._drop()  # the next message reconnects
            raise

    def _drop(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:
                pass

    def close(self) -> None:
        if self.conn is not None:
            try:
                self.conn.quit()
            except Exception:
                pass
            self._drop()


def _describe(exc: BaseException) -> str:
    if type(exc) is RuntimeError and str(exc):  # this module's own words ("cannot reach SMTP server ...")
        return str(exc)
    if isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException) and exc.strerror:
        return exc.strerror  # "Connection refused", not "ConnectionRefusedError: [Errno 111] Connection refused"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# ---- the entry point -------------------------------------------------------------------------


def _safe_name(s: str) -> str:
    return _UNSAFE_NAME.sub("_", s).strip("._")[:80] or "x"


OUTBOX_MODE = 0o600  # dry-run messages carry partner contacts' addresses and the run's findings


def _write(directory: Path, name: str, data: bytes) -> Path:
    """Write a new file in the outbox, never overwriting or following a symlink: name, name-2, name-3, ..."""
    path = directory / name
    stem, suffix = path.stem, path.suffix
    n = 1
    while True:
        try:  # O_EXCL: an existing name (an earlier run's message, a planted symlink) is skipped, not replaced
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), OUTBOX_MODE)
        except FileExistsError:
            n += 1
            path = directory / f"{stem}-{n}{suffix}"
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return path


def send_notifications(report: AuditReport, partners: Sequence[PartnerInfo], config: NotificationsConfig, *,
                       reports_dir: PathLike, html_report: Optional[PathLike] = None) -> list[str]:
    """Send (or, with dry_run_dir, write) the run's notifications; returns a log of what happened.

    Mail: one digest per contact of each partner with something to tell (violations, new or
    fixed violations, pages or sources that could not be checked), and one summary to
    email.licensing_team with the path of the HTML report (`html_report`, else the run's .html
    found in `reports_dir`). Webhook: one signed JSON POST. Never raises.
    """
    out: list[str] = []
    if not config.enabled:
        return ["notifications are disabled: nothing sent"]
    if config.email is None and config.webhook is None:
        return ["notifications are enabled but neither email nor webhook is configured: nothing sent"]
    try:
        _notify(report, partners, config, reports_dir, html_report, out)
    except Exception as exc:  # a bug here must not end the audit
        log.debug("notifications failed", exc_info=True)  # the traceback for -v; the reason for everyone
        log.error("notifications failed: %s", _describe(exc))
        out.append(f"notifications failed: {_describe(exc)}")
    for line in out:  # a message that could not be sent is a warning: `audit -q` and cron mail must show it
        (log.warning if " failed: " in line else log.info)("%s", line)
    return out


class _Mail(NamedTuple):
    """One message to send or write, or why it could not be composed (`message` is then the reason)."""

    to: list[str]
    what: str  # "digest for <partner>", "summary"
    filename: str  # in the dry-run outbox
    message: Union[EmailMessage, str]


def _notify(report: AuditReport, partners: Sequence[PartnerInfo], config: NotificationsConfig,
            reports_dir: PathLike, html_report: Optional[PathLike], out: list[str]) -> None:
    location = _location(report, reports_dir, html_report)
    dry = Path(config.dry_run_dir) if config.dry_run_dir else None
    if dry is not None:
        make_dirs(dry)
    prefix = f"run-{report.run_id}"
    mails: list[_Mail] = []
    if config.email is not None:
        mails = _partner_mails(report, partners, config.email, prefix, out)
        mails += _summary_mail(report, config.email, prefix, location, out)
    if dry is not None:
        _write_mails(dry, mails, out)
    elif mails and config.email is not None:
        _send_mails(config.email, mails, out)
    if config.webhook is not None:
        _deliver_webhook(report, config.webhook, location, dry, prefix, out)


def _partner_mails(report: AuditReport, partners: Sequence[PartnerInfo], email: EmailConfig, prefix: str,
                   out: list[str]) -> list[_Mail]:
    """One digest per contact of each partner with something to tell."""
    stats = {s.info.id: s for s in audit_data.partner_stats(report)}
    mails: list[_Mail] = []
    for partner in partners:
        if not partner.contacts:
            out.append(f"no digest for {partner.id}: no contact address")
            continue
        if partner.id not in stats or not has_news(stats[partner.id]):
            out.append(f"no digest for {partner.id}: nothing to report")
            continue
        try:
            digests: Union[tuple[str, str], str] = (render_digest(report, partner.id, "text"),
                                                    render_digest(report, partner.id, "markdown"))
        except Exception as exc:
            digests = _describe(exc)
        for contact in partner.contacts:
            mails.append(_digest_mail(report, partner, contact, email.sender, digests, prefix))
    return mails


def _digest_mail(report: AuditReport, partner: PartnerInfo, contact: str, sender: str,
                 digests: Union[tuple[str, str], str], prefix: str) -> _Mail:
    """The digest for one contact; `digests` is (text, markdown), or why they could not be written."""
    name = f"{prefix}-partner-{_safe_name(partner.id)}-{_safe_name(contact)}.eml"
    what = f"digest for {partner.id}"
    try:
        if isinstance(digests, str):
            raise RuntimeError(f"could not write the digest: {digests}")
        return _Mail([contact], what, name, partner_message(report, partner, contact, sender, digests=digests))
    except Exception as exc:
        return _Mail([contact], what, name, _describe(exc))


def _summary_mail(report: AuditReport, email: EmailConfig, prefix: str, location: str,
                  out: list[str]) -> list[_Mail]:
    """The licensing team's summary, if the team has addresses."""
    if not email.licensing_team:
        out.append("no summary email: email.licensing_team is empty")
        return []
    team = list(email.licensing_team)
    try:
        return [_Mail(team, "summary", f"{prefix}-summary.eml", summary_message(report, email, location))]
    except Exception as exc:
        return [_Mail(team, "summary", f"{prefix}-summary.eml", _describe(exc))]


def _write_mails(dry: Path, mails: list[_Mail], out: list[str]) -> None:
    """Dry run: each message as an .eml file in the outbox."""
    for to, what, name, msg in mails:
        if isinstance(msg, str):
            out.append(f"email to {', '.join(to)} ({what}) failed: {msg}")
            continue
        try:
            path = _write(dry, name, msg.as_bytes())
            out.append(f"email to {', '.join(to)} ({what}) written to {path}")
        except Exception as exc:
            out.append(f"email to {', '.join(to)} ({what}) failed: {_describe(exc)}")


def _send_mails(email: EmailConfig, mails: list[_Mail], out: list[str]) -> None:
    """Send every message over one SMTP connection."""
    smtp = _Smtp(email)
    try:
        for mail in mails:
            _send_mail(smtp, mail, out)
    finally:
        smtp.close()


def _send_mail(smtp: "_Smtp", mail: _Mail, out: list[str]) -> None:
    to, what, msg = mail.to, mail.what, mail.message
    if isinstance(msg, str):
        out.append(f"email to {', '.join(to)} ({what}) failed: {msg}")
        return
    try:
        refused = smtp.send(msg, to)
    except Exception as exc:
        out.append(f"email to {', '.join(to)} ({what}) failed: {_describe(exc)}")
        return
    for addr, (code, reply) in (refused or {}).items():
        out.append(f"email to {addr} ({what}) failed: refused ({code} {reply.decode(errors='replace')})")
    accepted = [a for a in to if a not in (refused or {})]
    if accepted:
        out.append(f"email to {', '.join(accepted)} ({what}) sent")


def _deliver_webhook(report: AuditReport, hook: WebhookConfig, location: str, dry: Optional[Path], prefix: str,
                     out: list[str]) -> None:
    """POST the signed JSON payload, or (dry run) write it to the outbox."""
    body = json.dumps(webhook_payload(report, location), ensure_ascii=False, sort_keys=True).encode("utf-8")
    headers, missing_secret = _webhook_headers(report, hook, body)
    if dry is not None:
        note = f" (unsigned: {missing_secret})" if missing_secret else (
            " (signed)" if SIGNATURE_HEADER in headers else "")
        try:
            path = _write(dry, f"{prefix}-webhook.json", body)
            out.append(f"webhook to {_redact(hook.url)} written to {path}{note}")
        except Exception as exc:
            out.append(f"webhook to {_redact(hook.url)} failed: {_describe(exc)}")
    elif missing_secret:  # an unsigned POST would be rejected by a receiver that checks signatures
        out.append(f"webhook to {_redact(hook.url)} failed: {missing_secret}")
    else:
        _post_webhook(hook, body, headers, out)


def _webhook_headers(report: AuditReport, hook: WebhookConfig, body: bytes) -> tuple[dict[str, str], Optional[str]]:
    """The POST's headers, signed when the secret is set; and why it is unsigned when the secret is missing."""
    headers = {"Content-Type": "application/json; charset=utf-8",
               "User-Agent": f"syndicheck/{report.tool_version}"}
    if not hook.secret_env:
        return headers, None
    secret = os.environ.get(hook.secret_env)
    if not secret:
        return headers, f"the signing secret's environment variable {hook.secret_env} is not set"
    headers[SIGNATURE_HEADER] = sign(body, secret)
    return headers, None
