"""Why an element is not visible: hidden attributes, inline styles, hiding classes and page CSS rules."""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence, Union

import soupsieve

from .vocabulary import DEFAULT_VOCABULARY

# Inline declarations that hide an element or shrink it to nothing. Off-screen positioning (or a
# translation by thousands of pixels) and clip rectangles or zero clip circles are how "screen-reader
# only" text hides, so they count as hidden too. A zoom under 10 % shrinks a box to nothing; `zoom: 0` is
# drawn at 100 % (browsers read 0 as "normal"; old IE layout hacks write it), so it hides nothing.
_HIDING_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*(?:0(?:\.0\d*)?|\.0\d*)%?\s*(?:;|$|!)"
    r"|clip\s*:\s*rect\(\s*0|clip-path\s*:\s*inset\(\s*(?:[5-9]\d(?:\.\d+)?|100)%|(?<!margin-)(?:left|top)\s*:\s*-\d{3,}(?:\.\d+)?(?:px|r?em|v[hw])"
    r"|text-indent\s*:\s*-\d{3,}(?:\.\d+)?(?:px|r?em)|margin-(?:left|top)\s*:\s*-(?:\d{4,}(?:\.\d+)?px|\d{3,}(?:\.\d+)?r?em)"
    r"|(?<!margin-)(?:right|bottom)\s*:\s*-(?:\d{4,}(?:\.\d+)?px|\d{3,}(?:\.\d+)?r?em)"
    r"|text-indent\s*:\s*(?:\d{4,}(?:\.\d+)?px|[1-9]\d{2,}%)"
    r"|font-size\s*:\s*(?:0(?:\.0*)?(?:px|em|rem)?|0?\.\d+px|1px|0?\.0\d*r?em)\s*(?:;|$|!)"
    r"|transform\s*:\s*scale[xy]?\(\s*(?:0(?:\.0\d*)?|\.0\d*)\s*[,)]|transform\s*:\s*scale\(\s*[\d.]+\s*,\s*0(?:\.0+)?\s*\)|zoom\s*:\s*(?:0?\.0\d*[1-9]\d*|0?\.\d*[1-9]\d*%|[1-9](?:\.\d+)?%)\s*(?:;|$|!)"
    r"|clip\s*:\s*rect\(\s*1px[\s,]+1px[\s,]+1px[\s,]+1px"
    r"|clip-path\s*:\s*(?:circle|ellipse)\(\s*0(?:px|%)?[\s)]|clip-path\s*:\s*polygon\((?:\s*0(?:px|%)?\s+0(?:px|%)?\s*,)*\s*0(?:px|%)?\s+0(?:px|%)?\s*\)|transform\s*:\s*translate(?:x|y|3d)?\(\s*-\d{4,}(?:\.\d+)?px|transform\s*:\s*translate(?:3d)?\(\s*[-\d.]+(?:px|%)?\s*,\s*-\d{4,}(?:\.\d+)?px"
    r"|filter\s*:\s*opacity\(\s*(?:0(?:\.0\d*)?|\.0\d*)%?\s*\)|webkit-text-fill-color\s*:\s*transparent",
    re.I,
)
# On an element's own style only: text in the colour of nothing. (Not searched in whole sheets: an
# alternative that cannot start with a letter would cost every sheet a slow scan, and
# "background-color: transparent" is everywhere there.)
_HIDING_INLINE_ONLY = re.compile(
    r"(?<![-\w])color\s*:\s*(?:transparent|(?:rgba|hsla)\([^)]{0,60}?[,/]\s*0(?:\.0+)?%?\s*\)|#[0-9a-f]{3}0\b|#[0-9a-f]{6}00\b)",
    re.I)
# Text in the colour of its own background ("color: #fff; background: white"): the classic hidden text.
# Only an element's own style, where both colours stand side by side, is compared; a few named colours.
_TEXT_COLOUR = re.compile(r"(?<![-\w])color\s*:\s*([#\w(),.\s%]+?)\s*(?:!important\s*)?(?:;|$)", re.I)
_BACKGROUND_COLOUR = re.compile(r"(?<![-\w])background(?:-color)?\s*:\s*([#\w(),.\s%]+?)\s*(?:!important\s*)?(?:;|$)", re.I)
_NAMED_COLOURS = {"white": "#ffffff", "black": "#000000", "red": "#ff0000", "blue": "#0000ff", "yellow": "#ffff00",
                  "green": "#008000", "gray": "#808080", "grey": "#808080", "silver": "#c0c0c0", "navy": "#000080"}
_ANY_BACKGROUND = re.compile(r"(?<![-\w])background(?:-color|-image)?\s*:", re.I)
# An opaque rgb(): no alpha, alpha 1, or alpha from a variable (Tailwind's "rgb(255 255 255/var(--tw-bg-opacity))",
# 1 unless a class sets it).
_RGB = re.compile(r"rgba?\(\s*(\d{1,3})\s*[, ]\s*(\d{1,3})\s*[, ]\s*(\d{1,3})\s*"
                  r"(?:[,/]\s*(?:1|1\.0+|100%|var\([^)]*\))\s*)?\)$")


# Text in white (or nearly) with no background of its own: invisible on the page's white, readable on a dark
# box or picture that a style sheet may paint behind it. The reason starts with WHITE_TEXT; white_text.py
# settles it from the backgrounds the page's HTML shows, and what stays unsettled is a question (review).
WHITE_TEXT = "white text "
WHITE_ON_WHITE = " in white on a white background"  # the end of a settled reason: hidden for sure
WHITE_MIN = 0xF0  # every channel at least this: "#f5f5f5" on white is as unreadable as "#fff"


