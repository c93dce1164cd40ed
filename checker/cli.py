"""argv -> config -> pipeline -> report; exit status. Console script `syndicheck`, also `python -m checker`."""
from __future__ import annotations

import argparse
import errno
import logging
import math
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator, Optional, Sequence, TextIO

from . import __version__, startup_gc
from .budget import DEFAULT_TIME_BUDGET  # not config_types: `check` needs none of the audit's config
from .models import Fetched, Outcome, PageResult, Run, Severity, Status
from .strict_yaml import ConfigError
from .terminal import InertFormatter, inert

EXIT_OK, EXIT_VIOLATION, EXIT_USAGE, EXIT_INCOMPLETE = 0, 1, 2, 3
EXIT_INTERNAL = 70  # an unexpected error, i.e. a bug (sysexits EX_SOFTWARE): one line, -v for the traceback
EXIT_BROKEN_PIPE = 141  # the reader of standard output went away (`| head`): 128 + SIGPIPE, as the shell shows it
from .report import CHECK_FORMATS as FORMATS  # noqa: E402 (the report registry: checker/report)
log = logging.getLogger("syndicheck")


class UsageError(Exception):
    """Bad flags or inputs: exit 2."""


class _Parser(argparse.ArgumentParser):
    """Usage errors as one line with the shared prefix (`syndicheck: error: ...`), not a usage dump."""

    def error(self, message: str):  # type: ignore[override]
        command = self.prog.split(" ", 1)[1] if " " in self.prog else ""
        hint = f"`syndicheck {command + ' ' if command else ''}--help` lists the options"
        self.exit(EXIT_USAGE, f"syndicheck: error: {message} ({hint})\n")


