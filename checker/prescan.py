"""A linear pre-scan of a page's markup before any parser sees it: refuses what no parser handles in bounded time.

lexbor and libxml2 check each new attribute of an element against those it already has, so an element with n
attributes costs O(n^2): 60,000 of them (a 0.4 MB page) took 16 s of CPU in the fast text path, a million
about an hour, all before the per-page budget was looked at. The number of elements bounds the tree builders'
time and memory the same way. This scan is C-speed string counting plus one regular expression that only
matches a start tag with more than MAX_ATTRIBUTES attributes; it must read every tag's attributes as the HTML
tokenizer does (a quoted value may hide ">" or "<"), so it costs about 0.65 of a lexbor parse of the same page
(bench/bench_bombs.py). A page over a limit is an `error` naming the limit: never checked on part of its markup.
"""
from __future__ import annotations

import re
from typing import Optional

# Attributes on one element (duplicates included): real pages stay under ~50 (in the 76-page corpus a broken
# tag reaches 516); 2,000 cost lexbor a few milliseconds.
MAX_ATTRIBUTES = 2000
# Elements in a page: real article pages have 1,000-20,000; 300,000 take the BeautifulSoup tree ~10 s.
MAX_ELEMENTS = 300_000

# One attribute as the HTML tokenizer reads it: separators (HTML whitespace, "/"), a name, an optional value that
# may be quoted (a quoted value may hold ">" and whitespace). Possessive quantifiers: no backtracking, ever.
_WS = r"\t\n\f\r "  # HTML's whitespace, spelled out: faster than \s, and U+00A0 is no separator there
_ATTR = r"""[{ws}/]*+[^{ws}/>][^{ws}/>=]*+(?:[{ws}]*+=[{ws}]*+(?:"[^"]*+"|'[^']*+'|[^{ws}>]*+))?+""".format(ws=_WS)
_CROWDED = r"<[a-zA-Z][^{ws}/>]*+(?:{attr}){{{n}}}".format(ws=_WS, attr=_ATTR, n=MAX_ATTRIBUTES + 1)
_CROWDED_TAG = re.compile(_CROWDED)
_CROWDED_TAG_BYTES = re.compile(_CROWDED.encode())  # the same over UTF-8 bytes: ~15% faster
_START_TAG = re.compile(r"<[a-zA-Z]")


def too_complex(html: str, utf8: Optional[bytes] = None) -> Optional[str]:
    """Why the page is too complex to parse within bounds (a client-side limit), or None for a normal page.

    `utf8`: the page's bytes when `html` is exactly their UTF-8 decoding (scanned instead: faster)."""
    # An element takes at least 3 characters ("<a>"), so only a page that long can have too many; then "<"
    # (counted in C) bounds the count from above, and the exact count is made only when that bound is over.
    if len(html) > 3 * MAX_ELEMENTS and html.count("<") > MAX_ELEMENTS:
        elements = sum(1 for _ in _START_TAG.finditer(html))
        if elements > MAX_ELEMENTS:
            return f"page too complex to check: {elements:,} elements (a client-side limit: {MAX_ELEMENTS:,})"
    if (_CROWDED_TAG_BYTES.search(utf8) if utf8 is not None else _CROWDED_TAG.search(html)):
        return (f"page too complex to check: an element with more than {MAX_ATTRIBUTES:,} attributes "
                f"(a client-side limit)")
    return None
