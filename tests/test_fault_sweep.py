"""Faults a first-time user meets: bad URLs in manifests and sitemaps, fetched manifests in other encodings or
invalid JSON, and odd command lines. Each is one clear line naming what is wrong, never a traceback."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
import yaml

from checker import api
from checker.config_types import PartnerConfig
from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.originals import OriginalsError, load_all
from checker.sources.discovery import discover, parse_sitemap

from conftest import run_cli

FAST = FetchSettings(connect_timeout=1, read_timeout=2, deadline=5, retries=0, backoff=0.01)
TEXT = "The council voted on Tuesday to approve the new budget for the coming year after a long debate."
ENTRY = {"id": "a", "url": "https://licensor.example/a", "title": "A", "authors": ["Jane Doe"], "text": TEXT}


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as f:
        yield f


# ------------------------------------------------------------------- a malformed URL in a manifest entry


@pytest.mark.parametrize("suffix", [".yaml", ".json"])
@pytest.mark.parametrize("url, why", [("http://[::1/story", "Invalid IPv6 URL"),
                                      ("https://licensor.example:99999/a", "Port out of range"),
                                      ("https:///no-host", "it has no host")])
def test_malformed_url_in_a_manifest_names_file_entry_and_field(tmp_path, suffix, url, why):
    path = tmp_path / f"originals{suffix}"
    entries = [ENTRY, {**ENTRY, "id": "b", "url": url}]
    path.write_text(json.dumps(entries, indent=1) if suffix == ".json" else yaml.safe_dump(entries))
    with pytest.raises(OriginalsError) as caught:  # was a bare ValueError from urlsplit
        load_all([str(path)], cache_dir=tmp_path / "cache")
    message = str(caught.value)
    assert message.startswith(f"{path}:") and "[1].url" in message and "entry 2 (b)" in message
    assert why in message and url in message


def test_library_api_raises_the_clear_error_the_cli_uses(tmp_path):
    path = tmp_path / "originals.yaml"
    path.write_text(yaml.safe_dump([{**ENTRY, "url": "http://[::1/story"}]))
    with pytest.raises(api.OriginalsError, match=r"originals.yaml:\d+: \[0\]\.url: entry 1 \(a\): invalid URL"):
        api.load_originals(str(path), cache_dir=tmp_path / "cache")
    path.write_text(yaml.safe_dump([ENTRY]))
    (original,) = api.load_originals(str(path), cache_dir=tmp_path / "cache")
    page = f"<html><body><p>By Jane Doe</p><p>{TEXT}</p></body></html>"
    assert api.check_html(page, [original], force=True).original == original


@pytest.mark.parametrize("src, why", [("http://[::1/feed", "invalid URL: Invalid IPv6 URL"),
                                      ("https://licensor.example:99999/feed", "invalid URL: Port out of range"),
                                      ("http:///feed", "invalid URL: it has no host")])
def test_malformed_source_url_is_an_originals_error_in_the_library(tmp_path, src, why):
    with pytest.raises(OriginalsError) as caught:  # was a ValueError, caught only by the CLI's own check
        load_all([src], cache_dir=tmp_path)
    assert str(caught.value).startswith(f"{src}: {why}")


def test_cli_names_the_bad_manifest_url(tmp_path, capsys):
    from checker.cli import main

    path = tmp_path / "originals.yaml"
    path.write_text(yaml.safe_dump([{**ENTRY, "url": "http://[::1/story"}]))
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>hello</p></body></html>")
    code = main(["check", str(page), "--originals", str(path), "--cache-dir", str(tmp_path / "c")])
    out, err = capsys.readouterr()
    assert code == 2, err  # was 70: internal error: ValueError: Invalid IPv6 URL
    assert err.startswith(f"syndicheck: error: {path}:") and "invalid URL" in err and "Traceback" not in err


# ------------------------------------------------------ fetched manifests: encodings and declared formats


def _manifest_text() -> str:
    return yaml.safe_dump([{**ENTRY, "authors": ["Jöne Doe"]}], allow_unicode=True)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_fetched_manifest_with_a_byte_order_mark_is_decoded(httpserver, fetcher, tmp_path, encoding):
    body = _manifest_text().encode(encoding)
    if encoding == "utf-16-be":
        body = b"\xfe\xff" + body
    httpserver.expect_request("/originals.yaml").respond_with_data(body, content_type="application/x-yaml")
    (original,) = load_all([httpserver.url_for("/originals.yaml")], fetcher=fetcher, cache_dir=tmp_path)
    assert original.authors == ("Jöne Doe",)  # was: "not UTF-8 text (byte 0)"


def test_fetched_json_manifest_in_utf16_is_decoded(httpserver, fetcher, tmp_path):
    body = json.dumps([ENTRY]).encode("utf-16")
    httpserver.expect_request("/o.json").respond_with_data(body, content_type="application/json")
    (original,) = load_all([httpserver.url_for("/o.json")], fetcher=fetcher, cache_dir=tmp_path)
    assert original.id == "a"


def test_fetched_manifest_in_its_declared_charset_is_decoded(httpserver, fetcher, tmp_path):
    body = _manifest_text().encode("iso-8859-1")
    httpserver.expect_request("/o.yaml").respond_with_data(body, content_type="text/yaml; charset=ISO-8859-1")
    (original,) = load_all([httpserver.url_for("/o.yaml")], fetcher=fetcher, cache_dir=tmp_path)
    assert original.authors == ("Jöne Doe",)


def test_fetched_manifest_undeclared_and_not_utf8_is_named(httpserver, fetcher, tmp_path):
    body = _manifest_text().encode("iso-8859-1")
    httpserver.expect_request("/o.yaml").respond_with_data(body, content_type="application/x-yaml")
    url = httpserver.url_for("/o.yaml")
    with pytest.raises(OriginalsError, match=r"not UTF-8 text \(byte \d+\)"):
        load_all([url], fetcher=fetcher, cache_dir=tmp_path)


@pytest.mark.parametrize("body, detail", [('{"originals": [ {"id": "a",, } ]}', "Expecting property name"),
                                          ('[{"id": "a"', "Expecting ',' delimiter")])
def test_invalid_json_served_as_json_is_called_invalid_json(httpserver, fetcher, tmp_path, body, detail):
    httpserver.expect_request("/o").respond_with_data(body, content_type="application/json; charset=utf-8")
    url = httpserver.url_for("/o")
    with pytest.raises(OriginalsError) as caught:
        load_all([url], fetcher=fetcher, cache_dir=tmp_path)
    assert f"invalid JSON: {detail}" in str(caught.value) and "YAML" not in str(caught.value)  # was "invalid YAML"


def test_invalid_json_named_json_but_served_as_text_is_called_invalid_json(httpserver, fetcher, tmp_path):
    httpserver.expect_request("/originals.json").respond_with_data('[{"id": "a",]', content_type="text/plain")
    with pytest.raises(OriginalsError, match=r"originals.json:1: invalid JSON: Expecting"):
        load_all([httpserver.url_for("/originals.json")], fetcher=fetcher, cache_dir=tmp_path)


# ------------------------------------------------------------------ sitemap <loc>s that are not URLs


URLSET = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>{base}/news/good</loc></url>
<url><loc>http://[::1/broken</loc></url>
<url><loc>{base}:99999/port</loc></url>
<url><loc></loc></url>
<url><loc>{base}/news/good-too</loc></url>
</urlset>"""


