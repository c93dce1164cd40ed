"""argv -> config -> pipeline -> report; exit status. Console script `syndicheck`, also `python -m checker`."""
from __future__ import annotations

import argparse
import logging
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional, Sequence, TextIO

from . import __version__
from .config_types import DEFAULT_TIME_BUDGET
from .models import Fetched, Outcome, PageResult, Run, Severity, Status
from .strict_yaml import ConfigError

EXIT_OK, EXIT_VIOLATION, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
FORMATS = ("text", "json", "junit", "html", "csv", "markdown", "sarif", "github")
log = logging.getLogger("syndicheck")


class UsageError(Exception):
    """Bad flags or inputs: exit 2."""


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="syndicheck", description="Syndication-license compliance checker.")
    p.add_argument("--version", action="version", version=f"syndicheck {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    c = sub.add_parser("check", help="check pages (URLs, files, directories) against a license pack",
                       description="Check republished pages for the licensor's logo, byline and affiliation.")
    c.add_argument("targets", nargs="*", metavar="TARGET",
                   help="http(s) URL, HTML file, directory (all *.html, *.htm below), glob, or - (URLs on stdin)")
    c.add_argument("--originals", action="append", default=[], metavar="SRC",
                   help="originals manifest (YAML/JSON file or URL) or licensor feed URL; repeatable")
    c.add_argument("--original", metavar="ID|URL", help="pair every target with this original (skips matching)")
    c.add_argument("--license", metavar="PACK", help="license pack name under rules/ or a path (default: dcnf)")
    c.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    c.add_argument("-o", "--output", metavar="PATH", help="write the report here instead of standard output")
    c.add_argument("--report", action="append", default=[], metavar="FORMAT=PATH",
                   help="also write a report in another format, e.g. --report sarif=out.sarif; repeatable")
    c.add_argument("--fail-on", choices=("error", "warning", "never"), default="error",
                   help="lowest severity of a failing finding that makes the exit status 1 (default: error)")
    c.add_argument("--changed-only", metavar="REV",
                   help="only check HTML files among TARGETs that changed since git revision REV")
    c.add_argument("--cache-dir", metavar="DIR", help="cache for fetched feeds/originals (default ~/.cache/syndicheck)")
    c.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS", help="read timeout per request")
    c.add_argument("--max-bytes", type=int, default=10 * 1024 * 1024, metavar="N", help="size cap per page")
    c.add_argument("--jobs", type=int, default=4, metavar="N", help="pages fetched at once (default 4)")
    _budget_flag(c)
    _render_flag(c)
    c.add_argument("--no-color", action="store_true", help="no ANSI colour in text output (also NO_COLOR)")
    c.add_argument("-q", "--quiet", action="store_true", help="only the report, no progress on stderr")
    c.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")

    r = sub.add_parser("rules", help="list and explain the rules of a license pack")
    r.add_argument("rule", nargs="?", metavar="ID", help="explain one rule in full")
    r.add_argument("--license", metavar="PACK", help="license pack name or path (default: dcnf)")

    a = sub.add_parser("audit", help="the nightly audit: discover, fetch, check, store, report",
                       description="Run the nightly audit described by an audit.yaml file.")
    a.add_argument("--config", required=True, metavar="PATH", help="the audit configuration (audit.yaml)")
    a.add_argument("--resume", action="store_true", help="finish the last interrupted run instead of starting one")
    a.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors on stderr")
    a.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    _budget_flag(a, default="audit.yaml check.time_budget, else 20")
    _executor_flags(a)

    w = sub.add_parser("scan-warc", help="check every HTML response in WARC files against the originals",
                       description="Find copies of the licensor's originals in WARC files (a web archive crawl) "
                                   "and check their compliance; reports and exit codes as for `check`.")
    w.add_argument("files", nargs="+", metavar="FILE", help="WARC files (.warc or .warc.gz; fsspec URLs on dask)")
    w.add_argument("--originals", action="append", default=[], metavar="SRC",
                   help="originals manifest (YAML/JSON file or URL) or licensor feed URL; repeatable, required")
    w.add_argument("--license", metavar="PACK", help="license pack name under rules/ or a path (default: dcnf)")
    w.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    w.add_argument("-o", "--output", metavar="PATH", help="write the report here instead of standard output")
    w.add_argument("--fail-on", choices=("error", "warning", "never"), default="error",
                   help="lowest severity of a failing finding that makes the exit status 1 (default: error)")
    w.add_argument("--all", action="store_true", help="list pages that are not copies too (default: copies only)")
    w.add_argument("--jobs", type=int, default=4, metavar="N", help="files scanned at once locally (default 4)")
    w.add_argument("--max-bytes", type=int, default=10 * 1024 * 1024, metavar="N", help="size cap per page")
    w.add_argument("--cache-dir", metavar="DIR", help="cache for fetched feeds/originals (default ~/.cache/syndicheck)")
    w.add_argument("--no-color", action="store_true", help="no ANSI colour in text output (also NO_COLOR)")
    w.add_argument("-q", "--quiet", action="store_true", help="only the report, no summary on stderr")
    w.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    _budget_flag(w)
    _render_flag(w)
    _executor_flags(w, tasks="one task per WARC file")

    from .history_cli import add_history_parser
    add_history_parser(sub)

    d = sub.add_parser("demo", help="the nightly audit, two nights, against bundled sample sites on loopback")
    d.add_argument("--workdir", metavar="DIR", default="demo-output",
                   help="where the demo's database, reports and outbox go (emptied first; default demo-output)")
    return p


