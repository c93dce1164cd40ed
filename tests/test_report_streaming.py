"""Audit reports streamed from the history database: the same files as from a run held in memory."""
from __future__ import annotations

import dataclasses
import io
import json
import sys
from pathlib import Path

import pytest

from checker.history import History
from checker.models import AuditPage, Match, PageResult, Status
from checker.report import audit_data
from checker.report.audit_data import render_audit_csv, render_audit_json
from checker.report.audit_html import render_audit_html
from checker.report.digest import render_digest
from checker.stored_pages import StoredPages

sys.path.insert(0, str(Path(__file__).parent))
from test_audit_reports import ORIGINAL_1, build_report  # noqa: E402


def _stored(tmp_path: Path, report, extra: tuple[AuditPage, ...] = ()) -> tuple[object, object]:
    """The report's pages recorded in a real history database: (report from StoredPages, same from a tuple)."""
    db = tmp_path / "state" / "audit.db"
    with History(db) as history:
        run_id = history.start_run("dcnf", "f" * 32, None, "0.1.0")
        for page in report.pages + extra:
            history.record_page(run_id, page)
        loaded = tuple(history.pages_of(run_id))
    stored = dataclasses.replace(report, run_id=run_id, pages=StoredPages(str(db), run_id))
    return stored, dataclasses.replace(stored, pages=loaded)


def _render(fn, report, *args) -> str:
    out = io.StringIO()
    fn(report, out, *args)
    return out.getvalue()


@pytest.fixture
def reports(tmp_path):
    near = PageResult("https://gamma.example/excerpt", "https://gamma.example/excerpt", Status.NEAR_COPY, ORIGINAL_1,
                      Match(ORIGINAL_1, 0.41))
    orphan = PageResult("https://delta.example/x", "https://delta.example/x", Status.ERROR, error="HTTP 500")
    extra = (AuditPage("gamma", near), AuditPage("delta", orphan))  # delta: a partner only its pages name
    return _stored(tmp_path, build_report(), extra)


def test_every_report_of_a_stored_run_is_the_one_made_in_memory(reports):
    stored, in_memory = reports
    for fn in (render_audit_html, render_audit_json, render_audit_csv):
        assert _render(fn, stored) == _render(fn, in_memory), fn.__name__
    for partner in ("alpha", "beta", "gamma", "delta"):
        for fmt in ("markdown", "text"):
            assert render_digest(stored, partner, fmt) == render_digest(in_memory, partner, fmt)
    assert audit_data.run_line(stored) == audit_data.run_line(in_memory)
    html = _render(render_audit_html, stored)
    assert "near-copy-list" in html and "delta.example/x" in html and 'id="p-delta"' in html


def test_streamed_json_is_what_json_dump_writes(reports):
    stored, in_memory = reports
    whole = io.StringIO()
    json.dump(audit_data.document(in_memory), whole, indent=2, ensure_ascii=False)
    assert _render(render_audit_json, stored) == whole.getvalue() + "\n"
    empty = dataclasses.replace(in_memory, pages=())
    whole = io.StringIO()
    json.dump(audit_data.document(empty), whole, indent=2, ensure_ascii=False)
    assert _render(render_audit_json, empty) == whole.getvalue() + "\n"


def test_stored_pages_read_in_batches_in_recorded_order(tmp_path, monkeypatch):
    monkeypatch.setattr("checker.stored_pages.BATCH", 4)  # several batches over 11 pages
    stored, in_memory = _stored(tmp_path, build_report(), tuple(
        AuditPage("gamma", PageResult(f"https://gamma.example/{i}", f"https://gamma.example/{i}", Status.NOT_A_COPY))
        for i in range(2)))
    assert list(stored.pages) == list(in_memory.pages) and len(stored.pages) == len(in_memory.pages) == 11
    assert [p.result.target for p in stored.pages.select("beta")] == \
        [p.result.target for p in in_memory.pages if p.partner == "beta"]
    assert list(stored.pages.select("nobody")) == []
    monkeypatch.chdir(tmp_path)
    relative = StoredPages("state/audit.db", stored.pages.run_id)  # as audit.yaml may give it
    monkeypatch.chdir(tmp_path / "state")  # the run's pages stay readable from another working directory
    assert list(relative) == list(in_memory.pages)


def test_one_pass_counts_every_report(reports, monkeypatch):
    stored, _ = reports
    passes = []
    select = StoredPages.select

    def counted(self, partner=None):
        passes.append(partner)
        return select(self, partner)

    monkeypatch.setattr(StoredPages, "select", counted)
    _render(render_audit_json, stored)
    _render(render_audit_csv, stored)
    audit_data.headline(stored)
    # The tally's pass, then one pass each for the JSON pages and the CSV rows: the numbers are counted once.
    assert passes == [None, None, None]
