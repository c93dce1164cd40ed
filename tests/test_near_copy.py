"""Near-copies: a page with part of an original (an excerpt, the first half) gets its own status and score,
is listed apart in every report and never counts as a violation (issue 12, item 2)."""
from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from checker.cli import main
from checker.models import AuditPage, Match, PageResult, Status
from checker.report.audit_data import render_audit_json, run_line
from checker.report.audit_html import render_audit_html
from checker.report.digest import render_digest
from checker.ruleset import load_pack
from checker.strict_yaml import ConfigError
from conftest import write_manifest

from test_audit_reports import ORIGINAL_1, build_report

ROOT = Path(__file__).resolve().parents[1]
BYLINE_AND_LOGO = ('<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'
                   '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">')


def paragraphs(original, n: int) -> str:
    """The original's first `n` paragraphs (it has five)."""
    return "".join(f"<p>{p.strip()}</p>" for p in [p for p in original.text.split("\n\n") if p.strip()][:n])


def page(original, n: int, extra: str = BYLINE_AND_LOGO) -> str:
    return (f"<!doctype html><html><head><title>t</title></head><body><main><article><h1>{original.title}</h1>"
            f"{extra}{paragraphs(original, n)}<p>Read the rest of the story at the Daily Caller News Foundation."
            f"</p></article></main></body></html>")


@pytest.fixture
def site(tmp_path, original):
    manifest = tmp_path / "originals.yaml"
    write_manifest(manifest, original)
    pages = tmp_path / "site"
    pages.mkdir()
    (pages / "excerpt-2of5.html").write_text(page(original, 2))
    (pages / "teaser-1of5.html").write_text(page(original, 1))
    (pages / "copy-3of5.html").write_text(page(original, 3, '<p class="byline">By Staff</p>'))
    return manifest, pages


def run(capsys, *args) -> tuple[int, str]:
    code = main(["check", *args])
    return code, capsys.readouterr().out


def test_near_copy_status_with_its_score_never_a_violation(site, capsys, original):
    manifest, pages = site
    code, out = run(capsys, str(pages / "excerpt-2of5.html"), "--originals", str(manifest), "--format", "json")
    doc = json.loads(out)
    (p,) = doc["pages"]
    assert p["status"] == "near-copy" and p["findings"] == [] and p["original"]["id"] == original.id
    assert 0.2 <= p["match"]["score"] < 0.5
    assert doc["summary"]["near_copy"] == 1 and doc["summary"]["violation"] == 0
    assert code == 0  # not a violation; the page was read, so not incomplete either


def test_the_band_edges(site, capsys):
    manifest, pages = site
    code, out = run(capsys, str(pages), "--originals", str(manifest), "--format", "json")
    by = {Path(p["target"]).name: p["status"] for p in json.loads(out)["pages"]}
    assert by == {"excerpt-2of5.html": "near-copy", "teaser-1of5.html": "not-a-copy",
                  "copy-3of5.html": "violation"}
    assert code == 1  # the real copy's violation, nothing from the near-copy


def test_near_copies_are_listed_apart_in_the_check_reports(site, capsys):
    manifest, pages = site
    _, text = run(capsys, str(pages), "--originals", str(manifest))
    line = next(x for x in text.splitlines() if x.startswith("NEAR-COPY"))
    assert "excerpt-2of5.html: near copy: " in line and "% of the text of" in line and "not a violation" in line
    assert text.rstrip().endswith("1 near-copy")
    _, md = run(capsys, str(pages), "--originals", str(manifest), "--format", "markdown")
    near = md.split("### Near-copies", 1)[1].split("###", 1)[0]
    assert "excerpt-2of5.html" in near and "copy-3of5.html" not in near
    assert "excerpt-2of5.html" not in md.split("### Pages", 1)[1].split("### Near-copies", 1)[0]
    _, junit = run(capsys, str(pages), "--originals", str(manifest), "--format", "junit")
    skipped = [s.get("message") for s in ET.fromstring(junit).iter("skipped")]
    assert any(m.startswith("near copy: ") for m in skipped)
    _, csv_text = run(capsys, str(pages), "--originals", str(manifest), "--format", "csv")
    assert "near copy: " in csv_text
    _, html = run(capsys, str(pages), "--originals", str(manifest), "--format", "html")
    assert "Near copy: the page reproduces part of the original" in html


