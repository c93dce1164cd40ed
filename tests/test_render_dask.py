"""Render mode on the dask executor: each worker process starts its own browser, and the audit's verdicts,
confirmed violations and pictures are the same as on the local executor."""
from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")
cloudpickle = pytest.importorskip("cloudpickle")

import checker.audit as audit_mod  # noqa: E402
from checker.audit import run_audit  # noqa: E402
from checker.crawl.dask_executor import DaskExecutor  # noqa: E402
from checker.crawl.executor import LocalExecutor  # noqa: E402
from checker.demo.sites import demo_config  # noqa: E402
from conftest import demo_sites_without_delay  # noqa: E402
from checker.models import Status  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def sites():
    """The demo's licensor and five partners on loopback, without the demo's 2 s robots Crawl-delay."""
    with demo_sites_without_delay() as servers:
        yield servers


def config_for(servers, workdir: Path):
    config = demo_config(servers.sites, workdir, servers.url_for)
    return replace(config, crawl=replace(config.crawl, delay=0.0, hosts=()), report_formats=("json",),
                   notifications=replace(config.notifications, enabled=False), render="auto")


def verdicts(outcome) -> dict:
    return {p.result.target: (p.result.status.value, p.result.rendered,
                              sorted((f.rule, f.outcome.value, f.message) for f in p.result.findings))
            for p in outcome.report.pages}


def test_render_auto_on_dask_workers_matches_local(sites, tmp_path, monkeypatch):
    from checker.render import browser_problem
    problem = browser_problem()
    if problem:
        pytest.skip(problem)
    monkeypatch.setattr(audit_mod, "BATCH_PAGES", 4)
    local = run_audit(config_for(sites, tmp_path / "local"), quiet=True, executor=LocalExecutor(concurrency=8))
    with DaskExecutor(n_workers=2, threads_per_worker=2, processes=True) as cluster:
        config = config_for(sites, tmp_path / "dask")
        remote = run_audit(config, quiet=True, executor=cluster)
    assert remote.complete
    confirmed = [p.result for p in remote.report.pages if p.result.rendered and p.result.status is Status.VIOLATION]
    assert confirmed, "no violation was rendered on the workers"
    assert verdicts(remote) == verdicts(local)
    # The workers' pictures reach the client, which stores them beside the WARC evidence.
    shots = [e.screenshot for r in confirmed for f in r.findings for e in f.evidence if e.screenshot]
    assert shots and all(s.startswith("evidence/screenshots/") for s in shots)
    for s in shots:
        assert (Path(config.reports_dir) / s).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
