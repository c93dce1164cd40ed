"""A license pack per originals source: a copy is judged by the pack of the licensor whose original it copies.

Two licensors on loopback (127.0.0.81: the default pack's; 127.0.0.82: a tiny test pack whose only rule is
the byline, tests/data/packs/tiny-wire) and one partner (127.0.0.83) republishing both, audited in one run.
"""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from checker.audit import run_audit
from checker.config import load_audit_config
from checker.config_types import OriginalsConfig
from checker.demo.content import ORIGINALS
from checker.demo.server import serve_sites
from checker.demo.sites import Route, Site
from checker.models import Match, Original, PageResult, Status
from checker.pack_routing import best_result, license_label, packs_fingerprint, source_packs
from checker.ruleset import load_pack
from checker.strict_yaml import ConfigError

from test_audit import ALLOW_ALL, RSS, _copy, _page, _rss, statuses

TINY = Path(__file__).parent / "data" / "packs" / "tiny-wire"
DEFAULT_STORIES, TINY_STORIES = ORIGINALS[:2], ORIGINALS[3:5]


def _sites() -> list[Site]:
    def licensor(name: str, ip: str, stories) -> Site:
        items = [(f"/2024/{s.slug}/", s.title, s.authors, s.paragraphs) for s in stories]
        return Site(name, ip, name, "licensor",
                    {"/robots.txt": ALLOW_ALL, "/feed.xml": Route(body=_rss("{{BASE:%s}}" % name, items), content_type=RSS)})

    (d1, d2), (t1, t2) = DEFAULT_STORIES, TINY_STORIES
    pages = {
        "/d/compliant": _page(_copy(d1), "d1"),
        "/d/no-logo": _page(_copy(d2, logo=False), "d2"),
        # No logo and no affiliation: a violation of both under the default pack, compliant under tiny-wire.
        "/t/byline-only": _page(_copy(t1, logo=False, affiliation=False), "t1"),
        "/t/staff": _page(_copy(t2, logo=False, byline="By Staff"), "t2"),
    }
    feed = _rss("{{BASE:partner}}", [(p, p, (), None) for p in pages])
    partner = Site("partner", "127.0.0.83", "Partner", "partner",
                   {"/robots.txt": ALLOW_ALL, "/feed.xml": Route(body=feed, content_type=RSS), **pages})
    return [licensor("default-lic", "127.0.0.81", DEFAULT_STORIES), licensor("tiny-lic", "127.0.0.82", TINY_STORIES),
            partner]


def _config(tmp_path: Path, servers, originals_yaml: str) -> Path:
    path = tmp_path / "audit.yaml"
    path.write_text(
        f"originals:\n{originals_yaml}"
        "partners:\n"
        f"  - id: partner\n    feeds: [{json.dumps(servers.url('partner', '/feed.xml'))}]\n"
        "crawl: {allow_private_addresses: true, delay: 0.05, timeout: 2, deadline: 2, retries: 0}\n"
        "reports: {directory: reports, formats: [json]}\n", encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path / "cache"))


def test_each_copy_is_judged_by_the_pack_of_the_original_it_copies(tmp_path):
    with serve_sites(_sites()) as servers:
        config = load_audit_config(_config(tmp_path, servers, (
            f"  - feeds: [{json.dumps(servers.url('default-lic', '/feed.xml'))}]\n"
            f"  - feeds: [{json.dumps(servers.url('tiny-lic', '/feed.xml'))}]\n"
            f"    license: {json.dumps(str(TINY))}\n")))
        outcome = run_audit(config, quiet=True)
    doc = json.loads((tmp_path / "reports" / f"audit-{outcome.run_id}.json").read_text(encoding="utf-8"))
    assert statuses(doc) == {
        "/d/compliant": ("compliant", []),
        "/d/no-logo": ("violation", ["logo"]),
        "/t/byline-only": ("compliant", []),
        "/t/staff": ("violation", ["byline"]),
    }
    for page in doc["pages"]:  # the rules each page was judged by are its source's pack's
        path = urlsplit(page["target"]).path
        judged = {f["rule"] for f in page["findings"]}
        assert judged == ({"byline"} if path.startswith("/t/") else {"logo", "byline", "affiliation"}), path
        licensor = "tiny-lic" if path.startswith("/t/") else "default-lic"
        assert page["original"]["url"].startswith(servers.base_url(licensor)), path
    assert doc["license"] == "dcnf, tiny-wire" and outcome.complete