def colour_only(reason: Optional[str]) -> bool:
    """Whether a hiding reason only makes text invisible (its colour): a picture inside is still seen."""
    return reason is not None and (reason.startswith(("style color", "style webkit-text-fill-color",
                                                      "style -webkit-text-fill-color", WHITE_TEXT))
                                   or reason.endswith(WHITE_ON_WHITE))


def whiteish(colour: Optional[str]) -> bool:
    """Whether a "#rrggbb" colour is white or so near it that text in it is unreadable on white."""
    return colour is not None and all(int(colour[i:i + 2], 16) >= WHITE_MIN for i in (1, 3, 5))


def _colour_of(m: Optional["re.Match"]) -> Optional[str]:
    """colour_value() of a declaration's value matched as group 1; None when nothing matched."""
    return colour_value(m.group(1)) if m is not None else None


def colour_value(value: str) -> Optional[str]:
    """A CSS colour as #rrggbb (hex, rgb(), a few names); None for anything else (a gradient, an image, a variable)."""
    v = value.strip().lower()
    if v in _NAMED_COLOURS:
        return _NAMED_COLOURS[v]
    if re.fullmatch(r"#[0-9a-f]{3}", v):
        return "#" + "".join(c * 2 for c in v[1:])
    if re.fullmatch(r"#[0-9a-f]{6}", v):
        return v
    rgb = _RGB.match(v)
    if rgb and all(int(x) <= 255 for x in rgb.groups()):
        return "#" + "".join(f"{int(x):02x}" for x in rgb.groups())
    return None


# "height: 0; overflow: hidden" (or max-height): a collapsed box shows none of its content. So does a zero
# width, unless the box may grow: "flex: 1; width: 0; overflow: hidden" is how a flexible item that
# truncates its text is written, and a min-width keeps a box open whatever its width says.
# "background-clip: text" paints the letters with the background: transparent text there is gradient text.
_CSS_COMMENT = re.compile(r"/\*.*?(?:\*/|$)", re.S)
_CLIPPED_TO_TEXT = re.compile(r"background-clip\s*:\s*text", re.I)
_ZERO_HEIGHT = re.compile(r"(?<![-\w])(?:max-)?height\s*:\s*(?:0(?:px|em|rem|%)?|1px)\s*(?:;|$|!)", re.I)
_OVERFLOW_HIDDEN = re.compile(r"overflow(?:-y)?\s*:\s*(?:hidden|clip)", re.I)
_ZERO_WIDTH = re.compile(r"(?<![-\w])(?:max-)?width\s*:\s*(?:0(?:px|em|rem|%)?|1px)\s*(?:;|$|!)", re.I)
_OVERFLOW_X_HIDDEN = re.compile(r"overflow(?:-x)?\s*:\s*(?:hidden|clip)", re.I)
# What lets a zero-width box open: a positive flex-grow (or a "flex" shorthand that grows), a min-width.
_MAY_GROW = re.compile(r"flex(?:-grow)?\s*:\s*(?:auto|[1-9]|0?\.\d*[1-9])|min-width\s*:\s*(?!0(?:px|em|rem|%)?\s*(?:;|$|!))"
                       r"[\d.]", re.I)
_WIDTH = re.compile(r"(?<![-\w])width\s*:\s*(\d+(?:\.\d+)?)px", re.I)
_HEIGHT = re.compile(r"(?<![-\w])height\s*:\s*(\d+(?:\.\d+)?)px", re.I)

# Characters of one inline style attribute inspected: real declarations fit in far fewer; a hostile
# megabyte attribute must not cost a regex scan per element.
STYLE_LIMIT = 10_000

# Class names that frameworks (Bootstrap, WordPress, Tailwind, Foundation) use to hide content.
HIDING_CLASSES = frozenset(DEFAULT_VOCABULARY.hiding_classes)
# A framework's class that shows the element again from some screen width on ("d-none d-md-block",
# "hidden md:flex", "invisible lg:visible", "sr-only md:not-sr-only"): the reader of that width sees it, and
# an element visible on a desktop or a phone counts as visible. Print variants ("d-print-block",
# "print:block") show nothing on a screen.
_SHOWN_FROM_A_WIDTH = re.compile(
    r"^(?:d-(?:sm|md|lg|xl|xxl)-(?:block|inline|inline-block|flex|inline-flex|grid|inline-grid|table|table-cell|"
    r"table-row|contents)"
    r"|(?!print:)(?:(?:max-)?(?:sm|md|lg|xl|2xl)|(?:min|max)-\[[^\]]+\]):"
    r"(?:block|inline|inline-block|flex|inline-flex|grid|inline-grid|table|contents|flow-root|list-item|visible|"
    r"not-sr-only|opacity-(?:[1-9]\d*)))$", re.I)
# Tailwind's "opacity-0" beside a transition or animation class is a fade-in a script starts; "opacity-0"
# alone is an element nobody sees.
_FADING_CLASS = re.compile(r"^(?:transition|duration-|animate|ease-|fade|aos)", re.I)


def tiny_size(width: Optional[str], height: Optional[str], style: str) -> bool:
    """True for zero/one-pixel dimensions given as attributes or inline style."""
    def small(value: Optional[str]) -> bool:
        if value is None:
            return False
        m = re.match(r"\s*(\d+(?:\.\d+)?)\s*(px)?\s*$", value)
        return m is not None and float(m.group(1)) <= 1
    if small(width) or small(height):
        return True
    style = style[:STYLE_LIMIT]
    w, h = _WIDTH.search(style), _HEIGHT.search(style)
    return bool((w and float(w.group(1)) <= 1) or (h and float(h.group(1)) <= 1))


# Widths at which a reader may see the page: a desktop and a phone screen. An element counts as
# visible when it is visible at either (responsive layouts show the byline in one place per width).
SCREEN_WIDTHS = (1280, 390)

