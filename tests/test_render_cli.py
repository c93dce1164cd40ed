"""Render mode from the command line and audit.yaml: flags, defaults, usage errors, reports with pictures."""
from __future__ import annotations

import json
import shutil

import pytest
import yaml

from checker.cli import main
from checker.config import load_audit_config
from checker.strict_yaml import ConfigError
from conftest import CHROMIUM, ROOT, open_page, write_manifest

BYLINE_JS = ('<p class="byline"></p><script>document.querySelector(".byline").textContent = '
             '"By {name}, Daily Caller News Foundation";</script>')


@pytest.fixture
def manifest(tmp_path, original):
    path = tmp_path / "originals.yaml"
    write_manifest(path, original)
    return path


@pytest.fixture
def needs_browser():
    from checker.render import browser_problem
    problem = browser_problem()
    if problem:
        pytest.skip(problem)


def test_render_always_without_a_browser_is_a_usage_error(tmp_path, manifest, monkeypatch, capsys):
    monkeypatch.setenv("SYNDICHECK_CHROMIUM", str(tmp_path / "no-such-chromium"))
    page = tmp_path / "p.html"
    page.write_text("<html><body><p>x</p></body></html>")
    code = main(["check", str(page), "--originals", str(manifest), "--render", "always"])
    err = capsys.readouterr().err
    assert code == 2
    assert "apt-get install chromium" in err and "SYNDICHECK_CHROMIUM" in err
    assert "Traceback" not in err


def test_default_mode_follows_the_browser(tmp_path, monkeypatch, caplog):
    from checker.render import resolve_mode
    monkeypatch.setenv("SYNDICHECK_CHROMIUM", str(tmp_path / "no-such-chromium"))
    with caplog.at_level("INFO", logger="syndicheck.render"):
        assert resolve_mode(None) == ("never", None)
    assert [r.getMessage() for r in caplog.records if "render:" in r.getMessage()][0].startswith("render: never")
    assert resolve_mode("always")[1] is not None  # the caller turns this into exit 2
    if CHROMIUM.exists():
        monkeypatch.setenv("SYNDICHECK_CHROMIUM", str(CHROMIUM))
        pytest.importorskip("playwright")
        assert resolve_mode(None) == ("auto", None)


def test_check_render_in_audit_yaml(tmp_path):
    base = {"originals": {"manifests": ["o.yaml"]}, "partners": [{"id": "p", "urls": ["https://p.example/a"]}]}
    cfg = tmp_path / "audit.yaml"
    cfg.write_text(yaml.safe_dump({**base, "check": {"render": "always"}}))
    assert load_audit_config(cfg).render == "always"
    cfg.write_text(yaml.safe_dump(base))
    assert load_audit_config(cfg).render is None  # auto where a browser is installed
    cfg.write_text(yaml.safe_dump({**base, "check": {"render": "sometimes"}}))
    with pytest.raises(ConfigError) as exc:
        load_audit_config(cfg)
    assert "check.render" in str(exc.value) or "render" in str(exc.value)
    assert "never, auto or always" in str(exc.value)


@pytest.mark.browser
def test_local_file_built_by_script_is_rendered(tmp_path, manifest, make_page, capsys, needs_browser):
    site = tmp_path / "site"
    (site / "img").mkdir(parents=True)
    shutil.copy(ROOT / "rules" / "dcnf" / "logo" / "dcnf-logo.png", site / "img" / "dcnf-logo.png")
    (site / "story.html").write_text(make_page(
        '<img src="img/dcnf-logo.png" alt="">' + BYLINE_JS.format(name="Jane Q. Reporter")))
    code = main(["check", str(site / "story.html"), "--originals", str(manifest), "--format", "json",
                 "--render", "auto"])
    page = json.loads(capsys.readouterr().out)["pages"][0]
    assert page["rendered"] is True and page["status"] == "compliant" and code == 0
    assert page["static_status"] in ("review", "violation")

    code = main(["check", str(site / "story.html"), "--originals", str(manifest), "--format", "json",
                 "--render", "never"])
    page = json.loads(capsys.readouterr().out)["pages"][0]
    assert "rendered" not in page and "static_status" not in page and page["status"] != "compliant"


@pytest.mark.browser
def test_html_report_shows_the_picture_and_enlarges_it(tmp_path, manifest, make_page, capsys, httpserver,
                                                       needs_browser, browser):
    httpserver.expect_request("/story").respond_with_data(
        make_page(BYLINE_JS.format(name="John Smith")), content_type="text/html")
    url = f"http://127.0.0.1:{httpserver.port}/story"
    report = tmp_path / "report.html"
    code = main(["check", url, "--originals", str(manifest), "--render", "auto", "--format", "text",
                 "--report", f"html={report}", "--report", f"json={tmp_path / 'r.json'}"])
    out = capsys.readouterr().out
    assert code == 1
    assert "rendered in a browser" in out and "data:image" not in out
    data = json.loads((tmp_path / "r.json").read_text())["pages"][0]
    assert data["rendered"] is True
    shots = [e["screenshot"] for f in data["findings"] for e in f["evidence"] if "screenshot" in e]
    assert shots and all(s.startswith("data:image/png;base64,") for s in shots)

    page, dialogs, requests = open_page(browser, report)
    csp_errors: list[str] = []
    page.on("console", lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None)
    thumb = page.locator("img.shot").first
    assert thumb.evaluate("i => i.complete && i.naturalWidth > 0")
    small = thumb.bounding_box()
    thumb.click()
    big = thumb.bounding_box()
    assert big["width"] > small["width"] * 1.5
    assert "Checked in a browser" in page.inner_text("body")
    assert [r for r in requests if not r.startswith(("file:", "data:"))] == []
    assert csp_errors == [] and dialogs == []


def test_renderer_travels_to_dask_workers_without_its_browser(pack):
    """ShippedChecker copies the Checker's settings (the renderer among them) to workers: it pickles, and the
    copy starts its own browser on first use."""
    import pickle
    from checker.shipped_checker import ShippedChecker
    from checker.pipeline import Checker
    from checker.render import Renderer, RenderSettings
    renderer = Renderer(RenderSettings(mode="always", allow_private=False, contexts=3))
    shipped = pickle.loads(pickle.dumps(ShippedChecker(pack, [pack.example_original],
                                                       checker=Checker.build(pack, [], renderer=renderer))))
    copy = shipped.get().renderer
    assert copy is not renderer and copy.settings == renderer.settings and copy._pool is None


@pytest.mark.parametrize("element, why", [
    ('<span class="byline"></span>', "an empty byline element"),
    ('<span class="artikel-autor"></span>', "an empty byline element"),  # the pack's author marks, any language
    ('<div class="verfasser"> </div>', "an empty byline element"),
    ('<span class="autorefresh"></span>', None),  # a word that only contains a mark
    ('<span class="date"></span>', None),
])
def test_an_empty_author_element_in_any_of_the_marks_languages_asks_for_a_render(element, why):
    from checker.render.policy import looks_script_built
    html = f"<html><body><script>fill()</script><p>{'text ' * 200}</p>{element}</body></html>"
    assert looks_script_built(html, "text " * 200) == why
