"""What every check reads: the parsed copy, its original, the pack, and the page's article model."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Optional

from ..models import Evidence, Match, Original
from ..parse import Block, ParsedPage, css_path, source_line

if TYPE_CHECKING:
    from ..article import Article
    from ..ruleset import LicensePack


@dataclass
class CheckContext:
    """One page's shared state: the article model is built once and read by every check."""

    page: ParsedPage
    original: Optional[Original]
    match: Optional[Match]
    pack: "LicensePack"
    original_shingles: frozenset = frozenset()
    shingle_size: int = 5
    memo: dict = field(default_factory=dict)

    @cached_property
    def article(self) -> "Article":
        from ..article import Article  # the model imports the checks' text matching; built on first use

        return Article(self.page, self.original, self.pack, self.original_shingles, self.shingle_size)

    # ---- evidence helpers -------------------------------------------------------------------
    def evidence(self, element, snippet: str = "", expected: Optional[str] = None,
                 actual: Optional[str] = None) -> Evidence:
        return Evidence(css_path(element), _clip(snippet), expected, actual, source_line(self.page.html, element))

    def block_evidence(self, block: Block, expected: Optional[str] = None) -> Evidence:
        return self.evidence(block.element, block.text, expected, block.text[:200])


def _clip(text: str, n: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