# Class names that lazy-loading scripts put on an element until it has loaded (pack vocabulary).
LAZY_CLASSES = frozenset(DEFAULT_VOCABULARY.lazy_classes)


@dataclass(frozen=True)
class CssHiding:
    """What the page's own <style> rules hide on every screen width it is read at: class names and ids of
    simple selectors, and (indexed) selectors with combinators or attributes."""

    classes: frozenset = frozenset()
    ids: frozenset = frozenset()
    framework: frozenset = HIDING_CLASSES  # class names frameworks hide with (pack vocabulary `hiding_classes`)
    lazy: frozenset = LAZY_CLASSES  # lazy-loading state classes (pack vocabulary `lazy_classes`)
    # Selectors with combinators or attributes ("article .meta", "p[data-x]") that hide at every width,
    # by the key their last compound needs ("#id", ".class", "[attr", "tag") -> ((selector, compiled), ...).
    complex: Mapping[str, tuple] = field(default_factory=dict)
    complex_attrs: frozenset = frozenset()  # attribute names some of those rules' last compound requires
    white: frozenset = frozenset()  # classes a rule colours white, with no background of its own (WHITE_TEXT)
    important: frozenset = frozenset()  # ".class" / "#id" of `classes` / `ids` hidden with !important

    def may_match_by_name(self, attrs: dict) -> bool:
        """Whether a structural hiding rule's last compound names this element's id or one of its classes."""
        index = self.complex
        if not index:
            return False
        el_id = attrs.get("id")
        if isinstance(el_id, str) and "#" + el_id in index:
            return True
        classes = attrs.get("class") or ()
        return any("." + c in index for c in (classes.split() if isinstance(classes, str) else classes))

    def complex_hiding(self, el: Any) -> Optional[str]:
        """The page CSS selector with combinators or attributes that hides this element, if one does."""
        index = self.complex
        attrs = el.attrs
        if shown_inline(attrs):
            return None
        keys = []
        el_id = attrs.get("id")
        if isinstance(el_id, str):
            keys.append("#" + el_id)
        classes = attrs.get("class") or ()
        keys.extend("." + c for c in (classes.split() if isinstance(classes, str) else classes))
        keys.extend("[" + a.lower() for a in attrs)
        for key in keys:
            for text, compiled in index.get(key, ()):
                try:
                    if compiled.match(el) and not _a_region(el):
                        return STRUCTURAL_RULE + text
                except Exception:  # soupsieve on a malformed tree: no verdict from this rule
                    continue
        return None


_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_SIMPLE_SELECTOR = re.compile(r"^(?:[a-z][a-z0-9]*)?([.#])([-\w]+)$", re.I)
_MEDIA_FEATURE = re.compile(r"\(\s*([-a-z]+)\s*(?::\s*([^)]*))?\)")
_LENGTH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(px|em|rem)?\s*$")
_MEDIA_TYPES_SHOWN = frozenset({"screen", "all", ""})
Applies = tuple  # per SCREEN_WIDTHS: True (surely applies), False (surely not), None (cannot tell)


def _and(a: Optional[bool], b: Optional[bool]) -> Optional[bool]:
    if a is False or b is False:
        return False
    return None if a is None or b is None else True


def _feature_applies(name: str, value: Optional[str], width: int) -> Optional[bool]:
    if name in ("min-width", "max-width") and value is not None:
        m = _LENGTH.match(value)
        if not m:
            return None
        px = float(m.group(1)) * (16 if m.group(2) in ("em", "rem") else 1)
        return width >= px if name == "min-width" else width <= px
    return None  # orientation, hover, prefers-*, range syntax: not decided here


def media_applies(query: Optional[str]) -> Applies:
    """Whether a media query list applies at each of SCREEN_WIDTHS (print-only rules never do)."""
    if query is None or not query.strip():
        return (True,) * len(SCREEN_WIDTHS)
    out = []
    for width in SCREEN_WIDTHS:
        any_part: Optional[bool] = False
        for part in query.lower().split(","):
            words = _MEDIA_FEATURE.sub(" ", part).replace(" and ", " ").split()
            negate = bool(words) and words[0] == "not"
            words = [w for w in words if w not in ("not", "only", "and")]
            media_type = words[0] if words else ""
            ok: Optional[bool] = media_type in _MEDIA_TYPES_SHOWN
            for name, value in _MEDIA_FEATURE.findall(part):
                ok = _and(ok, _feature_applies(name, value or None, width))
            if negate and ok is not None:
                ok = not ok
            if ok is True:
                any_part = True
                break
            if ok is None:
                any_part = None
        out.append(any_part)
    return tuple(out)


_AT_RULE = re.compile(r"@([-\w]+)")
# At-rules whose blocks hold style rules that apply as they stand; rules in any other block
# (@keyframes, @font-face, @page) are not about elements.
_TRANSPARENT_AT = frozenset({"supports", "layer", "document", "-moz-document", "scope"})


_FADE = re.compile(r"(?:transition|animation)[\w-]*\s*:", re.I)
_ONLY_OPACITY = re.compile(r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)", re.I)


def _fades_in(css: str, brace: int) -> bool:
    """A rule whose only hiding is opacity 0 with a transition or animation: a script fades it in."""
    end = css.find("}", brace)
    body = css[brace:end if end >= 0 else len(css)]
    return bool(_FADE.search(body)) and not _ONLY_OPACITY.search(body)


def _at_applies(prelude: str) -> Applies:
    """Where the rules inside an at-rule block apply, from its prelude ("@media (max-width: 600px)")."""
    m = _AT_RULE.match(prelude)
    keyword = m.group(1).lower() if m else ""
    if keyword == "media" and m:
        return media_applies(prelude[m.end():])
    if keyword in _TRANSPARENT_AT:
        return (True,) * len(SCREEN_WIDTHS)
    if keyword == "container":
        return (None,) * len(SCREEN_WIDTHS)
    return (False,) * len(SCREEN_WIDTHS)  # @keyframes, @font-face, @page: not about elements