def test_the_tiny_pack_copy_fails_under_the_default_pack_alone(tmp_path):
    """The same pages with both licensors under one pack: the byline-only copy is a violation there, so the
    verdict above came from the source's own pack."""
    with serve_sites(_sites()) as servers:
        config = load_audit_config(_config(tmp_path, servers, (
            f"  - feeds: [{json.dumps(servers.url('default-lic', '/feed.xml'))}]\n"
            f"  - feeds: [{json.dumps(servers.url('tiny-lic', '/feed.xml'))}]\n")))
        outcome = run_audit(config, quiet=True)
    doc = json.loads((tmp_path / "reports" / f"audit-{outcome.run_id}.json").read_text(encoding="utf-8"))
    assert statuses(doc)["/t/byline-only"] == ("violation", ["affiliation", "logo"])
    assert doc["license"] == "dcnf"


def test_a_source_without_originals_is_reported_and_the_others_are_still_audited(tmp_path):
    with serve_sites(_sites()) as servers:
        config = load_audit_config(_config(tmp_path, servers, (
            f"  - feeds: [{json.dumps(servers.url('default-lic', '/feed.xml'))}]\n"
            f"  - feeds: [{json.dumps(servers.url('tiny-lic', '/no-such-feed.xml'))}]\n"
            f"    license: {json.dumps(str(TINY))}\n")))
        outcome = run_audit(config, quiet=True)
    doc = json.loads((tmp_path / "reports" / f"audit-{outcome.run_id}.json").read_text(encoding="utf-8"))
    got = statuses(doc)
    assert got["/d/no-logo"] == ("violation", ["logo"]) and got["/t/staff"] == ("not-a-copy", [])
    notes = " | ".join(doc["waiver_notes"]) if "waiver_notes" in doc else ""
    assert "no-such-feed.xml" in notes and "copies of its articles were not looked for" in notes, notes


# ------------------------------------------------------------------------------------------------ config


def _write(tmp_path: Path, originals_yaml: str) -> Path:
    path = tmp_path / "audit.yaml"
    path.write_text(f"license: dcnf\noriginals:\n{originals_yaml}partners:\n  - id: p\n    urls: [https://p.example/a]\n",
                    encoding="utf-8")
    return path


def test_config_originals_as_a_list_of_sources_each_with_its_pack(tmp_path):
    config = load_audit_config(_write(tmp_path, (
        "  - feeds: [https://lic.example/feed]\n"
        "  - sitemaps: [https://wire.example/sitemap.xml]\n"
        f"    license: {json.dumps(str(TINY))}\n"
        "    window_days: 3\n")))
    assert config.originals == OriginalsConfig(feeds=("https://lic.example/feed",))
    assert config.more_originals == (OriginalsConfig(sitemaps=("https://wire.example/sitemap.xml",), window_days=3,
                                                      license=str(TINY)),)
    assert [p.id for p in source_packs(config)] == ["dcnf", "tiny-wire"]


def test_config_one_source_as_before(tmp_path):
    config = load_audit_config(_write(tmp_path, "  feeds: [https://lic.example/feed]\n"))
    assert config.more_originals == () and config.originals_sources == (config.originals,)
    assert config.originals.license is None and [p.id for p in source_packs(config)] == ["dcnf"]


