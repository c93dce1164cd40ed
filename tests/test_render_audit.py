"""Render mode in the nightly audit: the demo's two nights with `auto`, confirmed violations with pictures."""
from __future__ import annotations

import argparse
import io
import json
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_demo_second_night_shows_a_rendered_confirmed_violation(tmp_path, monkeypatch):
    from checker.demo.run import run_demo
    from checker.render import browser_problem
    problem = browser_problem()
    if problem:
        pytest.skip(problem)
    monkeypatch.setenv("SYNDICHECK_RENDER", "auto")
    out = io.StringIO()
    assert run_demo(argparse.Namespace(workdir=str(tmp_path / "demo")), out=out) == 0, out.getvalue()
    text = out.getvalue()
    night2 = text[text.index("Night 2"):]
    m = re.search(r"rendered in a browser: (\d+) pages, (\d+) violations confirmed \((\d+) screenshots", night2)
    assert m and int(m.group(2)) >= 1 and int(m.group(3)) >= 1, text
    assert "self-check: 45/45" in night2

    reports = tmp_path / "demo" / "reports"
    doc = json.loads((reports / "audit-2.json").read_text())
    confirmed = [p for p in doc["pages"] if p.get("rendered") and p["status"] == "violation"]
    assert confirmed
    shots = [e["screenshot"] for p in confirmed for f in p["findings"] for e in f["evidence"] if e.get("screenshot")]
    assert shots and all(re.fullmatch(r"evidence/screenshots/[0-9a-f]{32}\.png", s) for s in shots)
    for s in shots:
        assert (reports / s).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # beside the WARC files
    html = (reports / "audit-2.html").read_text()
    assert len(re.findall(r'<img class="shot" tabindex="0" src="data:image/png;base64,', html)) >= len(set(shots))
    digests = "".join(p.read_text() for p in (reports / "digests" / "audit-2").glob("*.md"))
    assert "](../../evidence/screenshots/" in digests