_BRACES_AND_ENDS = re.compile(r"[{};]")


def _at_blocks(css: str) -> list[tuple[int, int, Applies]]:
    """(start, end, applies) of every at-rule block in the sheet, nested ones included, by start.

    One pass over the braces with a stack (a hostile sheet of 10,000 nested or 100,000 flat @media
    blocks costs what its length costs): a "{" opens an at-rule block when the text since the last
    "{", "}" or ";" starts with "@"; an unclosed block ends with the sheet.
    """
    out, stack, last = [], [], 0
    for m in _BRACES_AND_ENDS.finditer(css):
        ch, pos = m.group(), m.start()
        if ch == "{":
            prelude = css[last:pos].lstrip()
            stack.append((pos, _at_applies(prelude) if prelude.startswith("@") else None))
        elif ch == "}" and stack:
            start, applies = stack.pop()
            if applies is not None:
                out.append((start, pos, applies))
        last = pos + 1
    out.extend((start, len(css), applies) for start, applies in stack if applies is not None)
    out.sort(key=lambda b: b[0])
    return out


def _contexts(blocks: list[tuple[int, int, Applies]], positions: list[int], base: Applies) -> dict:
    """position -> where a rule starting there applies: the style element's media and every enclosing
    at-block. One sweep over positions and blocks, both by start (blocks nest, so a stack holds the
    open ones with their combined applicability)."""
    out: dict = {}
    stack: list = []  # (end, applies so far), innermost last
    i = 0
    for pos in sorted(set(positions)):
        while i < len(blocks) and blocks[i][0] < pos:
            start, end, applies = blocks[i]
            while stack and stack[-1][0] <= start:
                stack.pop()
            outer = stack[-1][1] if stack else base
            stack.append((end, tuple(_and(x, y) for x, y in zip(outer, applies))))
            i += 1
        while stack and stack[-1][0] <= pos:
            stack.pop()
        out[pos] = stack[-1][1] if stack else base
    return out


# Characters of page CSS read (all <style> elements together): real pages embed up to a few hundred KB
# (CSS-in-JS frameworks); a hostile megabyte of CSS is read only this far.
CSS_LIMIT = 1_000_000
StyleSheet = Union[str, tuple]  # the text of a <style>, or (text, its media attribute)


def css_hiding(style_texts: Sequence[StyleSheet], limit: int = CSS_LIMIT,
               lazy_classes: frozenset = LAZY_CLASSES, framework: Optional[frozenset] = None) -> CssHiding:
    """Simple `.class` / `#id` selectors that the page's CSS hides at every width in SCREEN_WIDTHS.

    Each rule applies where its style element's `media` and its enclosing @media blocks say (print
    style sheets hide nothing on screen; a rule for phones hides only on phones). A class that some
    rule which may apply at that width shows again (display: block, visibility: visible) is not
    hidden there: without a cascade engine the checker cannot know which one wins. Lazy-loading
    state classes are shown once the image loads, so rules hiding them do not count.
    """
    n = len(SCREEN_WIDTHS)
    sheets: list[str] = []  # (what of each sheet applies on a screen, for white_classes)
    complex_rules: list[str] = []  # hiding selectors with combinators or attributes, at every width
    hidden: list[tuple[set, set]] = [(set(), set()) for _ in range(n)]
    shown: list[set] = [set() for _ in range(n)]
    collapsed: list[set] = [set() for _ in range(n)]  # hidden only by a box of no height (see _reopened)
    important: set = set()  # ".class" / "#id" hidden by an !important declaration
    left = limit
    for sheet in style_texts:
        text, media = sheet if isinstance(sheet, tuple) else (sheet, None)
        base = media_applies(media)
        if left <= 0 or not any(a is not False for a in base):
            continue
        raw = re.sub(r"/\*.*?\*/", "", text[:left], flags=re.S)
        left -= len(text)
        sheets.append(raw)
        blocks = _at_blocks(raw) if "@" in raw else []
        _collect_hiding(raw, blocks, base, lazy_classes, hidden, complex_rules, collapsed, important)
        if any(collapsed):
            _reopened(raw, blocks, base, shown, collapsed)
        if complex_rules or any(c or d for c, d in hidden):
            showing = _rules_around(raw, _SHOWING, _SHOWING_IN_LOWERED)
            context = _contexts(blocks, [start for _, start in showing], base)
            for selectors, start in showing:
                where = context[start]
                names = re.findall(r"[.#]([-\w]+)", selectors)
                for i, applies in enumerate(where):
                    if applies is not False:
                        shown[i].update(names)
    classes = set.intersection(*[h[0] - s for h, s in zip(hidden, shown)])
    ids = set.intersection(*[h[1] - s for h, s in zip(hidden, shown)])
    index = _index_complex(complex_rules, set.union(*shown), lazy_classes)
    forced = frozenset(n for n in important if n[1:] in (classes if n[0] == "." else ids))
    return CssHiding(frozenset(classes), frozenset(ids), HIDING_CLASSES if framework is None else framework,
                     lazy_classes, index, frozenset(k[1:] for k in index if k.startswith("[")), white_classes(sheets),
                     forced)


