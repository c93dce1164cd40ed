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
    assert api.check_html(f"<html><body><p>By Jane Doe</p><p>{TEXT}</p></body></html>", [original], force=True).original \
        == original


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