def _budget_flag(p: argparse.ArgumentParser, default: str = "20") -> None:
    p.add_argument("--time-budget", type=float, metavar="SECONDS",
                   help=f"CPU seconds to check one page before its remaining rules say `review` "
                        f"(0: unlimited; default {default})")


def _time_budget(args: argparse.Namespace, configured: Optional[float] = DEFAULT_TIME_BUDGET) -> Optional[float]:
    """--time-budget over the configured budget; 0 means unlimited (None)."""
    if args.time_budget is None:
        return configured
    if args.time_budget < 0:
        raise UsageError("--time-budget must be 0 (unlimited) or a positive number of seconds")
    return args.time_budget or None


def _render_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--render", choices=("never", "auto", "always"),
                   help="check pages in a headless Chromium too: auto renders pages whose static verdict is a "
                        "violation or review, or that look script-built (default: auto when Chromium is installed, "
                        "else never)")


def _renderer(requested: Optional[str], **settings):
    """The render mode's Renderer, or None; `always` without a browser is a usage error with the install hint."""
    from .render import RenderUnavailable, make_renderer
    try:
        return make_renderer(requested, **settings)
    except RenderUnavailable as exc:
        raise UsageError(str(exc)) from None


def _executor_flags(p: argparse.ArgumentParser, tasks: str = "one task per host batch") -> None:
    p.add_argument("--executor", choices=("local", "dask"),
                   help=f"run the work on local threads or on dask ({tasks}; needs syndicheck[dask])")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="dask scheduler address (implies --executor dask; without it dask starts a local cluster)")


