"""`syndicheck history`: list audit runs, and new / fixed / persisting failing findings between two runs.

    syndicheck history [--db PATH | --config audit.yaml] [--runs N] [--diff A B | --diff last]
                       [--partner ID] [--format text|json]

`--diff last` compares the latest run with the complete run before it. Exit status: 0, or 2 for a
usage error (no database, unknown run, bad --diff values).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Optional, TextIO

from .terminal import inert

if TYPE_CHECKING:  # history (sqlite3, hashlib) is imported when the command runs, not for every --help
    from .history import History, RunSummary
    from .models import RunDiff

EXIT_OK, EXIT_USAGE = 0, 2
DEFAULT_DB = "syndicheck.db"


def add_history_parser(subparsers) -> argparse.ArgumentParser:
    """Register `history` on an argparse subparsers object; returns the subcommand's parser."""
    h = subparsers.add_parser(
        "history", help="list audit runs; new / fixed / persisting failing findings between runs",
        description="List the audit runs stored in the history database, or compare two runs' failing findings "
                    "(a finding is one rule on one page; its identity is the rule and the normalised URL).")
    h.add_argument("--db", metavar="PATH",
                   help=f"history database (default: the config's storage.database, else ./{DEFAULT_DB})")
    h.add_argument("--config", metavar="PATH", help="audit.yaml whose storage.database to read")
    h.add_argument("--runs", type=int, default=10, metavar="N", help="how many runs to list (default 10)")
    h.add_argument("--diff", nargs="+", metavar="RUN",
                   help="compare two runs: --diff A B (run ids), or --diff last (the latest run against "
                        "the complete run before it)")
    h.add_argument("--partner", metavar="ID",
                   help="only this partner's pages and findings (an unknown partner is an error)")
    h.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    h.set_defaults(func=cmd_history)
    return h


def _err(msg: str) -> int:
    print(inert(f"syndicheck: error: history: {msg}"), file=sys.stderr)
    return EXIT_USAGE


def _unknown_partner(hist: History, partner: str, config_path: Optional[str]) -> Optional[str]:
    """Why --partner names no partner (None when it does): every run listed with zeros would look clean."""
    known = set(hist.partners())
    if config_path:
        from .config import load_audit_config
        known |= {p.id for p in load_audit_config(config_path).partners}
    if partner in known:
        return None
    import difflib
    close = difflib.get_close_matches(partner, sorted(known), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    listed = f" (partners: {', '.join(sorted(known))})" if known and len(known) <= 20 else ""
    return f"no partner '{partner}' in {hist.path}{' or ' + config_path if config_path else ''}{listed}{hint}"


def _db_path(args) -> str:
    if getattr(args, "db", None):
        return args.db
    if getattr(args, "config", None):
        from .config import load_audit_config
        return load_audit_config(args.config).database
    return DEFAULT_DB


def cmd_history(args: argparse.Namespace, out: Optional[TextIO] = None) -> int:
    from .history import History, HistoryError

    out = out or sys.stdout
    try:
        path = _db_path(args)
    except Exception as exc:  # a config error names file, line and key
        return _err(str(exc))
    if path != ":memory:" and not os.path.exists(path):
        return _err(f"no history database at {path} (run `syndicheck audit` first, or pass --db)")
    limit = getattr(args, "runs", None)
    limit = 10 if limit is None else limit
    if limit < 1:
        return _err("--runs must be at least 1")
    limit = min(limit, _MAX_ID)  # SQLite's integers are 64-bit: a larger LIMIT is an OverflowError
    try:
        with History(path) as hist:
            partner = getattr(args, "partner", None)
            if partner is not None and (why := _unknown_partner(hist, partner, getattr(args, "config", None))):
                return _err(why)
            if getattr(args, "diff", None):
                return _show_diff(hist, args, out)
            runs = hist.runs(limit, partner=getattr(args, "partner", None))
            if args.format == "json":
                json.dump({"database": path, "partner": args.partner, "runs": [r.as_dict() for r in runs]}, out,
                          indent=2)
                out.write("\n")
            else:
                _print_runs(runs, args.partner, out)
            return EXIT_OK
    except HistoryError as exc:
        return _err(str(exc))


# ---- runs --------------------------------------------------------------------------------------


def _date(iso: Optional[str]) -> str:
    if not iso:
        return "-"
    return iso.replace("T", " ")[:16] + (" UTC" if iso.endswith(("+00:00", "Z")) else "")


def _pct(rate: Optional[float]) -> str:
    return "-" if rate is None else f"{rate * 100:.1f}%"


def _print_runs(runs: list[RunSummary], partner: Optional[str], out: TextIO) -> None:
    if not runs:
        out.write("No runs in the history yet.\n")
        return
    title = "Runs" + (f" (partner {partner})" if partner else "") + ", newest first"
    out.write(title + "\n")
    # Pages and findings are told apart: one page with violations may carry several failing findings.
    header = ("run", "started", "status", "pages", "copies", "compliant", "with violations", "failing findings",
              "errors")
    rows = [(str(r.id), _date(r.started), r.status, str(r.pages), str(r.copies), _pct(r.rate),
             str(r.violation_pages), str(r.violations), str(r.errors)) for r in runs]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    left = {1, 2}
    for row in (header, *rows):
        cells = [c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))]
        out.write("  " + "  ".join(cells).rstrip() + "\n")