CHECK_EPILOG = """\
exit codes:
  0  no failing finding at or above --fail-on, and every target checked
  1  violations: a failing finding at or above --fail-on
  2  usage, config or rule-pack error (the message names file, line and key); no --originals;
     a report that could not be written
  3  no violations, but a target (or an --originals URL) could not be read, or no page was checked

config file: syndicheck.toml, or [tool.syndicheck] in pyproject.toml, the nearest one found from the
working directory upward, may set any option above (originals = ["originals.yaml"], fail-on = "warning",
exclude = ["drafts/*"], ...); paths in it are relative to it; a flag given here overrides it."""


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="syndicheck", description="Syndication-license compliance checker.")
    p.add_argument("--version", action="version", version=f"syndicheck {__version__}")
    p.add_argument("-v", "--verbose", dest="debug", action="store_true",
                   help="debug logging and tracebacks, for every command (also after the command: check -v)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("check", help="check pages (URLs, files, directories) against a license pack",
                       description="Check republished pages for the licensor's logo, byline and affiliation.",
                       epilog=CHECK_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    c.add_argument("targets", nargs="*", metavar="TARGET",
                   help="http(s) URL, HTML file, directory (all *.html, *.htm below), glob, or - (URLs on stdin)")
    c.add_argument("--originals", action="append", default=[], metavar="SRC",
                   help="originals manifest (YAML/JSON file or URL) or licensor feed URL; repeatable")
    c.add_argument("--original", metavar="ID|URL", help="pair every target with this original (skips matching)")
    c.add_argument("--license", metavar="PACK", help="license pack name under rules/ or a path (default: the pack named in rules/DEFAULT)")
    c.add_argument("--format", choices=FORMATS, default="text", help="report format (default: text)")
    c.add_argument("-o", "--output", metavar="PATH", help="write the report here instead of standard output")
    c.add_argument("--report", action="append", default=[], metavar="FORMAT=PATH",
                   help="also write a report in another format, e.g. --report sarif=out.sarif; repeatable")
    c.add_argument("--fail-on", choices=("error", "warning", "never"), default="error",
                   help="lowest severity of a failing finding that makes the exit status 1 (default: error)")
    c.add_argument("--site-root", metavar="DIR",
                   help="where root-relative paths of local pages (src=\"/img/logo.png\") are found "
                        "(default: the directory given as TARGET)")
    c.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                   help="skip targets matching this glob (`*` crosses directories, e.g. 'drafts/*'); repeatable")
    c.add_argument("--ignore", action="append", default=[], metavar="RULE",
                   help="do not check this rule (e.g. logo); repeatable")
    c.add_argument("--config", metavar="PATH",
                   help="options from this TOML file instead of the syndicheck.toml or pyproject.toml "
                        "[tool.syndicheck] found upward from the working directory")
    c.add_argument("--no-config", action="store_true", help="ignore config files: flags only")
    c.add_argument("--changed-only", metavar="REV",
                   help="only check HTML files among TARGETs that changed since git revision REV")
    c.add_argument("--cache-dir", metavar="DIR", help="cache for fetched feeds/originals (default ~/.cache/syndicheck)")
    c.add_argument("--timeout", type=_seconds, default=20.0, metavar="SECONDS",
                   help="read timeout per request (default 20)")
    c.add_argument("--max-bytes", type=int, default=10 * 1024 * 1024, metavar="N",
                   help="size cap per page, in bytes (default 10485760: 10 MiB)")
    c.add_argument("--jobs", type=int, default=4, metavar="N", help="pages fetched at once (default 4)")
    c.add_argument("--allow-private-redirects", action="store_true",
                   help="follow redirects from a public host to a private or loopback address (not followed by default)")
    _budget_flag(c)
    _render_flag(c)
    c.add_argument("--no-color", action="store_true",
                   help="no ANSI colour in text output (also NO_COLOR; FORCE_COLOR colours it without a terminal)")
    c.add_argument("-q", "--quiet", action="store_true", help="only the report, no progress on stderr")
    c.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")

    r = sub.add_parser("rules", help="list and explain the rules of a license pack",
                       description="List the rules of a license pack, or explain one: what it requires, how to fix "
                                   "a failure, the checks it is built from and its examples.")
    r.add_argument("rule", nargs="?", metavar="ID", help="explain one rule in full")
    r.add_argument("--license", metavar="PACK", help="license pack name or path (default: the pack named in rules/DEFAULT)")
    r.add_argument("--test", nargs="?", const="", metavar="PACK|DIR",
                   help="run the examples of a pack (a name or directory), of every pack in DIR, or of every bundled "
                        "pack: one PASS/FAIL line each; exit 0 when all hold, 1 otherwise")
    r.add_argument("--new", metavar="DIR", help="write a commented starting pack into DIR (new or empty)")

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
    w.add_argument("--license", metavar="PACK", help="license pack name under rules/ or a path (default: the pack named in rules/DEFAULT)")
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

    d = sub.add_parser("demo", help="the nightly audit, two nights, against bundled sample sites on loopback",
                       description="Serve a sample licensor and five partner sites on 127.0.0.10-15, audit them "
                                   "for two nights and print what changed; nothing leaves this machine.")
    d.add_argument("--workdir", metavar="DIR", default="demo-output",
                   help="where the demo's database, reports and outbox go (default demo-output); emptied first "
                        "when it is a previous demo's, refused when it holds other files")
    d.add_argument("--force", action="store_true", help="empty --workdir even when it holds other files")
    return p


def _budget_flag(p: argparse.ArgumentParser, default: str = "20") -> None:
    p.add_argument("--time-budget", type=_seconds, metavar="SECONDS",
                   help=f"CPU seconds to check one page before its remaining rules say `review` "
                        f"(0: unlimited; default {default})")


def _time_budget(args: argparse.Namespace, configured: Optional[float] = DEFAULT_TIME_BUDGET) -> Optional[float]:
    """--time-budget over the configured budget; 0 means unlimited (None)."""
    if args.time_budget is None:
        return configured
    if args.time_budget < 0:
        raise UsageError("--time-budget must be 0 (unlimited) or a positive number of seconds")
    return args.time_budget or None


def _seconds(text: str) -> float:
    """A number of seconds; `nan` and `inf`, which float() reads and every range check lets by, are refused."""
    value = float(text)  # a ValueError is argparse's "invalid _seconds value"; the name below makes it read well
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds, got {text!r}")
    return value


_seconds.__name__ = "number of seconds"


