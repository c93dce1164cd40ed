"""`syndicheck check` of a local file imports only what the command and its format need (issue 14, quick starts)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from checker import api
from checker.lazy_import import defer_import

ROOT = Path(__file__).resolve().parents[1]

# Module -> what needs it. None of it is imported by a text report of a local page against a JSON manifest.
NOT_NEEDED = {
    "jinja2": "the HTML reports",
    "checker.report.html": "the HTML report",
    "checker.report.json": "the JSON report",
    "checker.report.junit": "the JUnit report",
    "checker.report.sarif": "the SARIF report",
    "requests": "fetching a URL",
    "urllib3": "fetching a URL",
    "checker.crawl.fetcher": "fetching a URL",
    "feedparser": "a feed of originals",
    "numpy": "an index of more than ~200 originals",
    "checker.shingle_index": "an index of more than ~200 originals",
    "sqlite3": "the audit's history",
    "checker.audit": "the audit",
    "checker.history": "the audit's history",
    "checker.config_types": "the audit's configuration",
    "asyncio": "render mode (a browser)",
    "playwright": "render mode (a browser)",
    "checker.render.browser": "render mode (a browser)",
    "tomllib": "a syndicheck.toml or [tool.syndicheck] config file",
    "soupsieve.css_parser": "a stylesheet that hides an element by a structural selector",
    "charset_normalizer.api": "guessing the encoding of a page that declares none and is not UTF-8",
}


# The command as `python -m checker` runs it, then the names in sys.modules written at exit. (Not `-X importtime`:
# it does not see modules imported by importlib.import_module, as the report registry imports its writers.)
RUN_AND_LIST = """
import atexit, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps(sorted(sys.modules))))
runpy.run_module("checker", run_name="__main__", alter_sys=True)
"""


def run_check(tmp_path: Path, original, page_html: str | bytes, *extra: str,
              script: str = RUN_AND_LIST) -> tuple[subprocess.CompletedProcess, Any]:
    """The check run as a command; then the module names it imported (a set), or another script's JSON as written."""
    manifest = tmp_path / "originals.json"
    manifest.write_text(json.dumps({"originals": [{
        "id": original.id, "url": original.url, "title": original.title, "authors": list(original.authors),
        "text": original.text}]}), "utf-8")
    page = tmp_path / "one.html"
    page.write_bytes(page_html if isinstance(page_html, bytes) else page_html.encode("utf-8"))
    listing = tmp_path / "modules.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICHECK_")}
    env["SYNDICHECK_CACHE_DIR"] = str(tmp_path / "cache")
    # cwd: the temporary directory, where no config file is found upward (the repository has one).
    proc = subprocess.run([sys.executable, "-c", script, str(listing), "check", str(page),
                           "--originals", str(manifest), "--render", "never", *extra],
                          capture_output=True, text=True, cwd=tmp_path, env=env)
    written = json.loads(listing.read_text("utf-8"))
    # a list in order for other scripts: [enabled, frozen] as a set unpacked in hash order (True, 38424 -> 38424 first)
    return proc, set(written) if script is RUN_AND_LIST else written


GOOD = ('<p class="byline">By Jane Q. Reporter, Daily Caller News Foundation</p>'
        '<img src="/img/dcnf-logo.png" alt="Daily Caller News Foundation">')


def test_a_text_check_of_a_local_page_imports_no_heavy_module_it_does_not_need(tmp_path, original, make_page):
    proc, modules = run_check(tmp_path, original, make_page(GOOD))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "COMPLIANT" in proc.stdout
    # What a check needs is listed (a listing that missed modules would pass the assertion below).
    assert {"bs4", "checker.pipeline", "checker.report.text"} <= modules
    unneeded = {name: why for name, why in NOT_NEEDED.items() if name in modules}
    assert not unneeded, f"imported, though only needed for: {unneeded}"