# ---- diff --------------------------------------------------------------------------------------


_MAX_ID = 2**63 - 1  # the largest SQLite integer


def _resolve_diff(hist: History, values: list[str]) -> tuple[int, int]:
    if len(values) == 1 and values[0].lower() == "last":
        latest = hist.latest_run()
        if latest is None:
            raise ValueError("no runs in the history yet")
        previous = hist.previous_complete_run(latest)
        if previous is None:
            raise ValueError(f"no complete run before run {latest} to compare with")
        return previous, latest
    if len(values) != 2:
        raise ValueError("--diff takes two run ids (--diff A B) or 'last'")
    try:
        a, b = int(values[0]), int(values[1])
    except ValueError:
        raise ValueError(f"--diff run ids must be numbers, not {' '.join(values)!r}") from None
    for run_id in (a, b):
        if not 0 < run_id <= _MAX_ID or hist.run(run_id) is None:
            raise ValueError(f"no run {run_id} in {hist.path}")
    return a, b


def _item(i) -> dict:
    return {"partner": i.partner, "url": i.url, "rule": i.rule, "message": i.message, "fingerprint": i.fingerprint}


def _per_partner(diff: RunDiff) -> dict[str, dict[str, int]]:
    partners = sorted({i.partner for i in (*diff.new, *diff.fixed, *diff.persisting)})
    out = {}
    for p in partners:
        d = diff.for_partner(p)
        out[p] = {"new": len(d.new), "fixed": len(d.fixed), "persisting": len(d.persisting)}
    return out


def _show_diff(hist: History, args, out: TextIO) -> int:
    try:
        a, b = _resolve_diff(hist, args.diff)
    except ValueError as exc:
        return _err(str(exc))
    diff = hist.diff(a, b, partner=args.partner)
    per_partner = _per_partner(diff)
    if args.format == "json":
        json.dump({
            "database": hist.path, "run_a": a, "run_b": b, "partner": args.partner,
            "summary": {"new": len(diff.new), "fixed": len(diff.fixed), "persisting": len(diff.persisting)},
            "new": [_item(i) for i in diff.new], "fixed": [_item(i) for i in diff.fixed],
            "persisting": [_item(i) for i in diff.persisting], "partners": per_partner,
        }, out, indent=2)
        out.write("\n")
        return EXIT_OK
    ra, rb = hist.run(a), hist.run(b)
    assert ra is not None and rb is not None  # _resolve_diff found both
    scope = f" for partner {args.partner}" if args.partner else ""
    out.write(f"Failing findings{scope}: run {a} ({_date(ra.started)}, {ra.status}) -> "
              f"run {b} ({_date(rb.started)}, {rb.status})\n")
    out.write(f"  new: {len(diff.new)}   fixed: {len(diff.fixed)}   persisting: {len(diff.persisting)}\n")
    for label, items in (("New", diff.new), ("Fixed", diff.fixed), ("Persisting", diff.persisting)):
        out.write(f"\n{label} ({len(items)})\n")
        if not items:
            out.write("  none\n")
        for i in items:
            line = f"  [{i.partner}] {i.rule}: {i.url}"
            if i.message:
                line += f" — {i.message}"
            out.write(inert(line) + "\n")  # stored text came from pages and servers: shown, never obeyed
    if per_partner and not args.partner:
        out.write("\nPer partner\n")
        name_w = max(len("partner"), *(len(inert(p)) for p in per_partner))
        out.write(f"  {'partner'.ljust(name_w)}  {'new':>5}  {'fixed':>5}  {'persisting':>10}\n")
        for p, c in per_partner.items():
            out.write(f"  {inert(p).ljust(name_w)}  {c['new']:>5}  {c['fixed']:>5}  {c['persisting']:>10}\n")
    if rb.status == "running":
        out.write(f"\nnote: run {b} is still running (or was interrupted); a URL not yet checked in it is "
                  f"never counted as fixed\n")
    return EXIT_OK