def _render_flag(p: argparse.ArgumentParser) -> None:
    p.add_argument("--render", choices=("never", "auto", "always"),
                   help="check pages in a headless Chromium too: auto renders pages whose static verdict is a "
                        "violation or review, or that look script-built (default: auto when Chromium is installed, "
                        "else never)")


def _renderer(requested: Optional[str], **settings):
    """The render mode's Renderer, or None; `always` without a browser is a usage error with the install hint."""
    if requested == "never":
        return None  # without importing the browser side (asyncio, Playwright): `check` starts sooner
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


def _setup_logging(args: argparse.Namespace, verbose: bool) -> None:
    """One stderr handler whose lines are inert (no escape sequence from a page or server acts on the terminal)
    and carry no traceback unless -v; library warnings (urllib3's header parsing, full pools) only with -v."""
    level = logging.DEBUG if verbose else (logging.ERROR if getattr(args, "quiet", False) else logging.WARNING)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(InertFormatter("syndicheck: %(levelname)s: %(message)s", tracebacks=verbose))
    logging.basicConfig(level=level, handlers=[handler])
    logging.raiseExceptions = False  # stderr closed under us (`2>&- `, a dead pipe) is no reason for a traceback
    logging.captureWarnings(True)  # Python warnings of libraries (bs4, Pillow, urllib3) become log records
    if not verbose:
        logging.getLogger("urllib3").setLevel(logging.ERROR)
        logging.getLogger("py.warnings").setLevel(logging.ERROR)


def _on_interrupt_cut_fetches():
    """Ctrl-C cuts the fetches in flight before KeyboardInterrupt unwinds the command: the threads it then waits
    for end at once, not when the slowest server's timeout runs out (18 s after Ctrl-C with the defaults)."""
    import signal
    import threading

    fetcher = sys.modules.get("checker.crawl.fetcher")
    if fetcher is not None:
        fetcher.reset_abort()  # an earlier command in this process was interrupted
    if threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        return lambda: None  # SIGINT ignored (a background job) or handled by the embedding program

    def on_sigint(signum, frame):
        loaded = sys.modules.get("checker.crawl.fetcher")  # never imported just for this (requests is slow)
        if loaded is not None:
            loaded.abort_all()
        signal.default_int_handler(signum, frame)

    signal.signal(signal.SIGINT, on_sigint)
    return lambda: signal.signal(signal.SIGINT, signal.default_int_handler)


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def main(argv: Optional[Sequence[str]] = None) -> int:
    """The command line: every outcome is an exit status and at most a few lines, never a traceback without -v."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    args.argv = argv  # for `check`: which options the command line set, over a config file
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command != "check":  # `check` resumes the collector once its checker is built
        startup_gc.resume()
    verbose = bool(args.debug or getattr(args, "verbose", False))
    _setup_logging(args, verbose)
    restore = _on_interrupt_cut_fetches()
    try:
        status = _dispatch(args)
        sys.stdout.flush()  # here, not at interpreter exit, so that a closed pipe is handled below
        return status
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        if exc.errno not in _NO_ROOM:
            return _internal_error(args, exc, verbose)
        # A full disk or quota (standard output sent to a file, most often): the machine's trouble, not a bug.
        where = f" {exc.filename}" if exc.filename else " the output"
        print(inert(f"syndicheck: error: cannot write{where}: {exc.strerror or exc}"), file=sys.stderr)
        _quiet_stdout()  # the interpreter's last flush of what is left would fail again
        return EXIT_USAGE
    except Exception as exc:  # noqa: BLE001 - a bug: one line naming the command and the cause, never a traceback
        return _internal_error(args, exc, verbose)
    finally:
        restore()


# No space on the disk, over quota, over the file size limit: where a command's output goes, not a bug of ours.
_NO_ROOM = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


def _internal_error(args: argparse.Namespace, exc: BaseException, verbose: bool) -> int:
    if verbose:
        import traceback
        print(inert(traceback.format_exc(), keep_layout=True), file=sys.stderr, end="")
    hint = "" if verbose else " (run with -v for the traceback)"
    print(inert(f"syndicheck {args.command}: internal error: {type(exc).__name__}: {exc}") + hint,
          file=sys.stderr)
    return EXIT_INTERNAL


def _dispatch(args: argparse.Namespace) -> int:
    try:
        _refuse_empty_values(args)
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
            from .demo.run import DemoDirError, run_demo
            try:
                return run_demo(args)
            except DemoDirError as exc:
                raise UsageError(str(exc)) from None
    except ConfigError as exc:
        print(inert(f"syndicheck: error: {exc}"), file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(inert(f"syndicheck: error: {exc}"), file=sys.stderr)
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


def _check_arguments(args: argparse.Namespace) -> Optional[str]:
    """Apply the check config file to `args` and validate the flags; the config file's path, if any."""
    from .check_config import apply_config

    try:
        config_file = apply_config(args, _parser(), {"format": FORMATS, "fail-on": ("error", "warning", "never"),
                                                       "render": ("never", "auto", "always")})
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    if not args.targets:
        raise UsageError("check needs at least one TARGET (URL, file, directory, glob or -)")
    if args.jobs < 1 or args.max_bytes < 1 or args.timeout <= 0:
        raise UsageError("--jobs, --max-bytes and --timeout must be positive")
    if not args.originals:  # a CI job that forgot the flag must not go green: no page could be a copy
        raise UsageError("check needs --originals SRC (a manifest, feed or original's URL): "
                         "without originals no page can be recognised as a copy")
    if getattr(args, "output", None) == "":  # an empty -o would print to standard output without a word
        raise UsageError("-o: empty path (give a file name, or - for standard output)")
    _refuse_empty_values(args)  # again: the config file may have set them
    if args.site_root and not os.path.isdir(args.site_root):
        raise UsageError(f"--site-root {args.site_root}: not a directory")
    _check_source_urls(args.originals)
    return config_file