def test_soupsieve_is_imported_when_a_stylesheet_needs_it_and_the_verdict_is_the_same(tmp_path, original,
                                                                                      make_page, pack):
    # "article p.byline" is matched by structure (Soup Sieve), not by the simple class index.
    html = make_page(GOOD, head_tags="<style>article p.byline{display:none}</style>")
    proc, modules = run_check(tmp_path, original, html, "--format", "json")
    assert "soupsieve.css_parser" in modules
    report = json.loads(proc.stdout)
    [page] = report["pages"]
    # The same page checked in this process, where Soup Sieve was imported the ordinary way.
    expected = api.check_html(html, [original], pack=pack)
    assert page["status"] == expected.status.value
    assert {f["rule"]: f["outcome"] for f in page["findings"]} == {f.rule: f.outcome.value for f in expected.findings}
    assert "article p.byline" in json.dumps(page)  # the hiding rule is the evidence
    assert page["status"] != "compliant"


def test_charset_normalizer_is_imported_to_guess_an_undeclared_encoding_and_the_verdict_is_the_same(
        tmp_path, original, make_page):
    # Windows-1252 bytes that are not UTF-8, with no charset declared anywhere: the encoding must be guessed.
    html = make_page(GOOD + "<p>Caf\u00e9 cr\u00e8me, na\u00efve r\u00e9sum\u00e9.</p>")
    guessed, modules = run_check(tmp_path, original, html.encode("cp1252"), "--format", "json")
    assert "charset_normalizer.api" in modules
    utf8, _ = run_check(tmp_path, original, html, "--format", "json")
    [page], [same] = json.loads(guessed.stdout)["pages"], json.loads(utf8.stdout)["pages"]
    assert page["status"] == same["status"] == "compliant"
    assert page["findings"] == same["findings"]


# What the collector's state is at exit, after `check` of a local page.
RUN_AND_TELL_GC = """
import atexit, gc, json, runpy, sys
out = sys.argv.pop(1)
atexit.register(lambda: open(out, "w").write(json.dumps([gc.isenabled(), gc.get_freeze_count()])))
runpy.run_module("checker", run_name="__main__", alter_sys=True)
"""


def test_the_collector_paused_for_start_up_runs_again_for_the_pages(tmp_path, original, make_page):
    proc, state = run_check(tmp_path, original, make_page(GOOD), script=RUN_AND_TELL_GC)
    assert proc.returncode == 0, proc.stderr[-2000:]
    enabled, frozen = state  # run_check reads the listing file: here [enabled, frozen count]
    assert enabled is True
    assert frozen > 10_000  # the start-up's objects (modules, the pack, the index) were frozen, not collected


def test_startup_gc_resumes_only_what_it_paused():
    import gc

    from checker import startup_gc
    assert gc.isenabled()
    gc.disable()  # someone else's choice: left alone
    try:
        startup_gc.pause()
        startup_gc.resume()
        assert not gc.isenabled()
    finally:
        gc.enable()
    frozen = gc.get_freeze_count()
    startup_gc.pause()
    assert not gc.isenabled()
    startup_gc.resume()
    assert gc.isenabled() and gc.get_freeze_count() >= frozen
    gc.unfreeze()  # this test process goes on collecting as before


PROBE = """
import time
from pathlib import Path
_runs = Path(__file__).with_suffix(".runs")
with _runs.open("a") as f:  # one mark each time this body runs
    f.write("x")
time.sleep(0.05)  # a slow import: the other threads arrive while it runs
def runs():
    return len(_runs.read_text())
"""


def test_a_deferred_module_is_imported_once_at_its_first_use_from_many_threads(tmp_path, monkeypatch):
    name = "deferred_probe_module"
    (tmp_path / f"{name}.py").write_text(PROBE, "utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, name, raising=False)
    defer_import(name)
    stand_in = __import__(name)  # what `import name` at the top of a module binds
    assert not (tmp_path / f"{name}.runs").exists()  # not run yet
    results: list[int] = []
    barrier = threading.Barrier(8)

    def use() -> None:
        barrier.wait()
        results.append(stand_in.runs())

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [1] * 8
    assert sys.modules[name] is not stand_in and __import__(name).runs() == 1
    monkeypatch.delitem(sys.modules, name)


def test_deferring_a_module_that_is_not_installed_changes_nothing():
    defer_import("no_such_module_anywhere")
    assert "no_such_module_anywhere" not in sys.modules
    with pytest.raises(ImportError):
        __import__("no_such_module_anywhere")