def test_parse_sitemap_keeps_the_entries_that_are_not_urls():
    rejected: list[str] = []
    urls, _ = parse_sitemap(URLSET.format(base="https://p.example").encode(), "https://p.example/s.xml", rejected)
    assert [u for u, _ in urls] == ["https://p.example/news/good", "https://p.example/news/good-too"]
    assert rejected == ["http://[::1/broken", "https://p.example:99999/port", ""]


def test_sitemap_with_bad_locs_is_one_line_with_count_and_example(httpserver, fetcher):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/sitemap.xml").respond_with_data(URLSET.format(base=base),
                                                                content_type="application/xml")
    partner = PartnerConfig(id="p1", name="P", sitemaps=(httpserver.url_for("/sitemap.xml"),))
    found = discover(partner, fetcher=fetcher, since=datetime(2020, 1, 1, tzinfo=timezone.utc), max_pages=100)
    assert found.urls == (f"{base}/news/good", f"{base}/news/good-too")
    assert found.errors == (f"sitemap {base}/sitemap.xml: 3 <loc> entries are not a valid http(s) URL, left out "
                            "(e.g. 'http://[::1/broken')",)  # was: dropped without a word


def test_text_sitemap_of_bad_urls_only_says_so():
    rejected: list[str] = []
    urls, _ = parse_sitemap(b"http://[::1/a\nhttp://[::1/b\n", "https://p.example/s.txt", rejected)
    assert urls == [] and rejected == ["http://[::1/a", "http://[::1/b"]


