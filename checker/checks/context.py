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
    site_root: Optional[str] = None  # a local build's root directory, for root-relative image paths

    @cached_property
    def article(self) -> "Article":
        from ..article import Article  # built on first use

        return Article(self.page, self.original, self.pack, self.original_shingles, self.shingle_size,
                       self.site_root)

    # ---- evidence helpers -------------------------------------------------------------------
    def evidence(self, element, snippet: str = "", expected: Optional[str] = None,
                 actual: Optional[str] = None) -> Evidence:
        return Evidence(css_path(element), _clip(snippet), expected, actual, source_line(self.page.html, element))

    def block_evidence(self, block: Block, expected: Optional[str] = None) -> Evidence:
        return self.evidence(block.element, block.text, expected, block.text[:200])

    def looked_at(self, what: str) -> Evidence:
        """For a failure with no element to show: the part of the page searched for `what`, as evidence."""
        zones, blocks = self.article.zones, self.page.blocks
        if zones is None:
            return Evidence("", f"looked at the whole page for {what}; no article body was recognised")

        def quote(b: Block) -> str:
            return f"<{b.tag}> \u201c{_clip(b.text, 36)}\u201d"
        visible = [blocks[i] for i in sorted(zones.head) if blocks[i].text and blocks[i].hidden is None]
        start = visible[0] if visible else blocks[zones.first]
        foot = [blocks[i] for i in sorted(zones.foot) if blocks[i].text and blocks[i].hidden is None]
        where = f"the article's head (from {quote(start)} to the first paragraph)"
        if foot:
            where += f" and foot (to {quote(foot[-1])})"
        return self.evidence(start.element, f"looked for {what} in {where}")


def _clip(text: str, n: int = 240) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