def test_the_band_is_a_pack_setting(tmp_path):
    pack_dir = tmp_path / "pack"
    import shutil

    shutil.copytree(ROOT / "rules" / "dcnf", pack_dir)
    license_yaml = pack_dir / "license.yaml"
    text = license_yaml.read_text()
    assert load_pack(str(pack_dir)).match.near_copy_containment == 0.2  # the documented default
    license_yaml.write_text(text.replace("near_copy_containment: 0.2", "near_copy_containment: 0"))
    assert load_pack(str(pack_dir)).match.near_copy_containment == 0
    license_yaml.write_text(text.replace("near_copy_containment: 0.2", "near_copy_containment: 0.6"))
    with pytest.raises(ConfigError, match="near_copy_containment"):
        load_pack(str(pack_dir))


def test_band_off_makes_the_excerpt_not_a_copy(site, capsys, tmp_path):
    import shutil

    manifest, pages = site
    pack_dir = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "dcnf", pack_dir)
    lic = pack_dir / "license.yaml"
    lic.write_text(lic.read_text().replace("near_copy_containment: 0.2", "near_copy_containment: 0"))
    _, out = run(capsys, str(pages / "excerpt-2of5.html"), "--originals", str(manifest), "--format", "json",
                 "--license", str(pack_dir))
    assert json.loads(out)["pages"][0]["status"] == "not-a-copy"


def _with_near_copy():
    report = build_report()
    near = PageResult("https://gamma.example/excerpt", "https://gamma.example/excerpt", Status.NEAR_COPY,
                      ORIGINAL_1, Match(ORIGINAL_1, 0.37))
    return dataclasses.replace(report, pages=report.pages + (AuditPage("gamma", near),))


def test_audit_reports_list_near_copies_apart():
    report = _with_near_copy()
    out = io.StringIO()
    render_audit_html(report, out)
    html = out.getvalue()
    listed = html.split('id="near-copy-list"', 1)[1].split("</ul>", 1)[0]
    assert "gamma.example/excerpt" in listed and "37%" in listed and "School Board Approves Budget" in listed
    assert 'data-key="near_copy"' in html
    cards = html.split('id="near-copies"', 1)[0]
    assert "gamma.example/excerpt" not in cards  # not among the cards to fix
    out = io.StringIO()
    render_audit_json(report, out)
    doc = json.loads(out.getvalue())
    assert doc["summary"]["near_copy"] == 1 and doc["summary"]["violation"] == 2
    assert "1 near-copy (part of an original, not checked)" in run_line(report)
    digest = render_digest(report, "gamma")
    assert "Excerpts of our stories" in digest and "37% of School Board Approves Budget" in digest


@pytest.mark.browser
def test_near_copy_filter_in_chromium(tmp_path, browser):
    from conftest import open_page

    path = tmp_path / "audit.html"
    with open(path, "w", encoding="utf-8") as fh:
        render_audit_html(_with_near_copy(), fh)
    page, dialogs, _ = open_page(browser, path)
    page.select_option('#filters select[name="status"]', "near-copy")
    assert page.locator("#near-copy-list li").first.is_visible()
    assert not any(c.is_visible() for c in page.locator(".card").all())
    page.select_option('#filters select[name="status"]', "violation")
    assert page.locator("#near-copy-list li").first.is_hidden()
    assert dialogs == []


@pytest.mark.parametrize("flat", [True, False])
def test_near_copy_band_in_both_index_tiers(flat, tmp_path, monkeypatch):
    """best(floor=...) finds a near-copy with the flat (numpy) index as with the in-memory one."""
    from checker.match import MatchSettings, OriginalIndex
    from checker.models import Original

    monkeypatch.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path))
    paragraphs = [" ".join(f"word{i}x{j}" for j in range(40)) for i in range(6)]
    original = Original(id="o", url="https://licensor.example/o", title="t", authors=("A B",),
                        text="\n\n".join(paragraphs))
    index = OriginalIndex([original], MatchSettings(), flat=flat)
    half = " ".join(paragraphs[:2])  # a third of the text: below the copy threshold, above the near-copy floor
    assert index.best(half) is None
    near = index.best(half, floor=0.2)
    assert near is not None and near.original.id == "o" and 0.2 <= near.score < 0.5
