"""Organisation-name and license-notice matching over folded text (the licensor's aliases vs look-alikes)."""
from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# adjacent spans, no space: "HaleNews Foundation", capitals before a capitalised word ("HNFSpringfield"), and
# letters against digits ("HNF24.04.2024, 19:35": the credit's outlet glued to its date), as names.py reads them
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])|(?<=[A-Za-z])(?=[0-9])|(?<=[0-9])(?=[A-Za-z])")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, padded with spaces for whole-word search."""
    return " " + " ".join(_NON_ALNUM.split(anyascii(_CAMEL.sub(" ", text)).lower())).strip() + " "


@lru_cache(maxsize=256)
def _alias_re(alias: str) -> re.Pattern:
    """An alias as whole words; one of three words or more may also run into the next word ("...NEWS
    FOUNDATIONLONDON": an element glued to it in capitals, where no change of case shows the seam)."""
    words = fold(alias).strip()
    glued = r"[a-z0-9]*" if words.count(" ") >= 2 else ""
    return re.compile(" " + re.escape(words) + glued + " ")


def find_alias(text: str, aliases: tuple) -> str | None:
    """The first licensor alias named in `text` as whole words ("ABC", "Another Big Cooperative")."""
    folded = fold(text)
    for alias in sorted(aliases, key=len, reverse=True):
        if _alias_re(alias).search(folded):
            return alias
    return None


def find_lookalike(text: str, aliases: tuple, not_aliases: tuple) -> str | None:
    """A name that must not count (a look-alike of the licensor's name) left after removing every real alias."""
    folded = fold(text)
    for alias in sorted(aliases, key=len, reverse=True):
        folded = _alias_re(alias).sub(" | ", folded)
    for name in sorted(not_aliases, key=len, reverse=True):
        if fold(name) in folded:
            return name
    return None


def is_notice(text: str, markers: tuple) -> bool:
    """True for the licensor's republication notice ("All content created by ... is available without charge")."""
    folded = fold(text)
    return any(fold(m) in folded for m in markers)
