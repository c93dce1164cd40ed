"""The one place that knows the order of stages: fetched bytes -> decode -> fast text -> match -> parse -> evaluate."""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Optional, Sequence

from .checks.context import CheckContext
from .decode import decode_html, looks_binary, utf8_body
from .budget import DEFAULT_TIME_BUDGET, page_budget
from .engine import evaluate, over_budget, page_status
from .match import OriginalIndex
from .models import Fetched, Match, Original, PageResult, Status
from .parse import fast_visible_text, parse_page
from .prescan import too_complex
from .ruleset import LicensePack

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

    from .render import Renderer

log = logging.getLogger(__name__)

# CPU seconds one page may take from its match to its last rule. Normal pages take well under a
# second; a hostile one (100,000 nested elements, 50,000 images) gets `review` for the rules left
# when the budget runs out, never a pass. Thread CPU time, not wall time: pages checked in parallel
# threads, or a busy machine, do not eat each other's budgets. DEFAULT_TIME_BUDGET lives in budget.py so
# the CLI and audit.yaml defaults are the same number; `check.time_budget` / --time-budget change it.


def release(soup: "BeautifulSoup") -> None:
    """Take a parsed tree apart so reference counting frees it now.

    A BeautifulSoup tree is a web of parent/child/sibling reference cycles: left to the cyclic GC it
    lingers until a full collection, and those grow rarer as a long run's heap grows, so peak RSS
    crept up with the number of pages checked (bench/bench_check.py). Findings hold only strings.
    decompose() on the BeautifulSoup object itself walks nothing (its next_element is None), hence
    each top-level child; the builder points back at the soup, hence that link too."""
    for child in list(soup.contents):
        child.decompose()
    builder = getattr(soup, "builder", None)
    if builder is not None and getattr(builder, "soup", None) is soup:
        builder.soup = None


_INDEXES: "OrderedDict[tuple[object, ...], tuple[tuple[Original, ...], OriginalIndex]]" = OrderedDict()
_INDEXES_KEEP = 2  # a run uses one; a library caller alternating two sets of originals keeps both
_INDEXES_LOCK = threading.Lock()


def shared_index(originals: Sequence[Original], pack: LicensePack) -> OriginalIndex:
    """The index of these originals under this pack's matching settings, built once per process: every
    entry point (api.check_html, the CLI, a Dask worker's Checker) that asks again with the same Original
    objects (in any list) reuses it."""
    boilerplate = (pack.notice,) if pack.notice else ()
    held = tuple(originals)
    # Keyed by the Original objects themselves, not their content: hashing 100,000 fresh texts costs a
    # third of a second. The entry holds the objects, so their ids cannot be reused while it is kept.
    key = (tuple(map(id, held)), pack.match, boilerplate)
    with _INDEXES_LOCK:
        entry = _INDEXES.get(key)
        if entry is not None:
            _INDEXES.move_to_end(key)
            return entry[1]
    index = OriginalIndex(held, pack.match, boilerplate=boilerplate)
    with _INDEXES_LOCK:
        _INDEXES[key] = (held, index)
        while len(_INDEXES) > _INDEXES_KEEP:
            _INDEXES.popitem(last=False)
    return index


