"""audit.yaml validation: every problem names file, line and key."""
from __future__ import annotations

import pytest

from checker.config import load_audit_config
from checker.strict_yaml import ConfigError

GOOD = """\
originals:
  feeds: [https://dcnf.example/feed]
  window_days: 7
partners:
  - id: p1
    name: Partner One
    contacts: [ed@p1.example]
    feeds: [https://p1.example/feed]
    urls: ["@urls.txt"]
    crawl: {delay: 2}
crawl:
  concurrency: 8
  hosts: {"p1.example": {delay: 3}}
waivers:
  - {partner: p1, url: "https://p1.example/opinion/*", rule: logo, reason: agreed, owner: lic@dcnf.example, expires: 2030-01-01}
storage: {database: hist/db.sqlite}
reports: {directory: out, formats: [html, json]}
"""


def write(tmp_path, text):
    path = tmp_path / "audit.yaml"
    path.write_text(text)
    return path


def test_good_config(tmp_path):
    cfg = load_audit_config(write(tmp_path, GOOD))
    assert cfg.originals.window_days == 7 and cfg.crawl.concurrency == 8
    p = cfg.partners[0]
    assert p.crawl.delay == 2 and p.urls == ("@" + str(tmp_path / "urls.txt"),)
    assert cfg.crawl.for_host("p1.example").delay == 3
    assert cfg.waivers[0].rule == "logo" and cfg.waivers[0].line == 15
    assert cfg.database == str(tmp_path / "hist/db.sqlite") and cfg.report_formats == ("html", "json")


@pytest.mark.parametrize("old,new,message", [
    ("  window_days: 7", "  window_dayz: 7", r"audit.yaml:3: originals.window_dayz: unknown key \(did you mean 'window_days'\?\)"),
    ("    crawl: {delay: 2}", "    crawl: {delay: -1}", r"audit.yaml:10: partners\[0\].crawl.delay: must be at least 0"),
    ("    contacts: [ed@p1.example]", "    contacts: [nobody]", r"'nobody' is not an email address"),
    ("expires: 2030-01-01", "expires: someday", r"'someday' is not a date"),
    ("{partner: p1,", "{partner: p9,", r"no partner with id 'p9'"),
    ("formats: [html, json]", "formats: [html, pdf]", r"unknown report format 'pdf'"),
    ("  concurrency: 8", "  concurrency: yes", r"crawl.concurrency: expected a whole number, got a boolean"),
    ("  feeds: [https://dcnf.example/feed]", "  feeds: [ftp://dcnf.example/feed]", r"unsupported URL scheme"),
    ("storage: {", "check: {time_budget: -1}\nstorage: {", r"audit.yaml:\d+: check.time_budget: must be at least 0"),
    ("storage: {", "check: {budget: 5}\nstorage: {", r"check.budget: unknown key \(did you mean 'time_budget'\?\)"),
])
def test_errors_name_file_line_key(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(ConfigError, match=message):
        load_audit_config(write(tmp_path, GOOD.replace(old, new)))


@pytest.mark.parametrize("section,budget", [("", 20.0), ("check: {time_budget: 2.5}\n", 2.5),
                                            ("check: {time_budget: 0}\n", None)])
def test_time_budget(tmp_path, section, budget):
    """check.time_budget: the per-page CPU budget; absent = the checker's default, 0 = unlimited."""
    from checker.pipeline import DEFAULT_TIME_BUDGET
    assert DEFAULT_TIME_BUDGET == 20.0
    assert load_audit_config(write(tmp_path, GOOD + section)).time_budget == budget


def test_missing_sections(tmp_path):
    with pytest.raises(ConfigError, match="missing required key 'partners'"):
        load_audit_config(write(tmp_path, "originals: {feeds: [https://x.example/f]}\n"))
    with pytest.raises(ConfigError, match="has no discovery source"):
        load_audit_config(write(tmp_path, "originals: {feeds: [https://x.example/f]}\npartners: [{id: a}]\n"))
    with pytest.raises(ConfigError, match="duplicate partner id 'a'"):
        load_audit_config(write(tmp_path, "originals: {feeds: [https://x.example/f]}\n"
                                          "partners: [{id: a, urls: [https://a.example/1]}, {id: a, urls: [https://a.example/2]}]\n"))