# ---------------------------------------------------------------- a new user's odd command lines (sweep)


@pytest.fixture
def manifest(tmp_path):
    path = tmp_path / "originals.yaml"
    path.write_text(yaml.safe_dump([ENTRY]))
    return path


@pytest.fixture
def own_story(tmp_path):
    page = tmp_path / "own.html"
    page.write_text("<html><body><h1>Our own story</h1><p>Nothing licensed here at all, just local news.</p>"
                    "</body></html>")
    return page


@pytest.mark.parametrize("output", [".", "..", "/"])
def test_output_that_is_a_directory_without_a_name_is_a_clear_error(tmp_path, manifest, own_story, capsys,
                                                                     monkeypatch, output):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", str(own_story), "--originals", str(manifest), "--render", "never",
                              "-o", output, "--cache-dir", str(tmp_path / "c")], capsys)
    assert code == 2, err  # was 70: internal error: ValueError: PosixPath('.') has an empty name
    assert err.strip() == f"syndicheck: error: the text report {output} could not be written: Is a directory"


def test_empty_output_path_is_a_usage_error(tmp_path, manifest, own_story, capsys):
    code, out, err = run_cli(["check", str(own_story), "--originals", str(manifest), "-o", ""], capsys)
    assert code == 2 and out == ""  # was: the report on standard output, as if -o had not been given
    assert err.strip() == "syndicheck: error: -o: empty path (give a file name, or - for standard output)"


def test_ignoring_every_rule_is_not_a_silent_green(tmp_path, manifest, own_story, capsys):
    args = ["check", str(own_story), "--originals", str(manifest), "--render", "never"]
    code, out, err = run_cli(args + ["--ignore", "logo", "--ignore", "byline", "--ignore", "affiliation"], capsys)
    assert code == 2 and out == ""  # was 0: every copy COMPLIANT with nothing checked
    assert err.strip() == ("syndicheck: error: --ignore logo, byline, affiliation: that is every rule of pack "
                           "'dcnf', so nothing would be checked")
    code, _, err = run_cli(args + ["--ignore", "logo", "--ignore", "byline"], capsys)
    assert code == 0, err


def test_empty_target_is_named_as_empty_not_missing(tmp_path, manifest, capsys):
    code, out, err = run_cli(["check", "", "--originals", str(manifest), "--render", "never"], capsys)
    assert code == 3
    assert out.splitlines()[0].split() == ["ERROR", ":", "an", "empty", "target", "(a", "blank", "argument", "or",
                                           "line)"]


def test_empty_originals_source_is_not_called_a_directory(tmp_path, own_story, capsys):
    code, out, err = run_cli(["check", str(own_story), "--originals", ""], capsys)
    assert code == 2  # was: "syndicheck: error: : is a directory; expected a manifest file or a feed URL"
    assert err.strip() == ("syndicheck: error: '': an empty originals source: give a manifest file, a feed URL "
                           "or an article's URL")


@pytest.mark.parametrize("command", [["audit"], ["history"]])
def test_audit_config_given_as_a_url_says_so(capsys, command):
    code, out, err = run_cli([*command, "--config", "https://dcnf.example/audit.yaml"], capsys)
    assert code == 2  # was: "http:/dcnf.example/audit.yaml: cannot read file: No such file or directory"
    assert "https://dcnf.example/audit.yaml: a URL, not a file" in err and "http:/d" not in err


