"""A small library API: check HTML against originals without the command line."""
from __future__ import annotations

from functools import lru_cache
from typing import Optional, Sequence

from .models import Original, PageResult
from .pipeline import Checker
from .ruleset import LicensePack, load_pack


@lru_cache(maxsize=8)
def default_pack(name: Optional[str] = None) -> LicensePack:
    return load_pack(name)


def check_html(html: str | bytes, originals: Sequence[Original], *, url: str = "file:///case.html",
               force: bool = False, pack: Optional[LicensePack] = None) -> PageResult:
    """Check one HTML document; `force=True` pairs it with originals[0] whatever its text."""
    from .models import Fetched

    pack = pack or default_pack()
    checker = Checker.build(pack, originals, forced=originals[0].id if force and originals else None)
    body = html.encode("utf-8") if isinstance(html, str) else html
    return checker.check(Fetched(target=url, url=url, body=body, charset="utf-8" if isinstance(html, str) else None))
