"""Ctrl-C while a server is slow to answer: the command stops at once (the fetches in flight are cut), with its
one line and exit status, instead of after the slowest server's read timeout; the audit stores no page the
interrupt cut off, and says how to resume."""
from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import yaml
from conftest import write_manifest

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 60  # the read timeout given to the command: before the fix, Ctrl-C waited this long


class SlowServer:
    """A real HTTP server on 127.0.0.1 whose /slow/ pages answer after a minute; others get `page`."""

    def __init__(self, page: bytes):
        self.asked = threading.Event()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                if self.path.startswith("/slow/"):
                    outer.asked.set()
                    time.sleep(TIMEOUT + 5)
                    return
                body = page if self.path != "/robots.txt" else b""
                self.send_response(200 if self.path != "/robots.txt" else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server(make_page):
    s = SlowServer(make_page('<p class="byline">By Staff</p>').encode())
    yield s
    s.close()


@pytest.fixture
def manifest(tmp_path, original) -> Path:
    path = tmp_path / "originals.yaml"
    write_manifest(path, original)
    return path


def interrupt(args: list[str], server: SlowServer, cwd: Path) -> tuple[int, str, str, float]:
    """Run syndicheck in a child process (SIGINT at its default, as in a terminal), press Ctrl-C once it waits on
    the slow page: (exit status, stdout, stderr, seconds from Ctrl-C to exit)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "checker", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert server.asked.wait(60), "the command never asked for the slow page"
        time.sleep(0.3)
        pressed = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT + 30)
        return proc.returncode, out, err, time.monotonic() - pressed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()


def test_check_stops_at_once_on_ctrl_c(server, manifest, tmp_path):
    code, out, err, took = interrupt(["check", f"{server.base}/slow/story", f"{server.base}/story",
                                      "--originals", str(manifest), "--timeout", str(TIMEOUT), "--render", "never"],
                                     server, tmp_path)
    assert code == 130, (out, err)
    assert err.strip() == "syndicheck: interrupted" and "Traceback" not in err
    assert took < TIMEOUT / 4, f"Ctrl-C took {took:.1f} s to stop the command"  # before: the whole read timeout


def test_audit_stops_at_once_on_ctrl_c_and_stores_no_cut_off_page(server, manifest, tmp_path):
    config = tmp_path / "audit.yaml"
    config.write_text(yaml.safe_dump({
        "originals": {"manifests": [str(manifest)]},
        "partners": [{"id": "p", "name": "P", "urls": [f"{server.base}/story", f"{server.base}/slow/story"]}],
        "crawl": {"allow_private_addresses": True, "delay": 0.05, "timeout": TIMEOUT, "deadline": TIMEOUT + 10},
        "check": {"render": "never"}}))
    code, out, err, took = interrupt(["audit", "--config", str(config)], server, tmp_path)
    assert code == 3, (out, err)
    assert "interrupted: run 1 is incomplete; `syndicheck audit --resume` finishes it" in err
    assert "Traceback" not in err
    assert took < TIMEOUT / 4, f"Ctrl-C took {took:.1f} s to stop the audit"
    from checker.history import History
    with History(str(tmp_path / "syndicheck.db")) as history:
        assert history.run(1).status == "incomplete"
        pages = {p.result.target: p.result for p in history.pages_of(1)}
    assert f"{server.base}/slow/story" not in pages  # not stored as an error: --resume fetches it again
    assert pages[f"{server.base}/story"].status.value == "violation"