# Options whose empty value argparse keeps as "" and the commands then read as "not given" (`if args.x:`): the
# default cache, config, database or work directory, every file checked, the current directory for a new pack.
_NOT_EMPTY = {"cache_dir": "--cache-dir", "changed_only": "--changed-only", "site_root": "--site-root",
              "config": "--config", "db": "--db", "workdir": "--workdir", "new": "--new", "scheduler": "--scheduler"}


def _refuse_empty_values(args: argparse.Namespace) -> None:
    for name, flag in _NOT_EMPTY.items():
        value = getattr(args, name, None)
        if isinstance(value, str) and not value.strip():
            raise UsageError(f"{flag}: an empty value (an unset variable in a CI step?)")


def _check_source_urls(sources: Sequence[str]) -> None:
    """--originals URLs that cannot be fetched at all ('http://[::1', a port over 65535) are usage errors."""
    from urllib.parse import urlsplit

    for src in sources:
        if not src.lower().startswith(("http://", "https://")):
            continue
        try:
            parts = urlsplit(src)
            parts.port  # noqa: B018 - raises ValueError for a port out of range
        except ValueError as exc:
            raise UsageError(f"--originals {src!r}: invalid URL: {exc}") from None
        if not parts.hostname:
            raise UsageError(f"--originals {src!r}: invalid URL: it has no host")


def _check_pack(args: argparse.Namespace):
    """The license pack, with every --ignore naming one of its rules."""
    from .ruleset import load_pack

    pack = load_pack(args.license)
    unknown = sorted(set(args.ignore) - {r.id for r in pack.rules})
    if unknown:
        raise UsageError(f"--ignore {', '.join(unknown)}: pack '{pack.id}' has no such rule "
                         f"(rules: {', '.join(r.id for r in pack.rules)})")
    if pack.rules and set(args.ignore) >= {r.id for r in pack.rules}:  # every copy would pass: a silent green
        raise UsageError(f"--ignore {', '.join(args.ignore)}: that is every rule of pack '{pack.id}', "
                         "so nothing would be checked")
    return pack


