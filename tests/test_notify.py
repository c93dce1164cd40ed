"""Notifications: real SMTP (aiosmtpd on loopback), a real HTTP webhook receiver, dry runs and failures."""
from __future__ import annotations

import email
import email.policy
import hashlib
import hmac
import json
import socket
import stat
from pathlib import Path
from typing import Iterator

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

from checker.config_types import EmailConfig, NotificationsConfig, WebhookConfig  # noqa: E402
from checker.models import PartnerInfo  # noqa: E402
from checker.notify import SIGNATURE_HEADER, send_notifications, sign  # noqa: E402
from test_audit_reports import HOSTILE_SCRIPT, PARTNERS, SENATE_URL, build_report  # noqa: E402

TEAM = ("licensing@foundation.example", "lead@foundation.example")
SECRET = "s3cret-hook-key"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        msg = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), msg))
        return "250 Message accepted for delivery"


def _start(inbox: Inbox, **kwargs) -> tuple[object, int]:
    port = free_port()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    return controller, port


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    controller, port = _start(inbox)
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def reports_dir(tmp_path: Path) -> Path:
    d = tmp_path / "reports"
    d.mkdir()
    (d / "audit-12.html").write_text("<!DOCTYPE html>", encoding="utf-8")
    (d / "audit-112.html").write_text("<!DOCTYPE html>", encoding="utf-8")  # another run's report
    return d


def email_config(port: int, **kw) -> EmailConfig:
    kw.setdefault("licensing_team", TEAM)
    return EmailConfig(smtp_host="127.0.0.1", smtp_port=port, sender="syndicheck@foundation.example", **kw)


def _body(msg: email.message.EmailMessage, subtype: str = "plain") -> str:
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None, f"no text/{subtype} part"
    return part.get_content()


# --- email ------------------------------------------------------------------------------------

def test_one_mail_per_contact_plus_summary(smtp, reports_dir: Path) -> None:
    inbox, port = smtp
    config = NotificationsConfig(enabled=True, email=email_config(port))
    log = send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir)

    rcpts = sorted(tuple(r) for _, r, _ in inbox.mails)
    assert rcpts == sorted([("editor@alpha.example",), ("web@alpha.example",), ("desk@beta.example",), TEAM])
    assert all(sender == "syndicheck@foundation.example" for sender, _, _ in inbox.mails)
    by_rcpt = {tuple(r): m for _, r, m in inbox.mails}

    alpha = by_rcpt[("editor@alpha.example",)]
    assert alpha["To"] == "editor@alpha.example"
    assert alpha["Subject"] == "DCNF republication check for Alpha Gazette: 1 page to fix"
    assert alpha["Auto-Submitted"] == "auto-generated" and alpha["X-Syndicheck-Run"] == "12"
    text = _body(alpha)
    assert SENATE_URL in text and "How to fix: Add the DCNF logo above the byline." in text
    assert "beta.example" not in text
    markdown = _body(alpha, "markdown")
    assert f"[{SENATE_URL}](<{SENATE_URL}>)" in markdown and HOSTILE_SCRIPT not in markdown
    assert alpha.get_content_type() == "multipart/alternative"

    beta = by_rcpt[("desk@beta.example",)]
    assert beta["Subject"] == "DCNF republication check for Beta Times: 1 page to fix"
    assert "not well-formed XML" in _body(beta)

    summary = by_rcpt[TEAM]
    assert summary["To"] == ", ".join(TEAM)
    assert summary["Subject"] == "syndicheck #12: 2 pages with violations; 2 new, 2 fixed findings"
    body = _body(summary)
    assert "Copies: 7" in body and "Compliant: 4 (57%)" in body and "Pages with violations: 2" in body
    assert "Failing findings since run #11: 2 new, 2 fixed, 1 persisting" in body
    assert SENATE_URL in body  # the new violation's link
    report_path = (reports_dir / "audit-12.html").resolve()
    assert f"Full report: {report_path} ({report_path.as_uri()})" in body

    assert "no digest for gamma: no contact address" in log
    assert sum(line.endswith(" sent") for line in log) == 4
    assert not any("failed" in line for line in log), log


