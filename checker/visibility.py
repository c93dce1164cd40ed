"""Why an element is not visible: hidden attributes, inline styles, hiding classes and page CSS rules."""
from __future__ import annotations

import re
from bisect import bisect_left
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
        i = _block_end(css, brace) + 1
    return "".join(out)


_BRACE = re.compile(r"[{}]")


def _block_end(css: str, brace: int) -> int:
    """The index of the "}" that closes the block opened at css[brace], or len(css) if none does."""
    depth = 0
    for m in _BRACE.finditer(css, brace):  # from brace to brace, not character by character
        if m.group() == "{":
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return m.start()
    return len(css)


def css_hiding(style_texts: list[str], limit: int = 200_000) -> CssHiding:
    """Simple `.class` / `#id` selectors that the page's CSS hides on every screen.

    A class hidden by default but shown by some other rule (typically inside an @media block:
    responsive layouts hide the mobile byline on desktop and vice versa) is not counted as hidden:
    without a cascade engine the checker cannot know which one a reader sees.
    """
    raw = re.sub(r"/\*.*?\*/", "", "\n".join(style_texts)[:limit], flags=re.S)
    hidden_c, hidden_i, shown = set(), set(), set()
    for selectors in _rule_selectors(_strip_at_blocks(raw), _HIDING_STYLE, _HIDING_IN_LOWERED):
        for sel in selectors.split(","):
            m = _SIMPLE_SELECTOR.match(sel.strip())
            if m:
                (hidden_c if m.group(1) == "." else hidden_i).add(m.group(2))
    if hidden_c or hidden_i:
        for selectors in _rule_selectors(raw, _SHOWING, _SHOWING_IN_LOWERED):  # @media blocks included
            shown.update(re.findall(r"[.#]([-\w]+)", selectors))
    return CssHiding(frozenset(hidden_c - shown), frozenset(hidden_i - shown))


_SHOWING = re.compile(r"display\s*:\s*(?!none)[a-z-]+|visibility\s*:\s*visible", re.I)

# Searching a page's rules one by one with the case-insensitive patterns above costs ~90 ns per
# character: the regex engine tries every alternative at every position. These case-sensitive twins
# search the whole lower-cased style sheet at once and skip straight to the letters a declaration
# can start with (~5x faster). They find the same declarations at the same places: lower() maps
# every character, except the three _CASE_TRAPS, to one character that matches exactly the pattern
# letters it matched under re.I (checked over all of Unicode). "$", the end of a rule's
# declarations, becomes "(?=})"; left/top/text-indent are spelt out so that every alternative
# starts with a letter.
_HIDING_IN_LOWERED = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*0(?:\.0+)?\s*(?:;|(?=\})|!)"
    r"|clip\s*:\s*rect\(\s*0|clip-path\s*:\s*inset\(\s*50%|left\s*:\s*-\d{3,}(?:\.\d+)?px"
    r"|top\s*:\s*-\d{3,}(?:\.\d+)?px|text-indent\s*:\s*-\d{3,}(?:\.\d+)?px"
    r"|font-size\s*:\s*0(?:px|em|rem)?\s*(?:;|(?=\}))"
)
_SHOWING_IN_LOWERED = re.compile(r"display\s*:\s*(?!none)[a-z-]+|visibility\s*:\s*visible")
# re.I matches "İ" and "ı" to i and "ſ" to s, which lower() does not do ("İ" even becomes two characters).
_CASE_TRAPS = ("\u0130", "\u0131", "\u017f")


def _rule_selectors(css: str, declarations: re.Pattern, in_lowered: re.Pattern) -> list[str]:
    """The selector list of each rule of _RULE.findall(css) whose declarations `declarations` finds
    something in (in_lowered: its twin for the lower-cased sheet), in no particular order."""
    if any(ch in css for ch in _CASE_TRAPS):
        return [sel for sel, body in _RULE.findall(css) if declarations.search(body)]
    return _selectors_around(css, [m.start() for m in in_lowered.finditer(css.lower())])


def _selectors_around(css: str, positions: list[int]) -> list[str]:
    """For each position inside a rule's declarations, that rule's selector list (once per rule).

    _RULE.findall(css) pairs every "{" whose declarations run to a "}" (no brace between) with the
    text since the brace before that "{", when this text is not empty; this finds that pairing for a
    position by bisecting the brace positions instead of matching every rule.
    """
    if not positions:
        return []
    opens, closes = _positions_of(css, "{"), _positions_of(css, "}")
    out, seen = [], set()
    for at in positions:
        o, c = bisect_left(opens, at), bisect_left(closes, at)  # opens[o - 1] < at <= opens[o]
        if o == 0 or c == len(closes):
            continue
        start = opens[o - 1]
        if (c and closes[c - 1] > start) or (o < len(opens) and opens[o] < closes[c]) or start in seen:
            continue  # not between a "{" and the next "}", or that rule is done
        seen.add(start)
        before = max(opens[o - 2] if o > 1 else -1, _last_before(closes, start))
        if before + 1 < start:
            out.append(css[before + 1:start])
    return out


def _positions_of(text: str, ch: str) -> list[int]:
    out, i = [], text.find(ch)
    while i >= 0:
        out.append(i)
        i = text.find(ch, i + 1)
    return out


def _last_before(positions: list[int], at: int) -> int:
    """The largest of the sorted positions below `at`, or -1."""
    i = bisect_left(positions, at)
    return positions[i - 1] if i else -1


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