def _check_originals(args: argparse.Namespace, fetcher) -> Optional[list]:
    """The originals of --originals; None (said on stderr) when no source could be read, only some: said, and
    args.originals_unreachable set (exit 3 unless there are violations)."""
    from .originals import OriginalsUnreachable, load_all

    cache_dir = Path(args.cache_dir) if args.cache_dir else None
    unreachable: list[OriginalsUnreachable] = []
    originals = load_all(args.originals, fetcher=fetcher, cache_dir=cache_dir, unreachable=unreachable)
    for exc in unreachable:  # could not be read, like a target: exit 3 (1 with violations), not a usage error
        print(inert(f"syndicheck: error: {exc}"), file=sys.stderr)
    args.originals_unreachable = bool(unreachable)  # the other sources' copies are still checked
    if unreachable and not originals:
        return None
    if not originals:
        raise UsageError(f"the originals ({', '.join(args.originals)}) hold no article: "
                         "no page could be recognised as a copy")
    if not getattr(args, "original", None):  # --original pairs pages by force: no text needed to find them
        _originals_with_text(originals, args.originals)
    return originals


def _originals_with_text(originals: Sequence, sources: Sequence[str]) -> None:
    """Copies are recognised by the originals' text: none with any is a usage error (every page would pass as
    "not a copy", a silent green); some without is a warning naming them."""
    from .original_text import MIN_WORDS, has_text, named

    short = [o for o in originals if not has_text(o)]
    if len(short) == len(originals):
        which = "the original has no" if len(originals) == 1 else f"none of the {len(originals)} originals has a"
        raise UsageError(f"the originals ({', '.join(sources)}) hold no article text: {which} `text` of {MIN_WORDS} "
                         "words or more, so no page could be recognised as a copy "
                         "(give each original's text, or pair pages with --original ID)")
    if short:
        log.warning("%d of %d originals have no text to recognise copies by (%s): their copies will be "
                    "'not a copy'", len(short), len(originals), inert(named(short)))


def _check_targets(args: argparse.Namespace, config_file: Optional[str]) -> Iterator:
    """The targets to check: expanded, less --exclude, under --site-root, only --changed-only."""
    from .check_config import excluded
    from .sources.targets import expand_targets

    targets = expand_targets(args.targets, sys.stdin if "-" in args.targets else None)
    if args.exclude:
        base = os.path.dirname(config_file) if config_file else None
        targets = (t for t in targets if not excluded(t.given, args.exclude, base))
    if args.site_root:
        targets = (replace(t, root=args.site_root) if t.kind == "file" else t for t in targets)
    if args.changed_only:
        from .sources.changed import changed_since
        targets = changed_since(targets, args.changed_only)
    return targets


def _check_all(args: argparse.Namespace, checker, fetcher, targets: Iterator) -> list[PageResult]:
    """Every target fetched (or read) and checked, in target order; errors logged unless a text report says them."""
    from .check_config import without_rules

    text_on_stdout = args.format == "text" and args.output in (None, "-")
    results: list[PageResult] = []
    for fetched in _fetch_all(targets, fetcher, args.max_bytes, args.jobs):
        result = without_rules(checker.check(fetched), args.ignore)
        results.append(result)
        if not args.quiet and result.status is Status.ERROR and not text_on_stdout:
            log.warning("%s: %s", result.target, result.error)  # the text report on stdout says it already
    return results


def cmd_check(args: argparse.Namespace) -> int:
    from .lazy_import import defer_import
    # Soup Sieve (CSS selectors, imported by bs4 at start-up) compiles ~50 regular expressions on import:
    # about a sixth of a check's start-up, used only for a page whose stylesheet hides something by selector.
    defer_import("soupsieve")
    # charset_normalizer (imported by bs4.dammit and checker.decode; ~6-10 ms of start-up) guesses the encoding
    # of a page that declares none and is not UTF-8: imported at that first guess.
    defer_import("charset_normalizer")
    from .crawl.lazy_fetcher import LazyFetcher
    from .pipeline import Checker

    config_file = _check_arguments(args)
    extra_reports = [_report_spec(spec) for spec in args.report]
    _distinct_outputs([(args.format, args.output), *extra_reports])
    pack = _check_pack(args)
    # requests is imported only for URLs: a check of local files against a local manifest never needs it
    fetcher = LazyFetcher(read_timeout=args.timeout, max_bytes=args.max_bytes, pool_maxsize=args.jobs,
                          allow_private_redirects=args.allow_private_redirects)
    renderer = None
    try:
        originals = _check_originals(args, fetcher)
        if originals is None:
            return EXIT_INCOMPLETE
        renderer = _renderer(args.render, allow_private=None, max_bytes=args.max_bytes)
        try:
            checker = Checker.build(pack, originals, forced=args.original, time_budget=_time_budget(args),
                                    renderer=renderer)
        except LookupError as exc:
            raise UsageError(str(exc)) from None
        startup_gc.resume()  # what was made so far lives until exit: only the pages' objects are collected
        started = _now()
        results = _check_all(args, checker, fetcher, _check_targets(args, config_file))
    finally:
        if renderer is not None:
            renderer.close()
        fetcher.close()
    run = Run(license=pack.id, tool_version=__version__, results=tuple(results), started=started, finished=_now())
    status = _nothing_checked(args, results)
    if status == EXIT_OK and getattr(args, "originals_unreachable", False):
        status = EXIT_INCOMPLETE  # a source of originals was not read: its copies may have gone unrecognised
    return write_reports(run, [(args.format, args.output), *extra_reports], status, no_color=args.no_color)