def _collect_hiding(raw: str, blocks: list, base: Applies, lazy_classes: frozenset,
                    hidden: list[tuple[set, set]], complex_rules: list[str], collapsed: list[set],
                    important: set) -> None:
    """Add one sheet's hiding rules: simple class/id selectors per width to `hidden`, selectors with
    combinators or attributes that hide at every width to `complex_rules`; names hidden only by a
    collapsed box also to `collapsed`; ".name" / "#name" hidden with !important at every width to `important`."""
    hiding = _rules_around(raw, _HIDING_STYLE, _HIDING_IN_LOWERED)
    context = _contexts(blocks, [start for _, start in hiding], base)
    for selectors, start in hiding:
        if _fades_in(raw, start):
            continue
        end = raw.find("}", start)
        hit = _HIDING_STYLE.search(raw[start + 1:end if end >= 0 else len(raw)])
        only_collapse = not hit
        # "display: none !important" wins over an element's own "display: block" (inline styles lose to it)
        forced = hit is not None and _IMPORTANT.match(raw, start + 1 + hit.start(), end if end >= 0 else len(raw))
        where = context[start]
        for sel in (_top_level(selectors, ",") if "(" in selectors else selectors.split(",")):
            m = _SIMPLE_SELECTOR.match(sel.strip())
            if not m:
                if all(a is True for a in where) and len(complex_rules) < COMPLEX_RULES:
                    complex_rules.append(sel.strip())
                continue
            if m.group(1) == "." and m.group(2).lower() in lazy_classes:
                continue
            for i, applies in enumerate(where):
                if applies is True:
                    hidden[i][0 if m.group(1) == "." else 1].add(m.group(2))
                    if only_collapse:
                        collapsed[i].add(m.group(2))
            if forced and all(a is True for a in where):
                important.add(m.group(1) + m.group(2))


# What opens a collapsed box again: a height (or max-height) that is not zero, or overflow shown.
_REOPENING = re.compile(r"(?<![-\w])(?:max-|min-)?height\s*:\s*(?:auto|none|fit-content|max-content|min-content|\d*\.?\d*[1-9])"
                        r"|overflow(?:-y)?\s*:\s*(?:visible|auto|scroll)", re.I)
_REOPENING_IN_LOWERED = re.compile(r"(?<![\w-])(?:max-|min-)?height\s*:\s*(?:auto|none|fit-content|max-content|min-content|\d*\.?\d*[1-9])"
                                   r"|overflow(?:-y)?\s*:\s*(?:visible|auto|scroll)")


def _reopened(raw: str, blocks: list, base: Applies, shown: list[set], collapsed: list[set]) -> None:
    """A class collapsed by one rule and given a height by another (".panel{height:0;overflow:hidden}
    .panel.open{height:auto}") is an accordion a script opens: as with display, without a cascade
    engine the checker cannot tell which rule wins, so it is not taken as hidden."""
    opening = _rules_around(raw, _REOPENING, _REOPENING_IN_LOWERED)
    context = _contexts(blocks, [start for _, start in opening], base)
    for selectors, start in opening:
        names = set(re.findall(r"[.#]([-\w]+)", selectors))
        for i, applies in enumerate(context[start]):
            if applies is not False:
                shown[i].update(names & collapsed[i])


# Led by its literal (a leading look-behind would make the engine try every position: 9x slower on real sheets);
# "background-color" and the like are told apart by the character before it.
_WHITE_COLOUR_IN_LOWERED = re.compile(r"color\s*:\s*(?:#f[0-9a-f]f[0-9a-f]f[0-9a-f]\b|#fff\b|white\b"
                                      r"|rgba?\(\s*2[45]\d\s*,\s*2[45]\d\s*,\s*2[45]\d\s*[,)])")


_DARK_SCHEME = re.compile(r"@media[^{]*prefers-color-scheme\s*:\s*dark[^{]*\{", re.I)


def without_dark_scheme(text: str) -> str:
    """The sheet without its "@media (prefers-color-scheme: dark) { ... }" blocks."""
    if "prefers-color-scheme" not in text:
        return text
    parts, at = [], 0
    for m in _DARK_SCHEME.finditer(text):
        if m.start() < at:
            continue
        depth, end = 1, len(text)
        for brace in _BRACES.finditer(text, m.end()):  # (brace by brace: a block of rules is mostly not braces)
            depth += 1 if brace.group() == "{" else -1
            if not depth:
                end = brace.end()
                break
        parts.append(text[at:m.start()])
        at = end
    parts.append(text[at:])
    return "".join(parts)


_BRACES = re.compile(r"[{}]")


WHITE_RULES = 1000  # white declarations read a sheet (each looks back for its rule's braces; a hostile sheet holds millions)


def white_classes(sheets: Sequence[str]) -> frozenset:
    """Classes that a rule of their own (".x { color: #fff }") colours white and gives no background but white.

    Whether such text is read depends on what the page paints behind it, and on whether an element inside
    sets a colour of its own (white_text.py); a rule that also sets a background that is not white is a
    button or a banner whose colours belong together."""
    out: set = set()
    for raw in sheets:
        raw = without_dark_scheme(raw)  # (a reader sees the default, light scheme)
        low = raw.lower()
        if "color" not in low:
            continue
        hits = [m.start() for m in _WHITE_COLOUR_IN_LOWERED.finditer(low)
                if not m.start() or not (low[m.start() - 1].isalnum() or low[m.start() - 1] in "-_")]
        seen: set = set()
        for at in hits[:WHITE_RULES]:
            # the rule around the hit, by the nearest braces (a few hits a sheet: no index of every brace)
            start = raw.rfind("{", 0, at)
            if start < 0 or start in seen or raw.rfind("}", 0, at) > start:
                continue
            seen.add(start)
            sel = raw[max(raw.rfind("}", 0, start), raw.rfind("{", 0, start)) + 1:start]
            end = raw.find("}", start)
            body = raw[start + 1:end if end >= 0 else len(raw)]
            colour = _colour_of(_TEXT_COLOUR.search(body))
            if not whiteish(colour):
                continue
            if _ANY_BACKGROUND.search(body) and not whiteish(_colour_of(_BACKGROUND_COLOUR.search(body))):
                continue  # a button or a banner: its own background under its own white
            for part in sel.split(","):
                m = _SIMPLE_SELECTOR.match(part.strip())
                if m and m.group(1) == ".":
                    out.add(m.group(2))
    return frozenset(out)