def test_partner_without_news_gets_no_mail(smtp, reports_dir: Path) -> None:
    inbox, port = smtp
    quiet = PartnerInfo("delta", "Delta Post", contacts=("news@delta.example",))
    config = NotificationsConfig(enabled=True, email=email_config(port, licensing_team=()))
    log = send_notifications(build_report(), (quiet,), config, reports_dir=reports_dir)
    assert inbox.mails == []
    assert "no digest for delta: nothing to report" in log
    assert "no summary email: email.licensing_team is empty" in log


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_with_password_from_env(reports_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    logins: list[tuple[bytes, bytes]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        assert isinstance(auth_data, LoginPassword)
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"pa55word")

    inbox = Inbox()
    controller, port = _start(inbox, authenticator=authenticator, auth_required=True, auth_require_tls=False)
    try:
        config = NotificationsConfig(enabled=True, email=email_config(
            port, username="mailer", password_env="SYNDICHECK_TEST_SMTP_PASSWORD"))
        monkeypatch.delenv("SYNDICHECK_TEST_SMTP_PASSWORD", raising=False)
        log = send_notifications(build_report(), PARTNERS[:1], config, reports_dir=reports_dir)
        assert inbox.mails == [] and logins == []
        assert any("failed" in line and "SYNDICHECK_TEST_SMTP_PASSWORD" in line for line in log), log

        monkeypatch.setenv("SYNDICHECK_TEST_SMTP_PASSWORD", "pa55word")
        log = send_notifications(build_report(), PARTNERS[:1], config, reports_dir=reports_dir)
        assert logins == [(b"mailer", b"pa55word")]  # one connection, one login
        assert len(inbox.mails) == 3, log  # two alpha contacts and the summary
    finally:
        controller.stop()


def test_unreachable_smtp_is_a_log_line(reports_dir: Path) -> None:
    port = free_port()  # nothing listens there
    config = NotificationsConfig(enabled=True, email=email_config(port))
    log = send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir)
    failed = [line for line in log if " failed: " in line]
    assert len(failed) == 4, log
    assert failed[0].startswith("email to editor@alpha.example (digest for alpha) failed: ")
    assert f"127.0.0.1:{port}" in failed[0]
    assert not any(line.endswith(" sent") for line in log)


def test_disabled_sends_nothing(smtp, reports_dir: Path) -> None:
    inbox, port = smtp
    config = NotificationsConfig(enabled=False, email=email_config(port))
    assert send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir) == [
        "notifications are disabled: nothing sent"]
    assert inbox.mails == []


# --- webhook ----------------------------------------------------------------------------------

@pytest.fixture
def hook_server(httpserver):
    return httpserver


def test_webhook_posts_signed_json(hook_server, reports_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SYNDICHECK_TEST_HOOK_SECRET", SECRET)
    hook_server.expect_request("/hooks/audit", method="POST").respond_with_data("ok", status=202)
    url = hook_server.url_for("/hooks/audit") + "?token=abc"
    config = NotificationsConfig(enabled=True, webhook=WebhookConfig(url=url, secret_env="SYNDICHECK_TEST_HOOK_SECRET"))
    log = send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir)

    assert len(hook_server.log) == 1
    request, response = hook_server.log[0]
    assert response.status_code == 202
    body = request.get_data()
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers[SIGNATURE_HEADER], expected)
    assert request.headers["Content-Type"].startswith("application/json")
    payload = json.loads(body)
    assert payload["run"] == {"id": 12, "started": "2024-05-05T02:00:00Z", "finished": "2024-05-05T02:41:07Z",
                              "complete": True}
    assert payload["summary"]["violation"] == 2 and payload["summary"]["copies"] == 7
    assert payload["diff"] == {"previous_run": 11, "new": 2, "fixed": 2, "persisting": 1}
    alpha = next(p for p in payload["partners"] if p["id"] == "alpha")
    assert (alpha["copies"], alpha["violations"], alpha["new"], alpha["fixed"], alpha["persisting"]) == (3, 1, 1, 1, 1)
    assert "contacts" not in alpha and "editor@alpha.example" not in body.decode()
    sent = [line for line in log if line.startswith("webhook")]
    assert sent == [f"webhook to {hook_server.url_for('/hooks/audit')} sent: HTTP 202"]  # no token in the log


