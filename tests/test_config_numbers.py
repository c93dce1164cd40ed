"""Numbers in audit.yaml, a manifest, check's TOML file and on the command line: `nan` and `inf` (which every range
check lets by) and a fraction where a whole number is due are errors naming the key; every `check` option may be
set in the TOML file, as the README says (render, allow-private-redirects, changed-only were refused)."""
from __future__ import annotations

import json

import pytest

from checker.cli import main
from checker.config import load_audit_config
from checker.strict_yaml import ConfigError

AUDIT = """\
originals: {manifests: [originals.yaml]}
partners: [{id: p, name: P, urls: ['https://p.example/a']}]
crawl: {%s}
"""


@pytest.mark.parametrize("setting, message", [
    ("delay: .nan", "crawl.delay: expected a finite number, got nan"),  # before: accepted
    ("deadline: .nan", "crawl.deadline: expected a finite number, got nan"),  # before: every page an error
    ("timeout: .inf", "crawl.timeout: expected a finite number, got inf"),
    ("retry_after_cap: -.inf", "crawl.retry_after_cap: expected a finite number, got -inf"),
    ("max_bytes: 1.5", "crawl.max_bytes: expected a whole number, got 1.5"),  # before: "expected a number, got a number"
    ("concurrency: .nan", "crawl.concurrency: expected a whole number, got nan"),
    ("delay: 1e400", "crawl.delay: expected a number, got a string"),  # before: "a number or a number"
])
def test_audit_yaml_numbers(tmp_path, setting, message):
    path = tmp_path / "audit.yaml"
    path.write_text(AUDIT % setting)
    with pytest.raises(ConfigError) as err:
        load_audit_config(path)
    assert str(err.value) == f"{path}:3: {message}"


@pytest.fixture
def site(staff_copy_site):
    return staff_copy_site


@pytest.mark.parametrize("line, message", [
    ("time-budget = nan", "time-budget: expected a finite number, got nan"),
    ("timeout = inf", "timeout: expected a finite number, got inf"),
    ('render = "maybe"', "render: 'maybe' is not one of never, auto, always"),
    ('allow-private-redirects = "yes"', "allow-private-redirects: expected true or false, got str 'yes'"),
])
def test_check_toml_values(site, capsys, line, message):
    (site / "syndicheck.toml").write_text(f'originals = ["originals.yaml"]\n{line}\n')
    assert main(["check", "copy.html", "-q"]) == 2
    assert capsys.readouterr().err.strip() == f"syndicheck: error: {site / 'syndicheck.toml'}:2: {message}"


def test_every_check_option_may_be_set_in_the_toml_file(site, capsys):
    """Before: `render = "never"` was 'unknown option', though the README says any option of check may be set."""
    (site / "syndicheck.toml").write_text('targets = ["copy.html"]\noriginals = ["originals.yaml"]\n'
                                          'render = "never"\nallow-private-redirects = false\nformat = "json"\n')
    assert main(["check"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [p["status"] for p in doc["pages"]] == ["violation"]


@pytest.mark.parametrize("flag", ["--timeout", "--time-budget"])
@pytest.mark.parametrize("value", ["nan", "inf"])
def test_flags_refuse_nan_and_inf(site, capsys, flag, value):
    """Before: `--timeout nan` made every URL 'invalid URL …' (exit 3) and `--time-budget nan` was taken."""
    with pytest.raises(SystemExit) as exit_:
        main(["check", "copy.html", "--originals", "originals.yaml", "--render", "never", flag, value])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {flag}: expected a finite number of seconds, got '{value}'" in err


@pytest.mark.parametrize("url, message", [
    ("http://[::1", "invalid URL 'http://[::1': Invalid IPv6 URL"),  # before: internal error mid-run (exit 70)
    ("http://127.0.0.1:99999/", "invalid URL 'http://127.0.0.1:99999/': Port out of range 0-65535"),
    ("https:///story", "invalid URL 'https:///story': it has no host"),
])
def test_audit_yaml_urls_that_cannot_be_fetched_are_config_errors(tmp_path, url, message):
    path = tmp_path / "audit.yaml"
    path.write_text(f"originals: {{manifests: [originals.yaml]}}\npartners:\n  - id: p\n    name: P\n"
                    f"    sitemaps: ['https://p.example/sitemap.xml']\n    urls: ['{url}']\n")
    with pytest.raises(ConfigError) as err:
        load_audit_config(path)
    assert str(err.value) == f"{path}:6: partners[0].urls[0]: {message}"


def test_a_malformed_url_target_is_that_targets_error(site, capsys):
    """Before: `check 'http://[::1' copy.html` ended the whole run with 'internal error: ValueError' (exit 70)."""
    code = main(["check", "http://[::1", "file://[x", "copy.html", "--originals", "originals.yaml",
                 "--render", "never", "--format", "json"])
    assert code == 1
    pages = {p["target"]: p for p in json.loads(capsys.readouterr().out)["pages"]}
    assert pages["http://[::1"]["error"] == "invalid URL: Invalid IPv6 URL"
    assert pages["file://[x"]["status"] == "error" and pages["copy.html"]["status"] == "violation"


@pytest.mark.parametrize("command", ["check", "scan-warc"])
def test_a_malformed_originals_url_is_a_usage_error(site, capsys, command):
    """Before: `check --originals 'http://[::1'` was 'internal error: ValueError' (exit 70)."""
    assert main([command, "copy.html", "--originals", "http://[::1", "--render", "never"]) == 2
    assert capsys.readouterr().err.strip() == (
        "syndicheck: error: --originals 'http://[::1': invalid URL: Invalid IPv6 URL")


def test_a_malformed_webhook_url_is_a_config_error(tmp_path):
    """Before: accepted, then 'syndicheck: error: notifications failed' after the run, without the reason."""
    path = tmp_path / "audit.yaml"
    path.write_text("originals: {manifests: [originals.yaml]}\npartners: [{id: p, name: P, urls: ['https://p.example/']}]\n"
                    "notifications:\n  enabled: true\n  webhook: {url: 'https://[hooks.example/x'}\n")
    with pytest.raises(ConfigError) as err:
        load_audit_config(path)
    assert str(err.value) == f"{path}:5: notifications.webhook.url: invalid URL 'https://[hooks.example/x': " \
                             "Invalid IPv6 URL"
