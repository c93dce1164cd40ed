"""One registry of report formats (checker/report): the check, the audit and audit.yaml's validation read it."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from checker import cli, config
from checker.audit_output import write_audit_reports
from checker.config_types import AuditConfig
from checker.report import AUDIT_FORMATS, CHECK_FORMATS, REGISTRY, report_format

sys.path.insert(0, str(Path(__file__).parent))
from test_audit_reports import build_report  # noqa: E402


def test_every_registered_format_has_its_writer():
    for fmt in REGISTRY:
        assert callable(fmt.writer()), fmt
    assert CHECK_FORMATS == ("text", "json", "junit", "html", "csv", "markdown", "sarif", "github")
    assert AUDIT_FORMATS == ("html", "json", "csv", "digest")
    # The CLI's choices and audit.yaml's known formats are the registry's, not lists of their own.
    assert cli.FORMATS is CHECK_FORMATS and config.REPORT_FORMATS is AUDIT_FORMATS
    assert AuditConfig(source="audit.yaml").report_formats == AUDIT_FORMATS


def test_an_unknown_format_is_named_with_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown report format 'pdf'; valid formats: html, json, csv, digest"):
        report_format("audit", "pdf")
    with pytest.raises(ValueError, match=r"valid formats: text, json, junit"):
        report_format("check", "digest")


def test_audit_yaml_rejects_a_format_the_registry_does_not_know(tmp_path):
    path = tmp_path / "audit.yaml"
    path.write_text("originals:\n  feeds: [\"https://example.org/feed.xml\"]\npartners:\n  - id: a\n    name: A\n"
                    "    feeds: [\"https://a.example/feed.xml\"]\nreports:\n  formats: [html, pdf]\n")
    with pytest.raises(Exception, match=r"unknown report format 'pdf' \(known: html, json, csv, digest\)"):
        config.load_audit_config(str(path))


def test_the_audit_writes_each_configured_format_with_its_registered_extension(tmp_path):
    report = build_report()
    files, sent = write_audit_reports(report, AuditConfig(source="audit.yaml", reports_dir=str(tmp_path),
                                                          report_formats=("csv", "digest", "html")))
    names = sorted(Path(f).relative_to(tmp_path).as_posix() for f in files)
    assert names == ["audit-12.csv", "audit-12.html", "digests/audit-12/alpha.md", "digests/audit-12/beta.md",
                     "digests/audit-12/gamma.md"]
    assert (tmp_path / "latest.html").read_text() == (tmp_path / "audit-12.html").read_text()
    assert not (tmp_path / "audit-12.json").exists() and sent == []