# Hiding selectors with combinators or attributes kept per page (a hostile sheet holds millions).
COMPLEX_RULES = 500
# The reason given for an element such a selector hides. Whether a reader's browser applies it depends
# on the cascade and on classes scripts set, which a static reading cannot settle: the checks treat
# a credit or logo hidden only this way as a question (review), never as proof (fail).
STRUCTURAL_RULE = "the page's CSS rule "
REGION_CHARS = 600  # an element holding this much text is a page region (a state of the page), not a credit line or box


def hidden_by_structure(reason: Optional[str]) -> bool:
    """Whether a hidden reason is uncertain statically (a structural CSS rule's, or white text over a background
    the HTML does not show), not a sure one."""
    return reason is not None and reason.startswith((STRUCTURAL_RULE, WHITE_TEXT))


def _a_region(el: Any) -> bool:
    """Whether the element holds so much text that hiding it is a page state (a closed menu, a
    paywall, a consent wall) rather than hiding one line."""
    total = 0
    for s in el.strings:
        total += len(s)
        if total > REGION_CHARS:
            return True
    return False
_COMPOUND_SPLIT = re.compile(r"\s*[\s>+~]\s*")
# States a script undoes on load: the no-js and js-off classes, framework cloaks (x-cloak, v-cloak, ng-cloak), and
# custom elements (a web component shows its light DOM its own way once defined).
_LAZY_ATTRS = frozenset({"data-src", "data-srcset", "data-original", "data-sizes", "loading", "data-bg"})
_SCRIPT_STATE = re.compile(r"\bno-?js\b|\bjs-?(?:off|disabled|loading)\b|\bno-?script\b|cloak|(?:^|[\s>+~])[a-z][a-z0-9]*-[-a-z0-9]*", re.I)
# Pseudo-classes that say only where an element stands or what it is (":is(.a, .b)", ":nth-child(2)"): the
# HTML settles them. Any other (":hover", ":checked", "::before", ":not(...)", whose negated
# class a script often adds) leaves the rule to the browser.
_STATEFUL = re.compile(r":(?!(?:is|where|first-child|last-child|only-child|first-of-type|last-of-type|only-of-type"
                       r"|nth-child|nth-last-child|nth-of-type|nth-last-of-type|root)\b(?!-))", re.I)
_KEY_PARTS = re.compile(r"#([-\w]+)|\.([-\w]+)|\[\s*([-\w]+)")


