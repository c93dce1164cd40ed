"""White text: whether the page's HTML shows what is painted behind it (a white page hides it, a dark box does not)."""
from __future__ import annotations

import re
from typing import Optional, Sequence

import soupsieve
from bs4 import NavigableString, Tag

from .visibility import WHITE_ON_WHITE, WHITE_TEXT, colour_value, whiteish, without_dark_scheme

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
    naming its class, id or tag. Dark enough: the text is read (a white credit in a dark header). White or pale,
    on a page that loads no style sheet the checker cannot read, and not beside a picture it may be set over:
    hidden for sure. None in the HTML: on such a page that paints no background but white anywhere, the
    background is the browser's white and the text is hidden. Otherwise the reason stays, and the checks treat
    it as a question (review), never as proof. An element inside that sets a colour of its
    own (its style, or a class a rule colours) is read whatever is behind the white around it.
    """

    def __init__(self, html: str, sheets: Sequence[str]) -> None:
        self._html = html
        self._sheets = sheets
        self._painted: Optional[dict] = None
        self._coloured: Optional[frozenset] = None
        self._page_white: Optional[bool] = None
        self._external: Optional[bool] = None
        self._links_inherit = False
        self._settled = 0
        self._nodes_read = 0  # by recoloured(), page-wide
        self._own: dict = {}  # id(element) -> own_colour()
        self._pictures: dict = {}  # id(box) -> _holds_a_picture()
        self._compiled: dict = {}  # selector -> soupsieve's compiled selector (None: not one it knows)

    def settle(self, node: Tag, reason: str) -> Optional[str]:
        """None when the white text this element declares is read; a sure reason when it stands on white; else
        the reason as it was (a question)."""
        self._settled += 1
        if self._settled > SETTLE_BUDGET:
            return reason  # (a hostile page of 100,000 white elements: the rest stay questions)
        if self._painted is None:
            self._painted = _painted_names(self._sheets)
        behind = _painted_behind(node, self._painted, self._compiled)
        if behind is True:
            return None
        if self._external is None:
            self._external = bool(_STYLESHEET_LINK.search(self._html))
        if self._external:
            return reason  # a style sheet the checker does not read may paint behind it or colour it again
        if behind is None:
            if self._page_white is None:
                self._page_white = _page_is_white(self._html, self._sheets)
            if not self._page_white:
                return reason
        if _beside_a_picture(node, self._pictures):
            return reason  # a caption or credit set over a photo: the photo may be what is behind it
        return reason[len(WHITE_TEXT):].strip("() ") + WHITE_ON_WHITE

    def recoloured(self, block_element: Tag) -> bool:
        """Whether every bit of text of a block that inherits white stands in an element that sets a colour of its
        own ("<li>" of a white menu whose "<a class=link>" is coloured): then the block is read. Reads at most
        RECOLOURED_NODES nodes, by an explicit stack (bs4's own subtree walks cost a nested chain's depth each)."""
        stack: list = [(child, False) for child in reversed(block_element.contents)]
        seen = found = 0
        while stack:
            node, coloured = stack.pop()
            seen += 1
            self._nodes_read += 1
            if seen > RECOLOURED_NODES or self._nodes_read > PAGE_NODES:
                return False
            if isinstance(node, Tag):
                coloured = coloured or self.own_colour(node)
                stack.extend((child, coloured) for child in reversed(node.contents))
            elif isinstance(node, NavigableString) and type(node) is NavigableString and node.strip():
                if not coloured:
                    return False
                found += 1
        return found > 0

    def own_colour(self, node: Tag) -> bool:
        """Whether the element sets a colour that is not white (its style, or a class a rule colours; a link has
        the browser's link colour unless the page's rules make links inherit theirs)."""
        key = id(node)
        if key not in self._own:
            self._own[key] = self._own_colour(node)
        return self._own[key]

    def _own_colour(self, node: Tag) -> bool:
        style = node.get("style")
        if isinstance(style, list):
            style = " ".join(style)
        m = _COLOUR.search(style) if style else None
        if m:
            return not whiteish(colour_value(m.group(1)))
        if self._coloured is None:
            self._coloured = _coloured_classes(self._sheets)
            self._links_inherit = any(_LINKS_INHERIT.search(t) for t in self._sheets)
        cls = node.get("class") or ()
        if any(c in self._coloured for c in (cls.split() if isinstance(cls, str) else cls)):
            return True
        return node.name == "a" and node.has_attr("href") and not self._links_inherit



SETTLE_BUDGET = 2000  # white elements settled a page (each looks at up to ANCESTOR_LEVELS ancestors)
RECOLOURED_NODES = 100  # nodes of one block looked at (a menu's item is a few)
PAGE_NODES = 20_000  # ... and of all white blocks of a page together
PICTURE_LEVELS = 3  # how far up from white text a picture it may be set over is looked for
_PICTURES = ("img", "picture", "video", "canvas", "iframe")


def _beside_a_picture(el: Tag, memo: dict) -> bool:
    """Whether white text shares a small box with a picture (an overlay on a photo or a video's thumbnail)."""
    node: Optional[Tag] = el
    for _ in range(PICTURE_LEVELS):
        node = node.parent if node is not None else None
        if not isinstance(node, Tag) or node.name in ("body", "html", "main", "article"):
            return False
        if id(node) not in memo:
            memo[id(node)] = _holds_a_picture(node)
        if memo[id(node)]:
            return True
    return False


PICTURE_NODES = 60  # nodes of a box searched for a picture (a hostile page nests 100,000 deep)


def _holds_a_picture(box: Tag) -> bool:
    """Whether a picture is among the first PICTURE_NODES nodes below the box (an explicit stack: bs4's find() walks
    the whole subtree, and each call costs a nested chain's depth)."""
    stack: list = list(reversed(box.contents))
    seen = 0
    while stack and seen < PICTURE_NODES:
        node = stack.pop()
        seen += 1
        if isinstance(node, Tag):
            if node.name in _PICTURES:
                return True
            stack.extend(reversed(node.contents))
    return False


def white(reason: Optional[str]) -> bool:
    """Whether a hidden reason is white text's (settled or not)."""
    return reason is not None and (reason.startswith(WHITE_TEXT) or reason.endswith(WHITE_ON_WHITE))


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COLOUR = re.compile(r"(?<![-\w])color\s*:\s*([^;{}]*)", re.I)
_NAME = re.compile(r"([.#])([-\w]+)")
# A rule that makes links take their parent's colour ("a { color: inherit }", "a, a:visited { color: currentColor }").
_LINKS_INHERIT = re.compile(r"(?:^|[}\s,])a(?::[-\w]+)?\s*(?:,[^{]*)?\{[^}]*?(?<![-\w])color\s*:\s*(?:inherit|currentcolor|unset)",
                            re.I)
_BARE_TAG = re.compile(r"^\s*([a-z][a-z0-9]*)\s*$", re.I)
_SIMPLE = re.compile(r"^(?:[a-z][a-z0-9]*)?(?:[.#][-\w]+)?$|^[a-z][a-z0-9]*$", re.I)


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


def _painted_names(sheets: Sequence[str]) -> dict:
    """"." + class, "#" + id and tag -> [(selector, paints)] for the page's style rules that give such an element a
    background: paints is True for one white text can be read on, False for white or pale.

    A rule paints the element of its last compound ("header.dark .meta" paints a .meta inside header.dark: the
    whole selector is matched when it matters); a tag counts only as the whole selector ("body"), and a root's
    picture (a strip, a texture) not at all. Rules for a dark colour scheme are left out: a reader sees the
    page's default, light one."""
    out: dict = {}
    for text in sheets:
        for sel, body in _RULE.findall(without_dark_scheme(text)):
            values = [m.group(1) for m in _BACKGROUND.finditer(body)]
            if not values:
                continue
            painted = [_paints(v) for v in values]
            verdict = next((p for p in reversed(painted) if p is not None), None)
            if verdict is None:
                continue
            pictures_only = not any(_paints(v, pictures=False) for v in values)
            for part in sel.split(","):
                part = " ".join(part.split())
                last = re.split(r"[\s>+~]+", part)[-1]
                keys = [kind + name for kind, name in _NAME.findall(last)]
                tag = _BARE_TAG.match(part)  # (a tag alone: "body { background: #111 }", not ".promo p")
                if tag and not (verdict and pictures_only and tag.group(1).lower() in _ROOTS):
                    keys.append(tag.group(1).lower())
                for key in keys:
                    out.setdefault(key, []).append((part, verdict))
    return out


def _applies(selector: str, node: Tag, compiled: dict) -> bool:
    """Whether a rule's selector matches the element (a lone class, id or tag always does)."""
    if _SIMPLE.match(selector):
        return True
    if selector not in compiled:
        try:
            compiled[selector] = soupsieve.compile(selector)
        except Exception:  # a selector soupsieve does not know: a browser may not either
            compiled[selector] = None
    matcher = compiled[selector]
    try:
        return matcher is not None and bool(matcher.match(node))
    except Exception:  # soupsieve on a malformed tree
        return False


def _painted_behind(el: Tag, painted: Optional[dict] = None, compiled: Optional[dict] = None) -> Optional[bool]:
    """True when the nearest background an ancestor paints (by its own style, bgcolor, or a style rule naming its
    class, id or tag) is one white text can be read on, False when it is white or pale, None when none is painted
    in the HTML (or the rules leave it open)."""
    painted = painted or {}
    node: Optional[Tag] = el
    levels = 0
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
        if painted:  # (after its own style, which wins over the sheets)
            cls = node.get("class") or ()
            keys = ["." + c for c in (cls.split() if isinstance(cls, str) else cls)]
            el_id = node.get("id")
            if isinstance(el_id, str):
                keys.append("#" + el_id)
            keys.append(node.name)
            compiled = {} if compiled is None else compiled
            found = [verdict for k in keys for selector, verdict in painted.get(k, ())
                     if _applies(selector, node, compiled)]
            if found:  # every rule dark: read; every rule light: white; a mix (a card and its dark variant): open
                if all(found):
                    return True
                return False if all(f is False for f in found) else None
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
