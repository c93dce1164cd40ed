"""White text: whether the page's HTML shows what is painted behind it (a white page hides it, a dark box does not)."""
from __future__ import annotations

import re
from typing import Optional, Sequence

from bs4 import Tag

from .visibility import WHITE_ON_WHITE, WHITE_TEXT, colour_value, whiteish

_BACKGROUND = re.compile(r"(?<![-\w])background(?:-color|-image)?\s*:\s*([^;{}]*)", re.I)
_STYLESHEET_LINK = re.compile(r"<link\b[^>]*\bstylesheet\b", re.I)
_BGCOLOR = re.compile(r"\bbgcolor\s*=", re.I)
ANCESTOR_LEVELS = 40  # how far up a block's ancestors are read for a background
# White text on a background this much darker than white is read (a pale grey, "#eee", is 1.16: not).
READABLE_CONTRAST = 1.5
_ROOTS = frozenset({"html", "body"})
_NOT_PAINTING = frozenset({"", "none", "transparent", "inherit", "initial", "unset", "revert", "revert-layer"})


class WhiteText:
    """One page's white text, settled where it is declared (an element whose own style or class makes it white).

    The nearest background painted behind it decides: by an ancestor's own style or bgcolor, or a style rule
    naming its class, id or tag. Not white: the text is read (a white credit in a dark header). White: it is
    hidden for sure. None in the HTML: on a page that loads no style sheet and paints no background but white
    anywhere, the background is the browser's white and the text is hidden; otherwise the reason stays, and
    the checks treat it as a question (review), never as proof. An element inside that sets a colour of its
    own (its style, or a class a rule colours) is read whatever is behind the white around it.
    """

    def __init__(self, html: str, sheets: Sequence[str]) -> None:
        self._html = html
        self._sheets = sheets
        self._painted: Optional[tuple] = None
        self._coloured: Optional[frozenset] = None
        self._page_white: Optional[bool] = None

    def settle(self, node: Tag, reason: str) -> Optional[str]:
        """None when the white text this element declares is read; a sure reason when it stands on white; else
        the reason as it was (a question)."""
        if self._painted is None:
            self._painted = _painted_names(self._sheets)
        behind = _painted_behind(node, *self._painted)
        if behind is True:
            return None
        if behind is None:
            if self._page_white is None:
                self._page_white = _page_is_white(self._html, self._sheets)
            if not self._page_white:
                return reason
        return reason[len(WHITE_TEXT):].strip("() ") + WHITE_ON_WHITE

    def own_colour(self, node: Tag) -> bool:
        """Whether the element sets a colour that is not white (its style, or a class a rule colours)."""
        style = node.get("style")
        if isinstance(style, list):
            style = " ".join(style)
        m = _COLOUR.search(style) if style else None
        if m:
            return not whiteish(colour_value(m.group(1)))
        if self._coloured is None:
            self._coloured = _coloured_classes(self._sheets)
        cls = node.get("class") or ()
        return any(c in self._coloured for c in (cls.split() if isinstance(cls, str) else cls))


def white(reason: Optional[str]) -> bool:
    """Whether a hidden reason is white text's (settled or not)."""
    return reason is not None and (reason.startswith(WHITE_TEXT) or reason.endswith(WHITE_ON_WHITE))


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COLOUR = re.compile(r"(?<![-\w])color\s*:\s*([^;{}]*)", re.I)
_NAME = re.compile(r"([.#])([-\w]+)")
_BARE_TAG = re.compile(r"^\s*([a-z][a-z0-9]*)\s*$", re.I)


def _coloured_classes(sheets: Sequence[str]) -> frozenset:
    """Classes a rule's last compound names and colours with something that is not white."""
    out: set = set()
    for text in sheets:
        for sel, body in _RULE.findall(text):
            m = _COLOUR.search(body)
            if m is None or whiteish(colour_value(m.group(1))):
                continue
            for part in sel.split(","):
                last = re.split(r"[\s>+~]+", part.strip())[-1]
                out.update(n for kind, n in _NAME.findall(last) if kind == ".")
    return frozenset(out)


