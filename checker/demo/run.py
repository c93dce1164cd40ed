"""`syndicheck demo`: two nights of the audit against the bundled sample sites served on loopback."""
from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import time
from pathlib import Path
from typing import TextIO

from ..audit import AuditOutcome, run_audit
from ..config import load_audit_config
from ..report.audit_data import headline
from .server import serve_sites
from .sites import build_sites, expected_verdicts, write_demo_config


def _summary(night: int, outcome: AuditOutcome, seconds: float, out: TextIO) -> None:
    r = outcome.report
    h = headline(r)  # the numbers the HTML report shows (waived failures count as compliant there too)
    reused = sum(p.reused for p in r.pages)
    print(f"\nNight {night}: run {outcome.run_id}, {h['pages']} pages in {seconds:.1f} s "
          f"({h['compliant']} compliant, {h['violation']} with violations, {h['review']} review, "
          f"{h['not_a_copy']} not a copy, {h['error']} error; {reused} reused after 304)", file=out)
    rendered = [p for p in r.pages if p.result.rendered]
    if rendered:  # render mode (a browser is installed): violations confirmed in it, with their pictures
        confirmed = [p for p in rendered if p.result.status.value == "violation"]
        pictures = sum(1 for p in confirmed for f in p.result.findings for e in f.evidence if e.screenshot)
        print(f"  rendered in a browser: {len(rendered)} pages, {len(confirmed)} violations confirmed "
              f"({pictures} screenshots in the report)", file=out)
    d = r.diff
    print(f"  failing findings since the previous run: {len(d.new)} new, {len(d.fixed)} fixed, "
          f"{len(d.persisting)} persisting", file=out)
    for label, items in (("new", d.new), ("fixed", d.fixed)):
        for item in items:
            print(f"    {label:5} {item.partner:17} {item.rule:12} {item.url}", file=out)


def _self_check(night: int, outcome: AuditOutcome, url_for, out: TextIO) -> int:
    """Compare each page with the verdict the sample sites were built to produce."""
    expected = expected_verdicts(night, url_for)
    got = {p.result.target: p for p in outcome.report.pages}
    wrong = 0
    for url, want in expected.items():
        page = got.get(url)
        if page is None:
            print(f"  ! {url}: not checked (expected {want['status']})", file=out)
            wrong += 1
            continue
        fails = sorted(f.rule for f in page.result.findings if f.outcome.value == "fail")
        status = page.result.status.value
        want_status = want["status"]
        if want_status == "violation" and want.get("waived") and sorted(want["waived"]) == want["rules"]:
            want_status = "compliant"  # every failure is covered by an agreed waiver (shown apart in the report)
        if status != want_status or (want_status == "violation" and fails != want["rules"]):
            print(f"  ! {url}: {status} {fails}, expected {want['status']} {want['rules']}", file=out)
            wrong += 1
    print(f"  self-check: {len(expected) - wrong}/{len(expected)} pages as the sample sites expect", file=out)
    return wrong


# Written into every demo directory: only a directory carrying it (or an empty one) is emptied without --force.
MARKER = ".syndicheck-demo"
# What the demo writes; a directory holding only these is a demo directory from before MARKER existed.
_DEMO_ENTRIES = frozenset({MARKER, "audit.yaml", "reports", "outbox", "syndicheck.db", "syndicheck.db-wal",
                           "syndicheck.db-shm"})


class DemoDirError(Exception):
    """The --workdir holds something the demo did not write."""


def prepare_workdir(workdir: Path, force: bool = False) -> None:
    """Empty a previous demo's directory (each demo starts from an empty history); never anyone else's files."""
    if workdir.is_symlink() or (workdir.exists() and not workdir.is_dir()):
        raise DemoDirError(f"--workdir {workdir}: not a directory")
    cwd = Path.cwd().resolve()
    if workdir.exists() and (workdir.resolve() in (Path.home().resolve(), *cwd.parents) or workdir.resolve() == cwd):
        # --force or not: emptying it would delete the home directory, or the one the user stands in
        raise DemoDirError(f"--workdir {workdir}: the demo empties its directory, and this one is the home "
                           "directory or holds the current one; give a new directory")
    if workdir.exists():
        entries = {e.name for e in workdir.iterdir()}
        ours = MARKER in entries or entries <= _DEMO_ENTRIES
        if entries and not ours and not force:
            shown = ", ".join(sorted(entries)[:5]) + (", ..." if len(entries) > 5 else "")
            raise DemoDirError(f"--workdir {workdir} is not empty and not a previous demo's directory ({shown}); "
                               "the demo empties its directory first: give a new or empty one, or --force")
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    (workdir / MARKER).write_text("written by `syndicheck demo`; the next demo run empties this directory\n",
                                  encoding="utf-8")


def run_demo(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    workdir = Path(os.path.normpath(Path(getattr(args, "workdir", None) or "demo-output").absolute()))
    prepare_workdir(workdir, force=getattr(args, "force", False))
    logging.getLogger("syndicheck").setLevel(logging.WARNING)
    started = time.monotonic()
    wrong = 0
    with serve_sites(build_sites(1)) as servers:
        config_path = write_demo_config(servers.sites, workdir, servers.url_for)
        config = load_audit_config(config_path)
        roles = [site.role for site in servers.sites]
        print(f"Sample sites: {roles.count('licensor')} licensors and {roles.count('partner')} partners on "
              f"{servers.sites[0].ip}-{servers.sites[-1].ip.rsplit('.', 1)[1]}; config {config_path}", file=out)
        for night in (1, 2):
            if night == 2:
                servers.swap(build_sites(2))
            t0 = time.monotonic()
            outcome = run_audit(config, tty=False, quiet=True)
            _summary(night, outcome, time.monotonic() - t0, out)
            wrong += _self_check(night, outcome, servers.url_for, out)
    html = Path(config.reports_dir) / f"audit-{outcome.run_id}.html"
    print(f"\nReports: {config.reports_dir} (outbox: {workdir / 'outbox'})", file=out)
    print(f"HTML report: {html}", file=out)
    print(f"Demo finished in {time.monotonic() - started:.1f} s.", file=out)
    return 0 if wrong == 0 else 1