@pytest.mark.parametrize("given, why", [("https://x.example/syndicheck.toml",
                                         "a URL, not a file (the config file is read from disk)"),
                                        ("{tmp}", "a directory, not a file"),
                                        ("{tmp}/none.toml", "no such file")])
def test_check_config_that_is_not_a_file_says_what_it_is(tmp_path, manifest, own_story, capsys, given, why):
    given = given.format(tmp=tmp_path)
    code, out, err = run_cli(["check", str(own_story), "--originals", str(manifest), "--config", given], capsys)
    assert code == 2 and err.strip() == f"syndicheck: error: --config {given}: {why}"


def test_a_tab_in_yaml_indentation_is_named(tmp_path, capsys):
    config = tmp_path / "audit.yaml"
    config.write_text("partners:\n\t- id: p1\n")
    code, out, err = run_cli(["audit", "--config", str(config)], capsys)
    assert code == 2  # libyaml says only "found character that cannot start any token"
    assert err.strip().endswith(":2: invalid YAML: found character that cannot start any token "
                                "(a tab: YAML is indented with spaces)")


def test_scan_warc_warning_names_the_missing_file(tmp_path, manifest, capsys, caplog):
    missing = tmp_path / "nope.warc.gz"
    code, out, err = run_cli(["scan-warc", str(missing), str(tmp_path), "--originals", str(manifest),
                              "--render", "never"], capsys)
    assert code == 3
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [f"cannot read WARC file {missing}: no such file",  # was "no such file" alone
                        f"cannot read WARC file {tmp_path}: is a directory"]


def _copy_page(extra: str = "") -> str:
    return f"<html><body><article><h1>A</h1>{extra}<p>By Jane Doe</p><p>{TEXT}</p></article></body></html>"


def test_symlink_loops_among_targets_are_page_errors(tmp_path, manifest, capsys):
    site = tmp_path / "site"
    site.mkdir()
    (site / "a.html").write_text(_copy_page())
    (site / "loop1.html").symlink_to("loop2.html")
    (site / "loop2.html").symlink_to("loop1.html")
    code, out, err = run_cli(["check", str(site), "--originals", str(manifest), "--render", "never"], capsys)
    assert code == 1, err  # was 70: internal error: RuntimeError: Symlink loop from '.../loop1.html'
    assert "internal error" not in err
    errors = sorted(line for line in out.splitlines() if line.startswith("ERROR"))
    assert len(errors) == 2 and all(line.endswith("cannot read file: Too many levels of symbolic links")
                                    for line in errors)


def test_a_logo_path_in_a_symlink_loop_is_an_unreadable_image(tmp_path, manifest, capsys):
    site = tmp_path / "site"
    site.mkdir()
    (site / "l1.png").symlink_to("l2.png")
    (site / "l2.png").symlink_to("l1.png")
    (site / "p.html").write_text(_copy_page('<img src="/l1.png" alt="">'))
    code, out, err = run_cli(["check", str(site / "p.html"), "--originals", str(manifest), "--render", "never",
                              "--site-root", str(site), "--format", "json"], capsys)
    (page,) = json.loads(out)["pages"]
    logo = next(f for f in page["findings"] if f["rule"] == "logo")
    # was `review`: "check logo.licensor_image could not run: RuntimeError: Symlink loop from ..."
    assert logo["outcome"] == "fail" and "could not run" not in logo["message"]


@pytest.mark.parametrize("status", [200, 204])
def test_empty_originals_response_is_not_called_an_empty_manifest(httpserver, tmp_path, own_story, capsys, status):
    httpserver.expect_request("/feed").respond_with_data(b"", status=status, content_type="text/html")
    url = httpserver.url_for("/feed")
    code, out, err = run_cli(["check", str(own_story), "--originals", url, "--cache-dir", str(tmp_path / "c")], capsys)
    assert code == 2  # was: "...:1: empty manifest: expected a list of originals or a mapping with 'originals'"
    assert err.strip() == (f"syndicheck: error: {url}: empty document (0 bytes, text/html): expected a manifest, "
                           "an RSS/Atom feed or an article page")