def _painted_names(sheets: Sequence[str]) -> tuple[frozenset, frozenset, frozenset]:
    """(classes, ids, tags) that a style rule's last compound names and gives a background that is not white
    ("header.dark .meta" paints .meta; a tag counts only as the whole selector, "body"): a white text in such an
    element, or inside one, may stand on it."""
    classes: set = set()
    ids: set = set()
    tags: set = set()
    for text in sheets:
        for sel, body in _RULE.findall(text):
            values = [m.group(1) for m in _BACKGROUND.finditer(body)]
            if not any(_paints(v) for v in values):
                continue
            pictures_only = not any(_paints(v, pictures=False) for v in values)
            for part in sel.split(","):
                last = re.split(r"[\s>+~]+", part.strip())[-1]  # the element the rule paints
                for kind, name in _NAME.findall(last):
                    (classes if kind == "." else ids).add(name)
                tag = _BARE_TAG.match(part)  # (a tag alone: "body { background: #111 }", not ".promo p")
                if tag and not (pictures_only and tag.group(1).lower() in _ROOTS):
                    tags.add(tag.group(1).lower())
    return frozenset(classes), frozenset(ids), frozenset(tags)


def _painted_behind(el: Tag, classes: frozenset = frozenset(), ids: frozenset = frozenset(),
                    tags: frozenset = frozenset()) -> Optional[bool]:
    """True when the nearest background an ancestor paints (by its own style, bgcolor, or a style rule naming its
    class, id or tag) is not white, False when it is white, None when none is painted in the HTML."""
    node, levels = el, 0
    while isinstance(node, Tag) and levels <= ANCESTOR_LEVELS:
        style = node.get("style")
        if isinstance(style, list):
            style = " ".join(style)
        values = [m.group(1) for m in _BACKGROUND.finditer(style)] if style else []
        if node.get("bgcolor"):
            values.append(str(node.get("bgcolor")))
        for value in reversed(values):  # the last declaration wins
            # (a page's own picture behind all of it, a strip or a texture, says nothing about where the text is)
            verdict = _paints(value, pictures=node.name not in _ROOTS)
            if verdict is not None:
                return verdict
        cls = node.get("class") or ()  # (after its own style, which wins over the sheets)
        if (node.name in tags or node.get("id") in ids
                or any(c in classes for c in (cls.split() if isinstance(cls, str) else cls))):
            return True
        node, levels = node.parent, levels + 1
    return None


def _paints(value: str, pictures: bool = True) -> Optional[bool]:
    """True: a background white text can be read on (a dark enough colour, a picture, a gradient, a variable);
    False: white or a pale colour; None: none."""
    v = value.strip().lower().replace("!important", "").strip()
    if v in _NOT_PAINTING:
        return None
    colour = colour_value(v)
    if colour is not None:
        return _contrast_with_white(colour) >= READABLE_CONTRAST
    # "url(...)", a gradient, "var(--x)", a colour this reader does not parse: something is painted (unless only
    # colours are asked about)
    return True if pictures else None


def _contrast_with_white(colour: str) -> float:
    """WCAG's contrast ratio of white text on a "#rrggbb" background (1.0 on white, 21 on black)."""
    def channel(hex2: str) -> float:
        c = int(hex2, 16) / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    lum = 0.2126 * channel(colour[1:3]) + 0.7152 * channel(colour[3:5]) + 0.0722 * channel(colour[5:7])
    return 1.05 / (lum + 0.05)


def _page_is_white(html: str, sheets: Sequence[str]) -> bool:
    """Whether the page loads no style sheet and paints no background but white anywhere in its HTML."""
    if _STYLESHEET_LINK.search(html) or _BGCOLOR.search(html):
        return False
    for text in sheets:
        for m in _BACKGROUND.finditer(text):
            if _paints(m.group(1)):
                return False
    for m in re.finditer(r"\bstyle\s*=\s*(\"[^\"]*\"|'[^']*')", html, re.I):
        for bg in _BACKGROUND.finditer(m.group(1)):
            if _paints(bg.group(1)):
                return False
    return True