@dataclass(frozen=True)
class Checker:
    """A license pack and an index of originals, ready to check any number of pages."""

    pack: LicensePack
    index: OriginalIndex
    forced: Optional[Original] = None  # --original: pair every page with this original
    time_budget: Optional[float] = DEFAULT_TIME_BUDGET  # seconds per page; None: unlimited
    clock: Callable[[], float] = time.thread_time
    renderer: Optional["Renderer"] = None  # render mode (checker/render): None or mode never: static only

    @classmethod
    def build(cls, pack: LicensePack, originals: Sequence[Original], forced: Optional[str] = None, *,
              time_budget: Optional[float] = DEFAULT_TIME_BUDGET,
              clock: Callable[[], float] = time.thread_time, renderer: Optional["Renderer"] = None) -> "Checker":
        index = shared_index(originals, pack)
        original = None
        if forced is not None:
            original = index.lookup(forced)
            if original is None:
                raise LookupError(f"--original {forced!r} matches no original's id or URL")
        return cls(pack, index, original, time_budget, clock, renderer)

    def check(self, fetched: Fetched) -> PageResult:
        """Check one fetched document; every failure becomes an `error` result, never an exception."""
        base: dict[str, Any] = dict(target=fetched.target, url=fetched.url, path=fetched.path)
        if fetched.error is not None:
            return PageResult(status=Status.ERROR, error=fetched.error, **base)
        if fetched.body is None:
            return PageResult(status=Status.ERROR, error="no content", **base)
        binary = looks_binary(fetched.body)
        if binary:
            return PageResult(status=Status.ERROR, error=f"not an HTML page: {binary}", **base)
        try:
            html, encoding = decode_html(fetched.body, fetched.charset)
            return self.check_html(html, utf8=utf8_body(fetched.body, encoding), site_root=fetched.site_root, **base)
        except RecursionError:
            return PageResult(status=Status.ERROR, error="could not parse: the HTML nests too deeply", **base)
        except Exception as exc:  # a parser bug on one page must not end the run
            log.exception("unexpected error on %s", fetched.target)
            return PageResult(status=Status.ERROR, error=f"could not check: {type(exc).__name__}: {exc}", **base)

    def match(self, html: str, utf8: Optional[bytes] = None) -> Optional[Match]:
        """The original the page copies; `utf8`: the page's bytes if `html` is exactly their UTF-8 decoding."""
        if self.forced is not None:
            return Match(self.forced, self._score(html, self.forced, utf8), forced=True)
        return self.index.best(fast_visible_text(html, utf8), floor=self.index.settings.near_copy_containment or None)

    def _score(self, html: str, original: Original, utf8: Optional[bytes] = None) -> float:
        own = self.index.shingles_of(original)
        if not own:
            return 0.0
        return len(own & self.index.page_shingles(fast_visible_text(html, utf8))) / len(own)

    def check_html(self, html: str, *, target: str, url: str, path: Optional[str] = None,
                   utf8: Optional[bytes] = None, site_root: Optional[str] = None) -> PageResult:
        """Check one decoded page. `utf8`: the fetched bytes when `html` is exactly their UTF-8 decoding
        (decode.utf8_body), which spares the fast text path re-encoding `html` for lexbor."""
        result = self.check_static(html, target=target, url=url, path=path, utf8=utf8, site_root=site_root)
        if self.renderer is None:
            return result
        # Render mode: the renderer decides whether this page needs a browser; if so the same static
        # checks judge the rendered snapshot (see checker/render/__init__.py).
        return self.renderer.apply(result, html, lambda snapshot: self.check_static(
            snapshot, target=target, url=url, path=path, site_root=site_root), lambda: fast_visible_text(html, utf8))

    def check_static(self, html: str, *, target: str, url: str, path: Optional[str] = None,
                     utf8: Optional[bytes] = None, site_root: Optional[str] = None) -> PageResult:
        """Check one decoded page as HTML, without a browser."""
        started = self.clock()
        refused = too_complex(html, utf8)  # before any parser, so that every later stage is bounded (prescan.py)
        if refused:
            return PageResult(target=target, url=url, status=Status.ERROR, error=refused, path=path)
        match = self.match(html, utf8)
        if match is None:
            return PageResult(target=target, url=url, status=Status.NOT_A_COPY, path=path)
        if self.time_budget is not None and self.clock() - started > self.time_budget:  # spent on the match
            findings = tuple(over_budget(rule, self.time_budget) for rule in self.pack.rules)
            return PageResult(target=target, url=url, status=page_status(findings), original=match.original,
                              match=match, findings=findings, path=path)
        if not match.forced and match.score < self.index.settings.min_containment:  # part of an original: no rules
            return PageResult(target=target, url=url, status=Status.NEAR_COPY, original=match.original, match=match,
                              path=path)
        page = parse_page(html, url, self.pack.vocabulary)
        ctx = CheckContext(page, match.original, match, self.pack,
                           original_shingles=self.index.shingles_of(match.original),
                           shingle_size=self.pack.match.shingle_size, site_root=site_root)
        try:
            with page_budget(self.time_budget, started, self.clock):  # image decoding checks it (budget.py)
                findings = evaluate(self.pack, ctx, budget=self.time_budget, started=started, clock=self.clock)
        finally:
            release(page.soup)
        return PageResult(target=target, url=url, status=page_status(findings), original=match.original,
                          match=match, findings=findings, path=path)
