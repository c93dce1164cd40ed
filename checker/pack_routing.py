"""A license pack per originals source: each copy is judged by the pack of the licensor whose original it copies.

An audit with one originals source (the usual case) uses one Checker, as it always has. With several
(audit.yaml `originals:` as a list, each source naming its `license`), each source gets its own Checker
over its own originals, and a page is checked by each: the source whose original the page copies gives
the verdict. The pack follows the original rather than the partner because the terms are the
licensor's, and one partner may republish several licensors' articles.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Callable, Optional, Sequence

from .config_types import AuditConfig, OriginalsConfig
from .models import Fetched, PageResult, Status
from .ruleset import LicensePack, load_pack

_JUDGED = (Status.COMPLIANT, Status.VIOLATION, Status.REVIEW)  # a copy, with the pack's rules applied


def source_packs(config: AuditConfig) -> tuple[LicensePack, ...]:
    """Each originals source's pack, in source order (a source without its own: the audit's `license`)."""
    loaded: dict[Optional[str], LicensePack] = {}
    for source in config.originals_sources:
        name = source.license or config.license
        if name not in loaded:
            loaded[name] = load_pack(name)
    return tuple(loaded[s.license or config.license] for s in config.originals_sources)


def packs_fingerprint(packs: Sequence[LicensePack], fingerprint: Callable[[LicensePack], str]) -> str:
    """The rules a stored verdict was made under: one pack's own fingerprint (so an existing history keeps
    reusing its verdicts), or a hash of every source's pack in order."""
    if len({p.directory for p in packs}) == 1:
        return fingerprint(packs[0])
    h = hashlib.sha256()
    for i, pack in enumerate(packs):
        h.update(f"{i}:{pack.id}:{fingerprint(pack)}\n".encode())
    return h.hexdigest()[:32]


def license_label(packs: Sequence[LicensePack]) -> str:
    """The run's license as reports show it: the pack id, or the ids joined with ", "."""
    return ", ".join(dict.fromkeys(p.id for p in packs))


def all_source_urls(config: AuditConfig) -> str:
    """Every originals source's feeds, sitemaps and manifests, for a message."""
    return ", ".join(u for o in config.originals_sources for u in o.feeds + o.sitemaps + o.manifests)


def widest_window(config: AuditConfig) -> int:
    """Partner pages changed within this many days can copy an original of some source."""
    return max(s.window_days for s in config.originals_sources)


def source_name(source: OriginalsConfig) -> str:
    """A source as a one-line problem names it: its first feed, sitemap or manifest."""
    return next(iter(source.feeds + source.sitemaps + source.manifests), "(no source)")


def best_result(results: Sequence[PageResult]) -> PageResult:
    """The verdict of the source whose original the page copies.

    A copy judged by its pack wins (the closest match if several sources hold the story); else an error
    (a source that could not check the page must not let it pass as "not a copy"); else a near copy;
    else "not a copy"."""
    judged = [r for r in results if r.status in _JUDGED]
    if judged:
        return max(judged, key=_score)
    errors = [r for r in results if r.status is Status.ERROR]
    if errors:
        return errors[0]
    near = [r for r in results if r.status is Status.NEAR_COPY]
    if near:
        return max(near, key=_score)
    return results[0]


def _score(result: PageResult) -> float:
    return result.match.score if result.match is not None else 0.0


@dataclass(frozen=True)
class RoutedChecker:
    """One Checker per originals source, used like a Checker (`check`)."""

    checkers: tuple  # of checker.pipeline.Checker, one per source that has originals

    def check(self, fetched: Fetched) -> PageResult:
        return best_result([c.check(fetched) for c in self.checkers])


class ShippedRouter:
    """What travels to executor workers for a RoutedChecker: one ShippedChecker per source."""

    def __init__(self, shipped: Sequence):
        self.shipped = tuple(shipped)

    def get(self) -> RoutedChecker:
        return RoutedChecker(tuple(s.get() for s in self.shipped))