def _top_level(text: str, separators: str) -> list[str]:
    """`text` split at the separator characters that stand outside parentheses, empty parts dropped."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0 and ch in separators:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()] or [""]


def _index_complex(selectors: list[str], shown: set, lazy_classes: frozenset) -> dict:
    """Compile the hiding selectors a reader's browser would apply by structure ("article .meta",
    "p[data-hide]"), keyed by what their last compound requires of the element. States (":hover",
    ":checked", "::before") are left out: whether they hold is not in the HTML. A rule whose element
    some showing rule names may be undone by the cascade, so it is left out too."""
    index: dict = {}
    for sel in selectors:
        if not sel or "\\" in sel or (":" in sel and _STATEFUL.search(sel)):
            continue
        sel = sel.strip()
        last = _top_level(sel, " \t\n>+~")[-1] if "(" in sel else _COMPOUND_SPLIT.split(sel)[-1]
        ids: list[str] = []
        classes: list[str] = []
        attrs: list[str] = []
        for m in _KEY_PARTS.finditer(last):
            if m.group(1):
                ids.append(m.group(1))
            elif m.group(2):
                classes.append(m.group(2))
            elif m.group(3):
                attrs.append(m.group(3))
        if any(n in shown for n in ids + classes) or any(c.lower() in lazy_classes for c in classes):
            continue
        if any(a.lower() in _LAZY_ATTRS or a.lower().startswith("data-lazy") for a in attrs):
            continue  # "img[data-src] { opacity: 0 }": a lazy loader's state, shown once the image loads
        if _SCRIPT_STATE.search(sel):
            continue  # ".no-js .x", "[x-cloak]", "my-widget .x": undone as soon as the page's scripts run
        # A last compound with no id, class or attribute ("nav ul") would be tried on every such
        # element of the page: left to the browser (render mode).
        key = ("#" + ids[0]) if ids else ("." + classes[0]) if classes else ("[" + attrs[0].lower()) if attrs else None
        if key is None:
            continue
        # ":is(.a, .b)" / ":where(...)": the element needs only one of the alternatives, so the rule is
        # filed under each of them (the compiled selector still decides).
        keys = ([key] if "(" not in last else
                ["#" + i for i in ids] + ["." + c for c in classes] + ["[" + a.lower() for a in attrs])
        try:
            compiled = soupsieve.compile(sel)
        except Exception:  # a selector soupsieve does not know: a browser may not either
            continue
        for k in dict.fromkeys(keys):
            index.setdefault(k, []).append((sel, compiled))
    return {k: tuple(v) for k, v in index.items()}


_IMPORTANT = re.compile(r"[^;}]*!\s*important", re.I)
_SHOWING = re.compile(r"display\s*:\s*(?!none)[a-z-]+|visibility\s*:\s*visible|opacity\s*:\s*(?:1|0?\.[1-9])", re.I)

# Searching a page's rules one by one with the case-insensitive patterns above costs ~90 ns per
# character: the regex engine tries every alternative at every position. These case-sensitive twins
# search the whole lower-cased style sheet at once and skip straight to the letters a declaration
# can start with (~5x faster). They find the same declarations at the same places: lower() maps
# every character, except the three _CASE_TRAPS, to one character that matches exactly the pattern
# letters it matched under re.I (checked over all of Unicode). "$", the end of a rule's
# declarations, becomes "(?=})"; left/top/text-indent are spelt out so that every alternative
# starts with a letter.
_HIDING_IN_LOWERED = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)|opacity\s*:\s*(?:0(?:\.0\d*)?|\.0\d*)%?\s*(?:;|(?=\})|!)"
    r"|clip\s*:\s*rect\(\s*0|clip-path\s*:\s*inset\(\s*(?:[5-9]\d(?:\.\d+)?|100)%|(?<!margin-)left\s*:\s*-\d{3,}(?:\.\d+)?(?:px|r?em|v[hw])"
    r"|(?<!margin-)top\s*:\s*-\d{3,}(?:\.\d+)?(?:px|r?em|v[hw])|margin-(?:left|top)\s*:\s*-(?:\d{4,}(?:\.\d+)?px|\d{3,}(?:\.\d+)?r?em)|(?<!margin-)right\s*:\s*-(?:\d{4,}(?:\.\d+)?px|\d{3,}(?:\.\d+)?r?em)|(?<!margin-)bottom\s*:\s*-(?:\d{4,}(?:\.\d+)?px|\d{3,}(?:\.\d+)?r?em)|text-indent\s*:\s*-\d{3,}(?:\.\d+)?(?:px|r?em)"
    r"|text-indent\s*:\s*(?:\d{4,}(?:\.\d+)?px|[1-9]\d{2,}%)"
    r"|font-size\s*:\s*(?:0(?:\.0*)?(?:px|em|rem)?|0?\.\d+px|1px|0?\.0\d*r?em)\s*(?:;|(?=\})|!)"
    r"|transform\s*:\s*scale[xy]?\(\s*(?:0(?:\.0\d*)?|\.0\d*)\s*[,)]|transform\s*:\s*scale\(\s*[\d.]+\s*,\s*0(?:\.0+)?\s*\)|zoom\s*:\s*(?:0?\.0\d*[1-9]\d*|0?\.\d*[1-9]\d*%|[1-9](?:\.\d+)?%)\s*(?:;|(?=\})|!)"
    r"|clip\s*:\s*rect\(\s*1px[\s,]+1px[\s,]+1px[\s,]+1px"
    r"|clip-path\s*:\s*(?:circle|ellipse)\(\s*0(?:px|%)?[\s)]|clip-path\s*:\s*polygon\((?:\s*0(?:px|%)?\s+0(?:px|%)?\s*,)*\s*0(?:px|%)?\s+0(?:px|%)?\s*\)|transform\s*:\s*translate(?:x|y|3d)?\(\s*-\d{4,}(?:\.\d+)?px|transform\s*:\s*translate(?:3d)?\(\s*[-\d.]+(?:px|%)?\s*,\s*-\d{4,}(?:\.\d+)?px"
    r"|filter\s*:\s*opacity\(\s*(?:0(?:\.0\d*)?|\.0\d*)%?\s*\)|webkit-text-fill-color\s*:\s*transparent"
    r"|color\s*:\s*transparent\s*(?:;|(?=\})|!)"
)
# Zero heights, searched on their own: a pattern that starts with a literal is found by a fast scan, and
# one more alternative in the pattern above would cost every sheet ~6 %. Kept only where _collapses says so.
_ZERO_HEIGHT_IN_LOWERED = re.compile(r"height\s*:\s*(?:0(?:px|em|rem|%)?|1px)\s*(?:;|(?=\})|!)")
_SHOWING_IN_LOWERED = re.compile(r"display\s*:\s*(?!none)[a-z-]+|visibility\s*:\s*visible|opacity\s*:\s*(?:1|0?\.[1-9])")
# re.I matches "İ" and "ı" to i and "ſ" to s, which lower() does not do ("İ" even becomes two characters).
_CASE_TRAPS = ("\u0130", "\u0131", "\u017f")


def _rule_selectors(css: str, declarations: re.Pattern, in_lowered: re.Pattern) -> list[str]:
    """The selector list of each rule of _RULE.findall(css) whose declarations `declarations` finds
    something in (in_lowered: its twin for the lower-cased sheet), in no particular order."""
    return [sel for sel, _ in _rules_around(css, declarations, in_lowered)]


def _rules_around(css: str, declarations: re.Pattern, in_lowered: re.Pattern) -> list[tuple[str, int]]:
    """(selector list, position of its "{") of each rule whose declarations match, in no particular order."""
    if any(ch in css for ch in _CASE_TRAPS):
        return [(m.group(1), m.start(2) - 1) for m in _RULE.finditer(css)
                if declarations.search(m.group(2)) or (in_lowered is _HIDING_IN_LOWERED and _collapses(m.group(2)))]
    low = css.lower()
    found = [m.start() for m in in_lowered.finditer(low) if not _paints_text(low, m.start())]
    if in_lowered is _HIDING_IN_LOWERED:
        found += [m.start() for m in _ZERO_HEIGHT_IN_LOWERED.finditer(low) if not _height_but_open(low, m.start())]
    return _selectors_at(css, found)


# A box of no height whose overflow is cut shows nothing of what it holds. Padding above or below gives it a
# height again ("height: 0; padding-bottom: 56.25%" is how a responsive video frame keeps its proportions).
_PADDED = re.compile(r"padding-(?:top|bottom|block(?:-start|-end)?)\s*:\s*[^;}]*[1-9]", re.I)
_PADDING = re.compile(r"(?<![-\w])padding\s*:\s*([^;}!]*)", re.I)


def _padded(declarations: str) -> bool:
    """Whether padding above or below is set ("padding: 0 10px" pads only the sides: its first and third values)."""
    if _PADDED.search(declarations):
        return True
    m = _PADDING.search(declarations)
    values = m.group(1).split() if m else []
    return any(re.search(r"[1-9]", v) for v in values[0:3:2])


def _collapses(declarations: str) -> bool:
    """Whether one rule's (or style attribute's) declarations collapse the box: no height, overflow cut, no padding."""
    return bool(_ZERO_HEIGHT.search(declarations) and _OVERFLOW_HIDDEN.search(declarations)
                and not _padded(declarations))


def _height_but_open(low: str, at: int) -> bool:
    """Whether a zero height found at `at` in the lower-cased sheet leaves the box open: another property
    ("line-height: 0"), or its rule does not cut the overflow (or pads the box)."""
    if low.startswith("max-", at - 4):
        at -= 4
    if at and (low[at - 1].isalnum() or low[at - 1] in "-_"):
        return True
    start, end = low.rfind("{", 0, at), low.find("}", at)
    return not _collapses(low[start + 1:end if end >= 0 else len(low)])


def _paints_text(low: str, at: int) -> bool:
    """Whether a transparent colour found at `at` is no hiding: another property's colour ("background-color:
    transparent") or gradient text (its rule clips the background to the letters)."""
    if low.startswith("color", at):
        if at and (low[at - 1].isalnum() or low[at - 1] in "-_"):
            return True
    elif not low.startswith("webkit", at):
        return False
    start, end = low.rfind("{", 0, at), low.find("}", at)
    return "background-clip" in low[start + 1:end if end >= 0 else len(low)]


