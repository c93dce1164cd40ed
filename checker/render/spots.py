"""Where on a rendered page a finding's picture is taken: its element's box, else the article's head."""
from __future__ import annotations

from typing import Optional

from ..models import Finding

Box = tuple[int, int, int, int]


def _box(el) -> Optional[Box]:
    """The element's recorded box at 1280 px, or its nearest ancestor's that has an area."""
    while el is not None and getattr(el, "get", None) is not None:
        raw = el.get("data-syndicheck-box")
        if raw and not el.has_attr("hidden"):
            try:
                x, y, w, h = (int(float(v)) for v in str(raw).split(","))
            except ValueError:
                x = y = w = h = 0
            if w > 1 and h > 1:
                return x, y, w, h
        el = el.parent
    return None


class Spots:
    """The snapshot parsed once, to look up the elements findings point at."""

    def __init__(self, snapshot: str):
        from bs4 import BeautifulSoup

        self.soup = BeautifulSoup(snapshot, "lxml")

    def for_finding(self, finding: Finding) -> tuple[Box, str]:
        """(box, what the picture shows)."""
        for ev in finding.evidence:
            if not ev.selector:
                continue
            try:
                el = self.soup.select_one(ev.selector)
            except Exception:  # a selector soupsieve does not take: try the next piece of evidence
                continue
            box = _box(el) if el is not None else None
            if box is not None:
                return box, f"the element {ev.selector}"
        return self.head()

    def head(self) -> tuple[Box, str]:
        """The article's head: its headline and what follows, else the top of the page."""
        for sel in ("article h1", "main h1", "h1", "article", "main"):
            for el in self.soup.select(sel):
                box = _box(el)
                if box is not None:
                    x, y, w, h = box
                    return (x, y, max(w, 640), max(h, 300)), "the head of the article"
        return (0, 0, 1280, 400), "the top of the page"