def _nothing_checked(args: argparse.Namespace, results: Sequence[PageResult]) -> int:
    """The exit status; no page at all is said in a line: 3 (a silent green otherwise), but 0 with --changed-only,
    where it means no HTML file changed (a pull request that touches no page must pass)."""
    if results:
        return exit_status(results, args.fail_on)
    if args.changed_only:
        if not args.quiet:
            print(inert(f"syndicheck: no HTML file among the targets changed since {args.changed_only!r}: "
                        "nothing to check"), file=sys.stderr)
        return EXIT_OK
    why = (["standard input gave no URL or path"] if "-" in args.targets else []) \
        + (["every page matched --exclude"] if args.exclude else [])
    print(inert(f"syndicheck: error: nothing was checked: {' or '.join(why) or 'the targets gave no page'}"),
          file=sys.stderr)
    return EXIT_INCOMPLETE


def _report_spec(spec: str) -> tuple[str, str]:
    fmt, sep, path = spec.partition("=")
    if not sep or not path:
        raise UsageError(f"--report {spec!r}: expected FORMAT=PATH, e.g. sarif=report.sarif")
    if fmt not in FORMATS:
        raise UsageError(f"--report {spec!r}: unknown format '{fmt}' (formats: {', '.join(FORMATS)})")
    return fmt, path


def _distinct_outputs(reports: Sequence[tuple[str, Optional[str]]]) -> None:
    """Two reports written to one place would be mixed (standard output) or one would replace the other."""
    seen: dict[str, str] = {}
    for fmt, output in reports:
        # A new path ending in '/' was written as a file named without the slash (an existing directory is
        # refused when written: "Is a directory").
        if output and output.endswith(("/", os.sep)) and not os.path.isdir(output):
            ext = {"text": "txt", "markdown": "md", "junit": "xml", "github": "txt"}.get(fmt, fmt)
            raise UsageError(f"the {fmt} report's path {output} ends in '/', so names a directory: give a file "
                             f"name, e.g. {output}report.{ext}")
        where = "standard output" if output in (None, "-") else os.path.normpath(os.path.abspath(output))
        if where == os.devnull:
            continue  # discarded, however many go there
        if where in seen:
            raise UsageError(f"the {seen[where]} and {fmt} reports would both go to "
                             f"{where if where == 'standard output' else output}: give each report its own file")
        seen[where] = fmt


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
            print(inert(f"syndicheck: error: {exc}"), file=sys.stderr)
            failed = True
    return status if not failed or status == EXIT_VIOLATION else EXIT_USAGE


