"""Organisation-name and license-notice matching over folded text (the licensor's aliases vs look-alikes)."""
from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # "HaleNews Foundation": adjacent spans, no space


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, padded with spaces for whole-word search."""
    return " " + " ".join(_NON_ALNUM.split(anyascii(_CAMEL.sub(" ", text)).lower())).strip() + " "


def find_alias(text: str, aliases: tuple) -> str | None:
    """The first licensor alias named in `text` as whole words ("ABC", "Another Big Cooperative")."""
    folded = fold(text)
    for alias in sorted(aliases, key=len, reverse=True):
        if fold(alias) in folded:
            return alias
    return None


def find_lookalike(text: str, aliases: tuple, not_aliases: tuple) -> str | None:
    """A name that must not count (a look-alike of the licensor's name) left after removing every real alias."""
    folded = fold(text)
    for alias in sorted(aliases, key=len, reverse=True):
        folded = folded.replace(fold(alias), " | ")
    for name in sorted(not_aliases, key=len, reverse=True):
        if fold(name) in folded:
            return name
    return None


def is_notice(text: str, markers: tuple) -> bool:
    """True for the licensor's republication notice ("All content created by ... is available without charge")."""
    folded = fold(text)
    return any(fold(m) in folded for m in markers)