def _text_on_a_tty(args: list[str], env: dict) -> bytes:
    """The command's standard output when it is a terminal (a pseudo-terminal), as a user at one sees it."""
    import os
    import pty
    import subprocess
    import sys
    from pathlib import Path

    master, slave = pty.openpty()
    root = Path(__file__).resolve().parents[1]
    environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TERM")}
    proc = subprocess.Popen([sys.executable, "-m", "checker", *args], stdout=slave, stderr=subprocess.DEVNULL,
                            env={**environ, "PYTHONPATH": str(root), **env})
    os.close(slave)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(master)
    proc.wait(timeout=60)
    return b"".join(chunks)


def test_no_colour_on_a_dumb_terminal(tmp_path, manifest):
    page = tmp_path / "copy.html"
    page.write_text(_copy_page())
    args = ["check", str(page), "--originals", str(manifest), "--render", "never", "--cache-dir", str(tmp_path / "c")]
    assert b"\x1b[" in _text_on_a_tty(args, {"TERM": "xterm"})
    dumb = _text_on_a_tty(args, {"TERM": "dumb"})
    assert b"VIOLATION" in dumb and b"\x1b[" not in dumb  # was coloured: escapes shown raw by a dumb terminal


@pytest.mark.parametrize("extra, where", [(["--format", "json", "--report", "json=-"], "standard output"),
                                          (["--report", "sarif=-"], "standard output"),
                                          (["-o", "r.xml", "--format", "junit", "--report", "sarif=./r.xml"],
                                           "./r.xml")])
def test_two_reports_to_one_place_are_a_usage_error(tmp_path, manifest, own_story, capsys, monkeypatch, extra,
                                                   where):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["check", str(own_story), "--originals", str(manifest), "--render", "never", *extra],
                             capsys)
    assert code == 2 and out == ""  # was: two reports run together on standard output, or one replacing the other
    assert err.startswith("syndicheck: error: the ") and f"reports would both go to {where}:" in err


def test_reports_discarded_to_dev_null_may_share_it(tmp_path, manifest, own_story, capsys):
    code, out, err = run_cli(["check", str(own_story), "--originals", str(manifest), "--render", "never",
                              "-o", "/dev/null", "--report", "sarif=/dev/null"], capsys)
    assert code == 0, err


def test_audit_quiet_still_warns_of_notifications_not_sent_once_each(httpserver, tmp_path):
    import os
    import socket
    import subprocess
    import sys
    from pathlib import Path

    def closed_port() -> int:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    httpserver.expect_request("/story").respond_with_data(_copy_page(), content_type="text/html")
    (tmp_path / "originals.yaml").write_text(yaml.safe_dump([ENTRY]))
    smtp, hook = closed_port(), closed_port()
    (tmp_path / "audit.yaml").write_text(yaml.safe_dump({
        "originals": {"manifests": ["originals.yaml"]},
        "partners": [{"id": "p1", "name": "P1", "contacts": ["ed@p1.example"], "urls": [httpserver.url_for("/story")]}],
        "crawl": {"allow_private_addresses": True, "delay": 0, "obey_robots": False, "retries": 0},
        "check": {"render": "never"},
        "notifications": {"enabled": True,
                          "email": {"smtp_host": "127.0.0.1", "smtp_port": smtp, "sender": "s@dcnf.example",
                                    "licensing_team": ["team@dcnf.example"]},
                          "webhook": {"url": f"http://127.0.0.1:{hook}/hook", "timeout": 2}}}))
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "checker", "audit", "--config", "audit.yaml", "-q"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr
    # were: info lines (hidden by -q), each logged twice, with exception class names and urllib3's repr
    assert done.stderr.splitlines() == [
        f"syndicheck: warning: email to ed@p1.example (digest for p1) failed: cannot reach SMTP server "
        f"127.0.0.1:{smtp}: Connection refused",
        f"syndicheck: warning: email to team@dcnf.example (summary) failed: cannot reach SMTP server "
        f"127.0.0.1:{smtp}: Connection refused",
        f"syndicheck: warning: webhook to http://127.0.0.1:{hook}/hook failed: connection refused"]


