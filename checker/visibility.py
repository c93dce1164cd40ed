"""Why an element is not visible: hidden attributes, inline styles, hiding classes and page CSS rules."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

# Inline declarations that hide an element or shrink it to nothing. Off-screen positioning and
# clip rectangles are how "screen-reader only" text hides, so they count as hidden too.
_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)"
    r"|clip\s*:\s*rect\(\s*0|clip-path\s*:\s*inset\(\s*50%|(?:left|top|text-indent)\s*:\s*-\d{3,}(?:\.\d+)?px"
    r"|font-size\s*:\s*0(?:px|em|rem)?\s*(?:;|$)",
    re.I,
)
_WIDTH = re.compile(r"(?<![-\w])width\s*:\s*(\d+(?:\.\d+)?)px", re.I)
_HEIGHT = re.compile(r"(?<![-\w])height\s*:\s*(\d+(?:\.\d+)?)px", re.I)

# Characters of one inline style attribute inspected: real declarations fit in far fewer; a hostile
# megabyte attribute must not cost a regex scan per element.
STYLE_LIMIT = 10_000

# Class names that frameworks (Bootstrap, WordPress, Tailwind, Foundation) use to hide content.
HIDING_CLASSES = frozenset({
    "hidden", "d-none", "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text",
    "screen-reader-only", "invisible", "is-hidden", "u-hidden", "hide", "element-invisible",
    "offscreen", "show-for-sr", "a11y-hidden",
})


def tiny_size(width: Optional[str], height: Optional[str], style: str) -> bool:
    """True for zero/one-pixel dimensions given as attributes or inline style."""
    def small(value: Optional[str]) -> bool:
        if value is None:
            return False
        m = re.match(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*$", value)
        return bool(m) and float(m.group(1)) <= 1
    if small(width) or small(height):
        return True
    style = style[:STYLE_LIMIT]
    w, h = _WIDTH.search(style), _HEIGHT.search(style)
    return bool((w and float(w.group(1)) <= 1) or (h and float(h.group(1)) <= 1))


@dataclass(frozen=True)
class CssHiding:
    """Class names and ids that the page's own <style> rules hide (outside @media blocks)."""

    classes: frozenset = frozenset()
    ids: frozenset = frozenset()


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^(?:[a-z][a-z0-9]*)?([.#])([-\w]+)$", re.I)


def _strip_at_blocks(css: str) -> str:
    """Drop @media/@supports/... blocks: responsive hiding is not hiding on every screen."""
    out, i, n = [], 0, len(css)
    while i < n:
        at = css.find("@", i)
        if at < 0:
            out.append(css[i:])
            break
        out.append(css[i:at])
        brace, semi = css.find("{", at), css.find(";", at)
        if brace < 0 or (0 <= semi < brace):  # @import ...; or @charset ...;
            i = semi + 1 if semi >= 0 else n
            continue
        depth, j = 0, brace
        while j < n:
            if css[j] == "{":
                depth += 1
            elif css[j] == "}":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        i = j + 1
    return "".join(out)


def css_hiding(style_texts: list[str], limit: int = 200_000) -> CssHiding:
    """Simple `.class` / `#id` selectors that the page's CSS hides on every screen.

    A class hidden by default but shown by some other rule (typically inside an @media block:
    responsive layouts hide the mobile byline on desktop and vice versa) is not counted as hidden:
    without a cascade engine the checker cannot know which one a reader sees.
    """
    raw = re.sub(r"/\*.*?\*/", "", "\n".join(style_texts)[:limit], flags=re.S)
    hidden_c, hidden_i, shown = set(), set(), set()
    for selectors, body in _RULE.findall(_strip_at_blocks(raw)):
        if not _HIDING_STYLE.search(body):
            continue
        for sel in selectors.split(","):
            m = _SIMPLE_SELECTOR.match(sel.strip())
            if m:
                (hidden_c if m.group(1) == "." else hidden_i).add(m.group(2))
    if hidden_c or hidden_i:
        for selectors, body in _RULE.findall(raw):  # every rule, @media blocks included
            if re.search(r"display\s*:\s*(?!none)[a-z-]+|visibility\s*:\s*visible", body, re.I):
                shown.update(re.findall(r"[.#]([-\w]+)", selectors))
    return CssHiding(frozenset(hidden_c - shown), frozenset(hidden_i - shown))


def hidden_reason(tag: str, attrs: dict, css: CssHiding) -> Optional[str]:
    """Why this element (on its own, ignoring ancestors) is not shown; None when it is."""
    if "hidden" in attrs:
        return "the hidden attribute"
    if tag == "template":
        return "inside <template>"
    style = attrs.get("style") or ""
    if isinstance(style, list):
        style = " ".join(style)
    style = style[:STYLE_LIMIT]
    if style:
        m = _HIDING_STYLE.search(style)
        if m:
            return f"style {m.group(0).strip().rstrip(';')}"
    classes = attrs.get("class") or ()
    if isinstance(classes, str):
        classes = classes.split()
    for c in classes:
        if c in HIDING_CLASSES or c in css.classes:
            return f"class {c}"
    el_id = attrs.get("id")
    if el_id and el_id in css.ids:
        return f"#{el_id} is hidden by the page's CSS"
    return None
