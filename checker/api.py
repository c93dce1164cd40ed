"""A small library API: check HTML against originals without the command line."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Optional, Sequence

from .models import Original, PageResult
from .originals import OriginalsError, OriginalsUnreachable, load_all
from .pipeline import Checker
from .ruleset import LicensePack, load_pack

__all__ = ["OriginalsError", "OriginalsUnreachable", "check_html", "default_pack", "load_originals"]


@lru_cache(maxsize=8)
def default_pack(name: Optional[str] = None) -> LicensePack:
    return load_pack(name)


def load_originals(sources: Sequence[str] | str, *, cache_dir: Optional[Path] = None) -> list[Original]:
    """The originals of manifests, feeds or article URLs, as `--originals` reads them. Anything wrong in a source
    raises OriginalsError (a ConfigError) naming the file or URL, line and key, as the command line reports it;
    OriginalsUnreachable (a subclass) when a URL could not be fetched."""
    return load_all([sources] if isinstance(sources, str) else list(sources), cache_dir=cache_dir)


def check_html(html: str | bytes, originals: Sequence[Original], *, url: str = "file:///case.html",
               force: bool = False, pack: Optional[LicensePack] = None) -> PageResult:
    """Check one HTML document; `force=True` pairs it with originals[0] whatever its text."""
    from .models import Fetched

    pack = pack or default_pack()
    checker = Checker.build(pack, originals, forced=originals[0].id if force and originals else None)
    body = html.encode("utf-8") if isinstance(html, str) else html
    return checker.check(Fetched(target=url, url=url, body=body, charset="utf-8" if isinstance(html, str) else None))