@pytest.mark.parametrize("originals_yaml, message", [
    ("  - feeds: [https://lic.example/feed]\n  - license: dcfn\n    feeds: [https://w.example/f]\n",
     "audit.yaml:4: originals[1].license: no license pack found (did you mean 'dcnf'?)"),
    ("  - feeds: [https://lic.example/feed]\n  - license: dcnf\n",
     "originals[1]: give at least one of feeds, sitemaps or manifests"),
    ("  []\n", "originals: list at least one originals source"),
    ("  - feeds: [https://lic.example/feed]\n    licence: dcnf\n", "originals[0].licence: unknown key (did you mean 'license'?)"),
])
def test_config_source_mistakes_name_line_and_key(tmp_path, originals_yaml, message):
    with pytest.raises(ConfigError) as err:
        load_audit_config(_write(tmp_path, originals_yaml))
    assert message in str(err.value) and "\n" not in str(err.value)


# ------------------------------------------------------------------------------------------------ routing


def _result(status: Status, score: float | None = None, target: str = "u") -> PageResult:
    original = Original(id=target, url=target, title="t", authors=(), text="x")
    return PageResult(target=target, url=target, status=status,
                      match=Match(original, score) if score is not None else None,
                      original=original if score is not None else None)


def test_best_result_prefers_a_judged_copy_then_an_error_then_a_near_copy():
    copy_low, copy_high = _result(Status.VIOLATION, 0.6, "low"), _result(Status.COMPLIANT, 0.9, "high")
    error, near, none = _result(Status.ERROR), _result(Status.NEAR_COPY, 0.3), _result(Status.NOT_A_COPY)
    assert best_result([none, copy_low, error, copy_high]) is copy_high
    assert best_result([none, near, error]) is error
    assert best_result([none, near]) is near
    assert best_result([none, _result(Status.NOT_A_COPY)]) is none


def test_one_pack_keeps_its_own_fingerprint_two_packs_get_a_combined_one():
    dcnf, tiny = load_pack("dcnf"), load_pack(str(TINY))
    fp = lambda pack: f"fp-{pack.id}"  # noqa: E731
    assert packs_fingerprint([dcnf], fp) == packs_fingerprint([dcnf, dcnf], fp) == "fp-dcnf"
    both = packs_fingerprint([dcnf, tiny], fp)
    assert both not in ("fp-dcnf", "fp-tiny-wire") and both != packs_fingerprint([tiny, dcnf], fp)
    assert license_label([dcnf, tiny, dcnf]) == "dcnf, tiny-wire"


def test_the_routed_checker_travels_to_executor_workers_and_judges_the_same():
    """What BatchWork ships to a dask worker (ShippedRouter): pickled, rebuilt there, same verdicts."""
    import pickle

    from checker.crawl.dask_executor import ShippedChecker
    from checker.models import Fetched
    from checker.pack_routing import ShippedRouter
    from checker.pipeline import Checker

    def original(story) -> Original:
        return Original(id=story.slug, url=f"https://lic.example/{story.slug}", title=story.title,
                        authors=story.authors, text="\n\n".join(story.paragraphs))

    sources = [(load_pack("dcnf"), [original(s) for s in DEFAULT_STORIES]),
               (load_pack(str(TINY)), [original(s) for s in TINY_STORIES])]
    shipped = ShippedRouter([ShippedChecker(pack, found, checker=Checker.build(pack, found)) for pack, found in sources])
    remote = pickle.loads(pickle.dumps(shipped)).get()
    for story, want in ((TINY_STORIES[0], ("compliant", set())), (DEFAULT_STORIES[0], ("violation", {"logo"}))):
        page = _copy(story, logo=False, affiliation=story in DEFAULT_STORIES)
        results = [c.check(Fetched(target="u", url="https://p.example/a", body=page, charset="utf-8"))
                   for c in (shipped.get(), remote)]
        got = [(r.status.value, {f.rule for f in r.findings if f.outcome.value == "fail"}) for r in results]
        assert got == [want, want], story.slug