def write_report(run: Run, fmt: str, output: Optional[str], *, no_color: bool = False) -> None:
    """Render to a file (written to a temporary name, then renamed) or to standard output."""
    from .report import render

    if output and output != "-":
        from .report import report_format, write_report_file
        from .report.files import ReportWriteError

        try:  # rendered in memory, written to an exclusive temporary file, then renamed
            write_report_file(report_format("check", fmt), run, Path(output))
        except ReportWriteError as exc:
            cause = exc.__cause__
            reason = (getattr(cause, "strerror", None) or str(cause)) if cause is not None else str(exc)
            raise UsageError(f"the {fmt} report {output} could not be written: {reason}") from None
        return
    # --no-color and NO_COLOR win; FORCE_COLOR (set, not empty) colours a pipe, e.g. a CI log that shows ANSI.
    # A TTY whose TERM is "dumb" cannot show colour (as git and rich have it): its escapes would print raw.
    forced = bool(os.environ.get("FORCE_COLOR"))
    tty = sys.stdout.isatty() and os.environ.get("TERM") != "dumb"
    color = fmt == "text" and not no_color and "NO_COLOR" not in os.environ and (forced or tty)
    try:
        render(fmt, run, sys.stdout, color=color)
        sys.stdout.flush()  # a full disk shows here, not in a later flush nobody reports
    except BrokenPipeError:
        raise  # `| head`: exit 141 without a message (main)
    except OSError as exc:  # stdout on a full disk or /dev/full: the report is lost, which is not a bug of ours
        raise UsageError(f"the {fmt} report could not be written to standard output: {exc.strerror or exc}") \
            from None


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
        # -q is "only warnings and errors" for the audit: the modules' warnings too (a notification not sent)
        logging.getLogger("checker").setLevel(logging.WARNING if args.quiet else logging.NOTSET)
    from .audit import make_executor
    from .crawl.executor import ExecutorUnavailable
    try:
        with make_executor(config) as executor:  # connects to the scheduler (or starts the cluster) first
            outcome = run_audit(config, resume=args.resume, tty=sys.stderr.isatty(), quiet=args.quiet,
                                executor=executor)
    except ExecutorUnavailable as exc:
        print(f"syndicheck: error: {exc}", file=sys.stderr)
        return EXIT_INCOMPLETE
    except RenderUnavailable as exc:  # check.render: always, and no browser here
        raise UsageError(str(exc)) from None
    except ReportWriteError as exc:
        print(inert(f"syndicheck: error: {exc}; the run's pages are stored: `syndicheck audit --resume` writes its "
                    "reports"), file=sys.stderr)
        return EXIT_INCOMPLETE
    except HistoryError as exc:  # cannot open or write the database (newer schema; disk full, I/O error)
        damaged = "malformed" in str(exc) or "SQLITE_CORRUPT" in str(exc) or "SQLITE_NOTADB" in str(exc)
        hint = ("; the file is damaged, so --resume would meet it again: restore it from a backup (`sqlite3 FILE "
                "'.recover'` may save its runs), or move it aside to start a new history" if damaged
                else "; the pages stored before it are kept: `syndicheck audit --resume` finishes the run"
                if isinstance(exc, HistoryWriteError) else "")
        print(inert(f"syndicheck: error: {exc}{hint}"), file=sys.stderr)
        return EXIT_INCOMPLETE
    from .report.audit_data import headline, run_line
    print(f"run {outcome.run_id}: {run_line(outcome.report)}")
    for f in outcome.files:
        if f.endswith(".html"):
            print(f"HTML report: {f}")
    if not outcome.complete:
        return EXIT_INCOMPLETE
    counts = headline(outcome.report)
    if counts["pages"] == counts["error"]:  # a completed run that checked nothing must not look like a clean night
        why = (f"every one of its {counts['pages']} pages could not be fetched or read (the reasons are in the report)"
               if counts["pages"] else "no partner source gave a candidate page (see the warnings above)")
        print(f"syndicheck: error: run {outcome.run_id} checked no page: {why}", file=sys.stderr)
        return EXIT_INCOMPLETE
    return EXIT_OK