def test_webhook_unsigned_without_secret_env(hook_server, reports_dir: Path) -> None:
    hook_server.expect_request("/hook", method="POST").respond_with_data("ok")
    config = NotificationsConfig(enabled=True, webhook=WebhookConfig(url=hook_server.url_for("/hook")))
    send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir)
    request, _ = hook_server.log[0]
    assert SIGNATURE_HEADER not in request.headers


def test_webhook_failures_are_log_lines(hook_server, reports_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hook_server.expect_request("/hook", method="POST").respond_with_data("boom", status=500)
    config = NotificationsConfig(enabled=True, webhook=WebhookConfig(url=hook_server.url_for("/hook")))
    assert send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir) == [
        f"webhook to {hook_server.url_for('/hook')} failed: HTTP 500"]

    dead = NotificationsConfig(enabled=True, webhook=WebhookConfig(url=f"http://127.0.0.1:{free_port()}/hook",
                                                                   timeout=2))
    log = send_notifications(build_report(), PARTNERS, dead, reports_dir=reports_dir)
    assert log == [f"webhook to {dead.webhook.url} failed: connection refused"]

    monkeypatch.delenv("SYNDICHECK_TEST_HOOK_SECRET", raising=False)
    missing = NotificationsConfig(enabled=True, webhook=WebhookConfig(
        url=hook_server.url_for("/hook"), secret_env="SYNDICHECK_TEST_HOOK_SECRET"))
    log = send_notifications(build_report(), PARTNERS, missing, reports_dir=reports_dir)
    assert "SYNDICHECK_TEST_HOOK_SECRET is not set" in log[0]
    assert len(hook_server.log) == 1  # only the first POST reached the server


# --- dry run ----------------------------------------------------------------------------------

def test_dry_run_writes_files_and_sends_nothing(smtp, hook_server, tmp_path: Path, reports_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    inbox, port = smtp
    monkeypatch.setenv("SYNDICHECK_TEST_HOOK_SECRET", SECRET)
    out = tmp_path / "outbox"
    config = NotificationsConfig(
        enabled=True, email=email_config(port),
        webhook=WebhookConfig(url=hook_server.url_for("/hook"), secret_env="SYNDICHECK_TEST_HOOK_SECRET"),
        dry_run_dir=str(out),
    )
    log = send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir)
    assert inbox.mails == [] and hook_server.log == []

    emls = sorted(p.name for p in out.glob("*.eml"))
    assert emls == ["run-12-partner-alpha-editor@alpha.example.eml", "run-12-partner-alpha-web@alpha.example.eml",
                    "run-12-partner-beta-desk@beta.example.eml", "run-12-summary.eml"]
    msg = email.message_from_bytes((out / emls[0]).read_bytes(), policy=email.policy.default)
    assert msg["To"] == "editor@alpha.example" and SENATE_URL in _body(msg)
    summary = email.message_from_bytes((out / "run-12-summary.eml").read_bytes(), policy=email.policy.default)
    assert summary["To"] == ", ".join(TEAM)

    body = (out / "run-12-webhook.json").read_bytes()
    assert json.loads(body)["run"]["id"] == 12
    assert sum(" written to " in line for line in log) == 5
    assert any(line.startswith("webhook") and line.endswith("(signed)") for line in log)
    assert sign(body, SECRET).startswith("sha256=")


def test_dry_run_files_are_private_and_never_overwrite(tmp_path: Path, reports_dir: Path) -> None:
    """Outbox files hold contacts' addresses: 0600 in a 0750 directory. A second run, or a name already
    taken (here a planted symlink), gets a new name; nothing existing is replaced or followed."""
    out = tmp_path / "outbox"
    config = NotificationsConfig(enabled=True, email=email_config(1), dry_run_dir=str(out))
    send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir)
    assert stat.S_IMODE(out.stat().st_mode) == 0o750
    assert {stat.S_IMODE(p.stat().st_mode) for p in out.iterdir()} == {0o600}
    first = (out / "run-12-summary.eml").read_bytes()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (out / "run-12-summary-2.eml").symlink_to(victim)
    send_notifications(build_report(), PARTNERS, config, reports_dir=reports_dir)
    assert (out / "run-12-summary.eml").read_bytes() == first
    assert victim.read_text() == "keep me"
    assert b"\nSubject: " in (out / "run-12-summary-3.eml").read_bytes()