def _executor_choice(args: argparse.Namespace, kind: str = "local", scheduler: Optional[str] = None
                     ) -> tuple[str, Optional[str]]:
    """--executor / --scheduler over the configured ones; dask must be installed when chosen."""
    if args.executor == "local" and args.scheduler:
        raise UsageError("--scheduler is for --executor dask")
    kind = args.executor or ("dask" if args.scheduler else kind)
    scheduler = args.scheduler or scheduler if kind == "dask" else None
    if kind == "dask":
        from .crawl.dask_executor import DaskUnavailable, require_distributed
        try:
            require_distributed()
        except DaskUnavailable as exc:
            raise UsageError(str(exc)) from None
        # dask logs every worker start and stop at INFO; set after its import, which sets its own level.
        logging.getLogger("distributed").setLevel(logging.DEBUG if getattr(args, "verbose", False) else
                                                  logging.ERROR if getattr(args, "quiet", False) else logging.WARNING)
    return kind, scheduler


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    level = logging.DEBUG if getattr(args, "verbose", False) else (
        logging.ERROR if getattr(args, "quiet", False) else logging.WARNING)
    logging.basicConfig(level=level, format="syndicheck: %(levelname)s: %(message)s")
    try:
        if args.command == "check":
            return cmd_check(args)
        if args.command == "rules":
            return cmd_rules(args)
        if args.command == "audit":
            return cmd_audit(args)
        if args.command == "scan-warc":
            return cmd_scan_warc(args)
        if args.command == "history":
            from .history_cli import cmd_history
            return cmd_history(args)
        if args.command == "demo":
            from .demo.run import run_demo
            return run_demo(args)
    except ConfigError as exc:
        print(f"syndicheck: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"syndicheck: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("syndicheck: interrupted", file=sys.stderr)
        return 130
    return EXIT_USAGE


def _fetch_all(targets, fetcher, max_bytes: int, jobs: int) -> Iterator[Fetched]:
    """Fetched documents in target order; URLs are fetched a few at a time, files read directly."""
    from .sources.targets import read_file

    def one(t) -> Fetched:
        if t.kind == "url":
            return fetcher.fetch(t.location)
        if t.kind == "file":
            return read_file(t, max_bytes)
        return Fetched(target=t.given, url=t.location, error=t.reason or "no such file or directory", path=t.given)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        batch: list = []
        for t in targets:
            batch.append(t)
            if len(batch) >= jobs * 4:
                yield from pool.map(one, batch)
                batch = []
        yield from pool.map(one, batch)


def exit_status(results: Sequence[PageResult], fail_on: str) -> int:
    """0 clean, 1 a failing finding at or above --fail-on, 3 no violations but a target was not checked."""
    threshold = {"error": Severity.ERROR.rank, "warning": Severity.WARNING.rank, "never": 99}[fail_on]
    failing = any(f.outcome is Outcome.FAIL and f.severity.rank >= threshold for r in results for f in r.findings)
    if failing:
        return EXIT_VIOLATION
    if any(r.status is Status.ERROR for r in results):
        return EXIT_INCOMPLETE
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from .crawl.fetcher import FetchSettings, Fetcher
    from .originals import load_all
    from .pipeline import Checker
    from .ruleset import load_pack
    from .sources.targets import expand_targets

    if not args.targets:
        raise UsageError("check needs at least one TARGET (URL, file, directory, glob or -)")
    if args.jobs < 1 or args.max_bytes < 1 or args.timeout <= 0:
        raise UsageError("--jobs, --max-bytes and --timeout must be positive")
    extra_reports = [_report_spec(spec) for spec in args.report]
    pack = load_pack(args.license)
    settings = FetchSettings(read_timeout=args.timeout, max_bytes=args.max_bytes)
    fetcher = Fetcher(settings)
    cache_dir = Path(args.cache_dir) if args.cache_dir else None
    originals = load_all(args.originals, fetcher=fetcher, cache_dir=cache_dir) if args.originals else []
    if args.original and not originals and not args.originals:
        raise UsageError("--original needs --originals to say where the original comes from")
    renderer = _renderer(args.render, allow_private=None, max_bytes=args.max_bytes)
    try:
        checker = Checker.build(pack, originals, forced=args.original, time_budget=_time_budget(args),
                                renderer=renderer)
    except LookupError as exc:
        raise UsageError(str(exc)) from None
    if not originals:
        log.warning("no originals given (--originals): every page will be reported as not a copy")
    targets = expand_targets(args.targets, sys.stdin if "-" in args.targets else None)
    if args.changed_only:
        from .sources.changed import changed_since
        targets = changed_since(targets, args.changed_only)
    started = _now()
    results: list[PageResult] = []
    try:
        for fetched in _fetch_all(targets, fetcher, args.max_bytes, args.jobs):
            result = checker.check(fetched)
            results.append(result)
            if not args.quiet and result.status is Status.ERROR:
                log.warning("%s: %s", result.target, result.error)
    finally:
        if renderer is not None:
            renderer.close()
    fetcher.close()
    run = Run(license=pack.id, tool_version=__version__, results=tuple(results), started=started, finished=_now())
    return write_reports(run, [(args.format, args.output), *extra_reports], exit_status(results, args.fail_on),
                         no_color=args.no_color)


def _report_spec(spec: str) -> tuple[str, str]:
    fmt, sep, path = spec.partition("=")
    if not sep or not path:
        raise UsageError(f"--report {spec!r}: expected FORMAT=PATH, e.g. sarif=report.sarif")
    if fmt not in FORMATS:
        raise UsageError(f"--report {spec!r}: unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    return fmt, path


def write_reports(run: Run, reports: Sequence[tuple[str, Optional[str]]], status: int, *,
                  no_color: bool = False) -> int:
    """Write every requested report, even after one fails; returns the exit status.

    A report that cannot be written is an error naming the format, the file and why. The run's
    status stands when it is 1 (a CI job fails on the violations either way, and they are what
    matters); otherwise it becomes 2, so a clean run whose report is missing never looks clean."""
    failed = False
    for fmt, output in reports:
        try:
            write_report(run, fmt, output, no_color=no_color)
        except UsageError as exc:
            print(f"syndicheck: error: {exc}", file=sys.stderr)
            failed = True
    return status if not failed or status == EXIT_VIOLATION else EXIT_USAGE


def write_report(run: Run, fmt: str, output: Optional[str], *, no_color: bool = False) -> None:
    """Render to a file (written to a temporary name, then renamed) or to standard output."""
    from .report import render

    if output and output != "-":
        from .audit_output import ReportWriteError, write_atomic

        try:  # rendered in memory, written to an exclusive temporary file, then renamed
            write_atomic(Path(output), lambda fh: render(fmt, run, fh, color=False))
        except ReportWriteError as exc:
            cause = exc.__cause__
            reason = (getattr(cause, "strerror", None) or str(cause)) if cause is not None else str(exc)
            raise UsageError(f"the {fmt} report {output} could not be written: {reason}") from None
        return
    color = fmt == "text" and not no_color and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    render(fmt, run, sys.stdout, color=color)


def cmd_audit(args: argparse.Namespace) -> int:
    """0 when the run completed (violations are its normal output), 2 config error, 3 run not completed."""
    from .audit import run_audit
    from .audit_output import ReportWriteError
    from .config import load_audit_config
    from .history import HistoryError, HistoryWriteError
    from .render import RenderUnavailable

    config = load_audit_config(args.config)
    from .memory import limit_malloc_arenas
    limit_malloc_arenas()  # before the crawl threads start: see checker/memory.py
    kind, scheduler = _executor_choice(args, config.executor, config.scheduler)
    config = replace(config, executor=kind, scheduler=scheduler, time_budget=_time_budget(args, config.time_budget))
    if not args.verbose:
        logging.getLogger("syndicheck").setLevel(logging.WARNING if args.quiet else logging.INFO)
    from .audit import make_executor
    executor = make_executor(config)
    try:
        if hasattr(executor, "open"):  # connect to the scheduler (or start the local cluster) before the run
            try:
                executor.open()
            except (OSError, TimeoutError) as exc:
                print(f"syndicheck: error: cannot reach the dask scheduler {scheduler}: {exc}", file=sys.stderr)
                return EXIT_INCOMPLETE
        outcome = run_audit(config, resume=args.resume, tty=sys.stderr.isatty(), quiet=args.quiet,
                            executor=executor)
    except RenderUnavailable as exc:  # check.render: always, and no browser here
        raise UsageError(str(exc)) from None
    except ReportWriteError as exc:
        print(f"syndicheck: error: {exc}; the run's pages are stored: `syndicheck audit --resume` writes its "
              "reports", file=sys.stderr)
        return EXIT_INCOMPLETE
    except HistoryError as exc:  # cannot open or write the database (newer schema; disk full, I/O error)
        hint = ("; the pages stored before it are kept: `syndicheck audit --resume` finishes the run"
                if isinstance(exc, HistoryWriteError) else "")
        print(f"syndicheck: error: {exc}{hint}", file=sys.stderr)
        return EXIT_INCOMPLETE
    finally:
        if hasattr(executor, "close"):
            executor.close()
    summary = Run(license=outcome.report.license, tool_version=__version__,
                  results=tuple(p.result for p in outcome.report.pages)).summary
    d = outcome.report.diff
    print(f"run {outcome.run_id}: {summary['pages']} pages, {summary['compliant']} compliant, "
          f"{summary['violation']} violation, {summary['review']} review, {summary['error']} error; "
          f"{len(d.new)} new, {len(d.fixed)} fixed, {len(d.persisting)} persisting violations")
    for f in outcome.files:
        if f.endswith(".html"):
            print(f"HTML report: {f}")
    return EXIT_OK if outcome.complete else EXIT_INCOMPLETE


def cmd_scan_warc(args: argparse.Namespace) -> int:
    """Like `check`, over the HTML responses of WARC files: 0 clean, 1 violations, 2 usage, 3 a file unreadable."""
    from .crawl.dask_executor import ShippedChecker
    from .crawl.fetcher import Fetcher
    from .originals import load_all
    from .pipeline import Checker
    from .ruleset import load_pack
    from .scan_warc import scan_warcs

    if not args.originals:
        raise UsageError("scan-warc needs --originals: without originals no page can be a copy")
    if args.jobs < 1 or args.max_bytes < 1:
        raise UsageError("--jobs and --max-bytes must be positive")
    kind, scheduler = _executor_choice(args)
    pack = load_pack(args.license)
    with Fetcher() as fetcher:
        originals = load_all(args.originals, fetcher=fetcher,
                             cache_dir=Path(args.cache_dir) if args.cache_dir else None)
    # WARC records are archived pages: rendered offline (their subresources are not fetched live from the web).
    renderer = _renderer(args.render, allow_private=False, offline=True, max_bytes=args.max_bytes)
    checker = Checker.build(pack, originals, time_budget=_time_budget(args), renderer=renderer)
    if kind == "dask":
        from .crawl.dask_executor import DaskExecutor
        executor = DaskExecutor(scheduler)  # a LocalCluster without a scheduler: one process per core
        try:
            executor.open()
        except (OSError, TimeoutError) as exc:
            print(f"syndicheck: error: cannot reach the dask scheduler {scheduler}: {exc}", file=sys.stderr)
            return EXIT_INCOMPLETE
    else:
        from .crawl.executor import LocalExecutor
        executor = LocalExecutor(concurrency=args.jobs)
    started = _now()
    order = {p: i for i, p in enumerate(args.files)}
    scanned = []
    try:
        for item in scan_warcs(args.files, ShippedChecker(pack, originals, checker=checker), executor,
                               include_all=args.all, max_bytes=args.max_bytes):
            scanned.append(item)
            if item.error and not args.quiet:
                log.warning("%s", item.error)
    finally:
        if hasattr(executor, "close"):
            executor.close()
        if renderer is not None:
            renderer.close()
    # Files finish in any order; the report lists them in the order given, records in file order.
    index = {os.path.abspath(p) if "://" not in p else p: i for p, i in order.items()}
    scanned.sort(key=lambda f: index.get(f.path, order.get(f.path, len(order))))
    results = [r for f in scanned for r in f.results]
    run = Run(license=pack.id, tool_version=__version__, results=tuple(results), started=started, finished=_now())
    if not args.quiet:
        s = run.summary
        copies = s["compliant"] + s["violation"] + s["review"]
        print(f"scan-warc: {len(scanned)} WARC files, {sum(f.html for f in scanned)} HTML responses: {copies} copies "
              f"({s['compliant']} compliant, {s['violation']} violation, {s['review']} review), "
              f"{s['error']} could not be checked", file=sys.stderr)
    return write_reports(run, [(args.format, args.output)], exit_status(results, args.fail_on),
                         no_color=args.no_color)


def cmd_rules(args: argparse.Namespace) -> int:
    from .checks.registry import CHECKS
    from .ruleset import load_pack

    pack = load_pack(args.license)
    out: TextIO = sys.stdout
    if args.rule:
        rule = pack.rule(args.rule)
        if rule is None:
            raise UsageError(f"pack '{pack.id}' has no rule '{args.rule}' (rules: {', '.join(r.id for r in pack.rules)})")
        print(f"{rule.id}: {rule.title}  [severity {rule.severity.value}]", file=out)
        print(f"  defined in {rule.source}", file=out)
        print(f"\n{rule.description}\n", file=out)
        if rule.fix:
            print(f"How to fix: {rule.fix}\n", file=out)
        print("Checks:", file=out)
        for call in rule.checks:
            params = ", ".join(f"{k}={v!r}" for k, v in call.params)
            print(f"  - {call.id}{f' ({params})' if params else ''}: {CHECKS[call.id].doc}", file=out)
        if rule.examples:
            print("\nExamples:", file=out)
            for ex in rule.examples:
                print(f"  - {ex.expect.value:4}  {ex.name}", file=out)
        return EXIT_OK
    print(f"License pack '{pack.id}': {pack.name} ({pack.directory})", file=out)
    print(f"Aliases: {', '.join(pack.aliases)}; not counted: {', '.join(pack.not_aliases)}\n", file=out)
    width = max(len(r.id) for r in pack.rules)
    for rule in pack.rules:
        print(f"  {rule.id:<{width}}  {rule.severity.value:<7}  {rule.title}", file=out)
    print("\n`syndicheck rules ID` explains one rule.", file=out)
    return EXIT_OK


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