def _selectors_around(css: str, positions: list[int]) -> list[str]:
    """For each position inside a rule's declarations, that rule's selector list (once per rule)."""
    return [sel for sel, _ in _selectors_at(css, positions)]


def _selectors_at(css: str, positions: list[int]) -> list[tuple[str, int]]:
    """For each position inside a rule's declarations, (that rule's selector list, its "{"), once per rule.

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
            out.append((css[before + 1:start], start))
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
    if tag == "dialog" and "open" not in attrs:
        return "a closed <dialog> (shown only when a script opens it)"
    style = attrs.get("style") or ""
    if isinstance(style, list):
        style = " ".join(style)
    style = style[:STYLE_LIMIT]
    if "/*" in style:
        style = _CSS_COMMENT.sub("", style)  # "display:/**/none" is display: none to a browser
    classes = attrs.get("class") or ()
    if isinstance(classes, str):
        classes = classes.split()
    if style:
        why = _inline_hiding(style, classes, css)
        if why:
            return why
    shown_from_a_width = any(_SHOWN_FROM_A_WIDTH.match(c) for c in classes)
    for c in classes:
        if c in css.framework and not shown_from_a_width and not (
                c.lower() == "opacity-0" and any(_FADING_CLASS.match(x) or x.lower() in css.lazy for x in classes)):
            return f"class {c}"
    shown = _SHOWING.search(style) if style else None
    if shown and (not _forced_hidden(classes, attrs.get("id"), css) or _IMPORTANT.match(style, shown.start())):
        return None  # an inline "display: block" or "visibility: visible" wins over the page's style sheets
    for c in classes:
        if c in css.classes and not shown_from_a_width:
            return f"class {c}"
    for c in classes:
        if c in css.white and not _TEXT_COLOUR.search(style):
            return f"{WHITE_TEXT}(class {c})"
    el_id = attrs.get("id")
    if el_id and el_id in css.ids:
        return f"#{el_id} is hidden by the page's CSS"
    return None


def _forced_hidden(classes: Sequence[str], el_id: Any, css: CssHiding) -> bool:
    """Whether a class or the id of the element is hidden by an !important rule, which an inline style loses to."""
    forced = css.important
    return bool(forced) and (any("." + c in forced for c in classes) or (isinstance(el_id, str) and "#" + el_id in forced))


def _inline_hiding(style: str, classes: Sequence[str], css: CssHiding) -> Optional[str]:
    """Why an element's own style attribute hides it; None when it does not."""
    m = _HIDING_STYLE.search(style)
    if m and m.group(0).lower().startswith("webkit") and _CLIPPED_TO_TEXT.search(style):
        m = None  # gradient text: the background, clipped to the letters, paints them
    # A lazy loader's "opacity: 0 until loaded" is undone by its script once the image arrives.
    if m and not (m.group(0).lower().startswith("opacity") and (
            any(c.lower() in css.lazy for c in classes) or _FADE.search(style))):
        return f"style {m.group(0).strip().rstrip(';!').strip()}"
    clear = _HIDING_INLINE_ONLY.search(style)
    if clear and not _CLIPPED_TO_TEXT.search(style):
        return f"style {clear.group(0).strip()}"
    same = _colour_of(_TEXT_COLOUR.search(style))
    if same is not None and same == _colour_of(_BACKGROUND_COLOUR.search(style)):
        return f"style color {same} on a background of the same colour"
    if whiteish(same) and not _ANY_BACKGROUND.search(style):
        return f"{WHITE_TEXT}(style color {same})"
    z = _ZERO_HEIGHT.search(style)
    if z and _collapses(style):
        return f"style {z.group(0).strip().rstrip(';')} with overflow hidden"
    z = _ZERO_WIDTH.search(style)
    if z and _OVERFLOW_X_HIDDEN.search(style) and not _MAY_GROW.search(style):
        return f"style {z.group(0).strip().rstrip(';')} with overflow hidden"
    return None


def shown_inline(attrs: dict) -> bool:
    """Whether the element's own style attribute shows it, which overrides the page's style sheets."""
    style = attrs.get("style")
    if not style:
        return False
    return bool(_SHOWING.search((" ".join(style) if isinstance(style, list) else style)[:STYLE_LIMIT]))