def cmd_scan_warc(args: argparse.Namespace) -> int:
    """Like `check`, over the HTML responses of WARC files: 0 clean, 1 violations, 2 usage, 3 a file unreadable."""
    from .crawl.executor import ExecutorUnavailable, make_executor
    from .crawl.fetcher import Fetcher
    from .originals import OriginalsUnreachable, load_all
    from .pipeline import Checker
    from .ruleset import load_pack
    from .scan_warc import scan_warcs
    from .shipped_checker import ShippedChecker

    if not args.originals:
        raise UsageError("scan-warc needs --originals: without originals no page can be a copy")
    _check_source_urls(args.originals)
    if args.output == "":
        raise UsageError("-o: empty path (give a file name, or - for standard output)")
    if args.jobs < 1 or args.max_bytes < 1:
        raise UsageError("--jobs and --max-bytes must be positive")
    kind, scheduler = _executor_choice(args)
    pack = load_pack(args.license)
    unreachable: list[OriginalsUnreachable] = []
    with Fetcher() as fetcher:
        originals = load_all(args.originals, fetcher=fetcher, unreachable=unreachable,
                             cache_dir=Path(args.cache_dir) if args.cache_dir else None)
    for exc in unreachable:  # as for `check`: a source not read is exit 3 (1 with violations); the others are used
        print(inert(f"syndicheck: error: {exc}"), file=sys.stderr)
    if unreachable and not originals:
        return EXIT_INCOMPLETE
    if not originals:
        raise UsageError(f"the originals ({', '.join(args.originals)}) hold no article: "
                         "no page could be recognised as a copy")
    _originals_with_text(originals, args.originals)
    # WARC records are archived pages: rendered offline (their subresources are not fetched live from the web).
    renderer = _renderer(args.render, allow_private=False, offline=True, max_bytes=args.max_bytes)
    checker = Checker.build(pack, originals, time_budget=_time_budget(args), renderer=renderer)
    # dask without a scheduler starts a LocalCluster: one process per core
    started = _now()
    order = {p: i for i, p in enumerate(args.files)}
    scanned = []
    try:
        with make_executor(kind, concurrency=args.jobs, scheduler=scheduler) as executor:
            for item in scan_warcs(args.files, ShippedChecker(pack, originals, checker=checker), executor,
                                   include_all=args.all, max_bytes=args.max_bytes):
                scanned.append(item)
                if item.error and not args.quiet:
                    log.warning("%s", item.error)
    except ExecutorUnavailable as exc:
        print(f"syndicheck: error: {exc}", file=sys.stderr)
        return EXIT_INCOMPLETE
    finally:
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
    status = exit_status(results, args.fail_on)
    if not results and not any(f.html for f in scanned):  # readable archives, but not one page in them was checked
        print("syndicheck: error: no 2xx HTML response in the WARC files: nothing was checked", file=sys.stderr)
        status = EXIT_INCOMPLETE
    if status == EXIT_OK and unreachable:
        status = EXIT_INCOMPLETE  # a source of originals was not read: its copies may have gone unrecognised
    return write_reports(run, [(args.format, args.output)], status, no_color=args.no_color)


def cmd_rules(args: argparse.Namespace) -> int:
    from .checks.registry import CHECKS
    from .ruleset import load_pack

    out: TextIO = sys.stdout
    if args.new is not None or args.test is not None:
        return _rules_tools(args, out)
    pack = load_pack(args.license)
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
    not_counted = f"; not counted: {', '.join(pack.not_aliases)}" if pack.not_aliases else ""  # none: no dangling label
    print(f"Aliases: {', '.join(pack.aliases)}{not_counted}\n", file=out)
    width = max(len(r.id) for r in pack.rules)
    for rule in pack.rules:
        print(f"  {rule.id:<{width}}  {rule.severity.value:<7}  {rule.title}", file=out)
    print("\n`syndicheck rules ID` explains one rule.", file=out)
    return EXIT_OK


def _rules_tools(args: argparse.Namespace, out: TextIO) -> int:
    """`rules --new DIR` and `rules --test [PACK|DIR]` (pack authors' tools)."""
    if args.new is not None and args.test is not None:
        raise UsageError("give --new DIR or --test, not both")
    if args.rule or args.license:
        raise UsageError("--new and --test take the pack as their own argument, not ID or --license")
    if args.new is not None:
        from .pack_new import new_pack
        for path in new_pack(args.new):
            print(f"wrote {path}", file=out)
        print(f"next: edit the FILL IN values, then run `syndicheck rules --test {args.new}`", file=out)
        return EXIT_OK
    from .pack_examples import run_examples
    return run_examples(args.test or None, out)


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
