"""Shared fixtures: the default pack, a copy of its example original, page builders, headless Chromium."""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # report_fixtures and other test helpers import by name


def corpus_dir() -> Path | None:
    """../shared/corpus/real-pages beside the repository (or $SYNDICHECK_CORPUS), if present."""
    env = os.environ.get("SYNDICHECK_CORPUS")
    for cand in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "corpus" / "real-pages"]:
        if cand.is_dir():
            return cand
    return None


@pytest.fixture(autouse=True)
def _own_source_cache(monkeypatch, tmp_path_factory):
    """Each test fetches feeds and manifests into a cache of its own (CLI children inherit it), unless a fixture
    chose one: a loopback server that reuses a port an earlier test used must not be answered from that test's
    feed in ~/.cache (a flaky "copy found" in a run whose licensor feed has no text), and tests leave the user's
    cache alone."""
    if "SYNDICHECK_CACHE_DIR" not in os.environ:
        monkeypatch.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path_factory.mktemp("source-cache")))


@pytest.fixture
def httpserver(httpserver):
    """pytest-httpserver's server, answering an unexpected request with 404 instead of its default 500
    (which the fetcher would retry as a server error)."""
    httpserver.no_handler_status_code = 404
    return httpserver


@pytest.fixture(scope="session")
def pack():
    from checker.ruleset import load_pack
    return load_pack()


@pytest.fixture(scope="session")
def original(pack):
    return pack.example_original


def article_html(original) -> str:
    return "".join(f"<p>{p.strip()}</p>\n" for p in original.text.split("\n\n") if p.strip())


@pytest.fixture
def make_page(original):
    """make_page(head_html, foot_html='') -> a full page carrying the example article."""
    def build(head: str = "", foot: str = "", outside: str = "", head_tags: str = "") -> str:
        return (f"<!doctype html><html><head><title>t</title>{head_tags}</head><body>"
                f"<header><nav><a href='/'>Home</a></nav></header><main><article><h1>{original.title}</h1>"
                f"{head}{article_html(original)}{foot}</article></main>{outside}</body></html>")
    return build


CHROMIUM = Path("/usr/bin/chromium")  # the Debian package (`make test` installs it as root); never a download
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def browser():
    """A headless Chromium driven by Playwright, closed after the test; skipped when Chromium is absent.

    One per test, not per session: Playwright's sync API keeps an event loop on the main thread, and
    other tests run asyncio.run() there between browser tests."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (Debian package chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def open_page(browser, path: Path):
    """(page, dialogs, requests): `path` opened in a new page that records every dialog (dismissed) and
    every request it makes, for the report tests' "nothing runs, nothing is fetched" checks."""
    dialogs: list[str] = []
    requests: list[str] = []
    page = browser.new_page()
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    return page, dialogs, requests


@pytest.fixture(autouse=True, scope="session")
def _static_unless_asked():
    """Render mode defaults to `auto` where Chromium is installed (as here); the suite's other tests are about
    the static checks and their exact output, so they run with render mode `never` unless a test sets it."""
    os.environ.setdefault("SYNDICHECK_RENDER", "never")


@contextmanager
def demo_sites_without_delay() -> Iterator[Any]:
    """The demo's licensor and five partners on loopback, without the demo's 2 s robots Crawl-delay."""
    import checker.demo.sites as demo_sites
    from checker.demo.server import serve_sites

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(demo_sites, "CRAWL_DELAY", 0)
        with serve_sites(demo_sites.build_sites(1)) as servers:
            yield servers


def run_cli(args, capsys) -> tuple[int, str, str]:
    """Run the command line in-process: (exit code, stdout, stderr)."""
    from checker.cli import main

    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def write_manifest(path: Path, original) -> Path:
    """An originals manifest (YAML) holding `original` alone, written to `path`."""
    import yaml
    path.write_text(yaml.safe_dump({"originals": [{
        "id": original.id, "url": original.url, "title": original.title, "authors": list(original.authors),
        "text": original.text}]}))
    return path


@pytest.fixture
def staff_copy_site(tmp_path, original, make_page, monkeypatch) -> Path:
    """A working directory with an originals manifest and one copy bylined "By Staff" (a violation)."""
    write_manifest(tmp_path / "originals.yaml", original)
    (tmp_path / "copy.html").write_text(make_page('<p class="byline">By Staff</p>'))
    monkeypatch.chdir(tmp_path)
    return tmp_path