def test_a_dask_scheduler_address_that_cannot_be_parsed_is_named(tmp_path, manifest, capsys):
    pytest.importorskip("distributed")
    code, out, err = run_cli(["scan-warc", str(tmp_path / "none.warc"), "--originals", str(manifest), "--render",
                              "never", "--executor", "dask", "--scheduler", "not a url"], capsys)
    assert code == 3  # was 70: internal error: ValueError: missing port number in address 'not a url'
    assert err.startswith("syndicheck: error: invalid dask scheduler address 'not a url': ")
    assert "internal error" not in err


def test_url_list_in_utf16_and_a_line_not_utf8(tmp_path, fetcher):
    (tmp_path / "u16.txt").write_bytes("# pages\r\nhttps://p.example/a\r\n".encode("utf-16"))
    (tmp_path / "mixed.txt").write_bytes(b"https://p.example/b\nhttps://p.example/caf\xe9\nhttps://p.example/c\n")
    partner = PartnerConfig(id="p1", name="P", urls=("@u16.txt", "@mixed.txt"))
    found = discover(partner, fetcher=fetcher, since=datetime(2020, 1, 1, tzinfo=timezone.utc), max_pages=100,
                     base_dir=tmp_path)
    # were: the whole of each file lost ("'utf-8' codec can't decode byte 0xff in position 0" and "... 0xe9 ...")
    assert found.urls == ("https://p.example/a", "https://p.example/b", "https://p.example/c")
    assert found.errors == ("url list @mixed.txt line 2: not UTF-8 text (byte 22 of the line)",)


def test_targets_on_standard_input_in_utf16(tmp_path, manifest):
    import os
    import subprocess
    import sys
    from pathlib import Path

    (tmp_path / "own.html").write_text("<html><body><p>Our own local story, nothing licensed.</p></body></html>")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "checker", "check", "-", "--originals", str(manifest), "--render",
                           "never"], cwd=tmp_path, input="# list\r\nown.html\r\n".encode("utf-16"),
                          capture_output=True, timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    assert done.returncode == 0, done.stderr  # was 3: "ERROR  \ufffd\ufffdo\x00w\x00n...: no such file"
    assert done.stdout.decode().startswith("NOT-A-COPY  own.html")


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_one_unreachable_originals_url_does_not_stop_the_others(tmp_path, manifest, own_story, capsys):
    dead = f"http://127.0.0.1:{_closed_port()}/feed"
    copy = tmp_path / "copy.html"
    copy.write_text(_copy_page())  # a copy of the manifest's original, without the DCNF affiliation
    base = ["--originals", str(manifest), "--originals", dead, "--render", "never", "--cache-dir", str(tmp_path / "c")]
    code, out, err = run_cli(["check", str(copy), *base], capsys)
    assert code == 1, err  # was 3 with nothing checked: the manifest's copies lost to another source's outage
    assert out.startswith("VIOLATION   ") and f"syndicheck: error: {dead}: cannot fetch: connection refused" in err
    code, out, err = run_cli(["check", str(own_story), *base], capsys)
    assert code == 3 and out.startswith("NOT-A-COPY  ")  # no violation: the unread source still makes it 3
    code, out, err = run_cli(["check", str(own_story), "--originals", dead, "--cache-dir", str(tmp_path / "c")],
                             capsys)
    assert code == 3 and out == "" and err.strip() == f"syndicheck: error: {dead}: cannot fetch: connection refused"


def test_license_given_a_directory_that_is_no_pack(tmp_path, capsys, monkeypatch):
    code, out, err = run_cli(["rules", "--license", str(tmp_path)], capsys)
    assert code == 2  # was: "TMP/license.yaml: cannot read file: No such file or directory"
    assert err.strip() == (f"syndicheck: error: {tmp_path}: a directory without a license.yaml, so not a license "
                           "pack (give a pack's name or the directory holding its license.yaml)")
    (tmp_path / "dcnf").mkdir()  # a directory of the user's own beside them does not hide the bundled pack
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["rules", "--license", "dcnf"], capsys)
    assert code == 0 and out.startswith("License pack 'dcnf'")
