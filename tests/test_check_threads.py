"""An audit's pages are parsed and checked on a few check threads, not on its hundred-odd host threads."""
from __future__ import annotations

import threading
import time

import pytest

import checker.audit as audit
from checker.audit import run_audit
from checker.config import load_audit_config
from checker.crawl.check_threads import CheckThreads, check_thread_count
from checker.demo.server import serve_sites

from test_audit import NIGHT1, licensor_site, partner_sites, report_json, standard_partners, statuses, write_config


def test_check_threads_return_results_raise_errors_and_bound_how_many_run_at_once():
    checks = CheckThreads(2)
    running, most = [0], [0]
    lock = threading.Lock()

    def work(x: int) -> tuple[int, str]:
        with lock:
            running[0] += 1
            most[0] = max(most[0], running[0])
        time.sleep(0.02)
        with lock:
            running[0] -= 1
        if x == 3:
            raise ValueError("page 3 is broken")
        return x * x, threading.current_thread().name

    got: dict[int, object] = {}

    def host(x: int) -> None:  # a host thread: hands its page to the check threads and waits
        try:
            got[x] = checks.run(work, x)
        except ValueError as exc:
            got[x] = exc

    hosts = [threading.Thread(target=host, args=(x,)) for x in range(8)]
    for t in hosts:
        t.start()
    for t in hosts:
        t.join()
    checks.close()
    assert most[0] == 2  # eight host threads, never more than two checks at once
    assert str(got.pop(3)) == "page 3 is broken"  # the check's exception reaches the host thread
    assert {x: r[0] for x, r in got.items()} == {x: x * x for x in range(8) if x != 3}
    assert all(r[1].startswith("syndicheck-check") for r in got.values())


def test_one_per_core_and_one_per_browser_context(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 2)
    assert check_thread_count() == 2
    assert check_thread_count(4) == 6


def test_an_audit_checks_its_pages_on_the_check_threads_with_the_same_verdicts(tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path / "cache"))
    threads: list[str] = []
    real = audit.check_fetched

    def spy(*args):  # the real check, noting the thread it runs on
        threads.append(threading.current_thread().name)
        return real(*args)

    monkeypatch.setattr(audit, "check_fetched", spy)
    with serve_sites([licensor_site(), *partner_sites(1)]) as servers:
        config = write_config(tmp_path, servers.url("lic", "/feed.xml"), standard_partners(servers))
        outcome = run_audit(load_audit_config(config), quiet=True)
    assert outcome.complete
    assert statuses(report_json(config, outcome.run_id)) == NIGHT1
    assert len(threads) == len(NIGHT1)  # every page (the one robots.txt forbids too), each on a check thread
    assert all(name.startswith("syndicheck-check") for name in threads), threads


def test_a_closed_pool_takes_no_more_work():
    checks = CheckThreads(1)
    assert checks.run(sum, (1, 2)) == 3
    checks.close()
    with pytest.raises(RuntimeError):
        checks.run(sum, (1, 2))
