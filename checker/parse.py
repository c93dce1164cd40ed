"""HTML -> visible text (fast path, lexbor) and HTML -> ParsedPage (BeautifulSoup with lxml) for copies."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Iterator, Optional, Sequence
from urllib.parse import unquote

from bs4 import BeautifulSoup, CData, Comment, NavigableString, PageElement, Tag
from selectolax.lexbor import LexborHTMLParser

from .soup_build import soup_and_elements
from .visibility import (STYLE_LIMIT, WHITE_TEXT, CssHiding, colour_only, css_hiding, hidden_by_structure,
                         hidden_reason, tiny_size)
from .white_text import WhiteText, white as is_white
from .vocabulary import DEFAULT_VOCABULARY, Vocabulary

# Never rendered as page text.
_SKIP = frozenset({"script", "style", "noscript", "noframes", "noembed", "head", "title", "meta", "link", "iframe", "object",
                   "embed", "select", "option", "textarea", "input", "canvas", "video", "audio", "map"})
_FAST_STRIP = ["script", "style", "noscript", "noframes", "noembed", "template", "svg", "iframe", "head", "textarea", "select"]
BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "h1", "h2", "h3", "h4",
    "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd", "td", "th", "tr", "table", "tbody", "thead", "tfoot",
    "blockquote", "figure", "figcaption", "address", "pre", "form", "fieldset", "details", "summary",
    "caption", "hr", "body", "center", "hgroup", "picture", "legend",
})
_ASIDE_TAGS = frozenset({"aside", "nav"})
# Elements that can hold no text: an author-marked one (a rule under the byline, `<hr class="author-hr">`)
# is decoration, never a slot a script fills with a name.
VOID_TAGS = frozenset({"area", "br", "col", "embed", "hr", "img", "input", "source", "track", "wbr"})


@dataclass(frozen=True)
class NameHints:
    """Class/id words (from the pack's vocabulary) that hint a container holds other stories or chrome."""

    words: frozenset
    anywhere: frozenset  # words that name other stories wherever they stand in a name
    hint: "re.Pattern"  # one search of all of an element's names rules out most elements at once
    hiding_classes: frozenset
    lazy_classes: frozenset
    author_mark: "re.Pattern"  # words in an element's names that mark it as the author's (lower-case ASCII)
    author_not: "re.Pattern"  # ... and the words that undo the mark (a photo credit, "autoresize")

    @classmethod
    def of(cls, vocab: Vocabulary) -> "NameHints":
        words = frozenset(vocab.other_story_words)
        anywhere = frozenset(vocab.other_story_anywhere)
        hint = re.compile("|".join(map(re.escape, sorted(words | anywhere))) or "(?!)")
        return cls(words, anywhere, hint, frozenset(vocab.hiding_classes), frozenset(vocab.lazy_classes),
                   _alternation(vocab.author_marks), _alternation(vocab.author_mark_exclusions))


def _alternation(words: tuple) -> "re.Pattern":
    # Searched in lower-cased names: on ASCII text that is exactly what re.I would match, and a
    # case-sensitive search skips to the letters a word can start with (re.I tries every alternative
    # at every character).
    return re.compile("|".join(map(re.escape, sorted({w.lower() for w in words}))) or "(?!)")


DEFAULT_HINTS = NameHints.of(DEFAULT_VOCABULARY)


def strip_xml_declaration(html: str) -> str:
    return re.sub(r"^\s*<\?xml[^>]*\?>", "", html, count=1)


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Non-void start tags and end tags: their running balance bounds how deep a parser's stack of open elements gets.
# The void elements (area base basefont br col embed frame hr img input isindex keygen link meta param
# source track wbr), grouped by first letters so the regex engine rules most out at once (~15% faster).
_VOID = "area|b(?:ase(?:font)?|r)|col|embed|frame|hr|i(?:mg|nput|sindex)|keygen|link|meta|param|source|track|wbr"
_TAG_EDGE = re.compile(r"<(/?)(?!(?:%s)[\s/>])[a-zA-Z]" % _VOID, re.I)
# The HTML tree builder's scope checks walk the stack of open elements, so lexbor's time grows with the
# square of the nesting depth (100,000 nested <div>s: two minutes). Real pages stay under ~1,000.
DEEP_NESTING = 4000


_DEPTH_STEP = {"": 1, "/": -1}  # a start tag opens a level, an end tag closes one


def nesting_estimate(html: str) -> int:
    """An upper-bound estimate of the page's element nesting depth (0 when it cannot exceed DEEP_NESTING)."""
    if html.count("<") <= DEEP_NESTING:
        return 0
    # Every "</" is a "<" that opens nothing, so the depth never exceeds their difference: one more
    # C-speed count settles most large pages without the regex scan below (~3 ms on 300 KB).
    if html.count("<") - html.count("</") <= DEEP_NESTING:
        return 0
    return max(0, max(accumulate(map(_DEPTH_STEP.__getitem__, _TAG_EDGE.findall(html))), default=0))


class _TextTarget:
    """lxml parser target that keeps the visible text, for pages too deeply nested for lexbor."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.stack: list[bool] = []
        self.skip = 0
        self.body = False

    def start(self, tag, attrib) -> None:
        tag = tag.lower() if isinstance(tag, str) else ""
        if tag == "body":
            self.body = True
        hidden = tag in _FAST_STRIP or (tag not in ("html", "body") and (
            "hidden" in attrib or bool(_HIDDEN_STYLE.search((attrib.get("style") or "")[:STYLE_LIMIT]))))
        self.stack.append(hidden)
        self.skip += hidden

    def end(self, tag) -> None:
        if self.stack:
            self.skip -= self.stack.pop()

    def data(self, text) -> None:
        if not self.skip and self.body:
            self.parts.append(text)

    def comment(self, text) -> None:
        pass

    def close(self) -> str:
        return " ".join(self.parts)


def _deep_visible_text(html: str) -> str:
    from lxml import etree  # lxml streams events in linear time however deep the page nests

    parser = etree.HTMLParser(target=_TextTarget(), recover=True, huge_tree=True)
    parser.feed(html)
    return parser.close()


# Elements fast_visible_text drops, in one lexbor query: one tree walk instead of one per tag.
_FAST_DROP_QUERY = ",".join(_FAST_STRIP) + ',[hidden],[style*="none"],[style*="hidden"]'
_FAST_STRIP_SET = frozenset(_FAST_STRIP)


def fast_visible_text(html: str, utf8: Optional[bytes] = None) -> str:
    """Visible body text, cheaply: enough to decide whether a page is a copy.

    `utf8`, when given, must be exactly `html.encode("utf-8")` (the fetched body of a UTF-8 page):
    lexbor then parses it as is instead of re-encoding `html`. Only the words count: the spacing
    between them is not the page's.
    """
    if nesting_estimate(html) > DEEP_NESTING:
        return _deep_visible_text(html)
    tree = LexborHTMLParser(html if utf8 is None else utf8)
    _drop_invisible(tree)
    root = tree.body or tree.root
    # Whitespace-only text nodes (the indentation between tags, a third of a page's text) are left
    # out: the words, all that is read from this text, are the same, and there is less to tokenise.
    return root.text(separator=" ", skip_empty=True) if root is not None else ""


def _drop_invisible(tree: LexborHTMLParser) -> None:
    """Remove non-rendered elements (_FAST_STRIP) and hidden ones, with their subtrees.

    Removing the same set of subtrees in any order leaves the same tree, so one query for both kinds
    gives the text that stripping the tags first and then dropping hidden elements gave.
    """
    seen: set[int] = set()  # selectolax returns an element once per matching selector in a list
    for node in tree.css(_FAST_DROP_QUERY):
        if node.mem_id in seen:
            continue
        seen.add(node.mem_id)
        tag = node.tag
        if tag in _FAST_STRIP_SET:
            node.decompose(False)  # detached with its subtree, as strip_tags does
            continue
        if tag in ("html", "body"):
            continue
        attrs = node.attributes
        if "hidden" in attrs or _HIDDEN_STYLE.search((attrs.get("style") or "")[:STYLE_LIMIT]):
            node.decompose()


LINE_BREAK = "\u2028"  # what <br> leaves in a block's text; source newlines are mere whitespace


@dataclass
class Block:
    """A block-level element's own visible text, in document order."""

    index: int
    tag: str
    element: Tag
    parts: list = field(default_factory=list)
    hidden: Optional[str] = None  # why it is not visible
    marked: bool = False  # class/id/itemprop/rel name it (or an element a few levels up) as an author credit
    own_mark: bool = False  # its own class/id/itemprop/rel name it as an author credit
    asides: tuple = ()  # ids of enclosing other-story/navigation containers
    aside_names: tuple = ()
    depth: int = 0
    in_article: bool = False  # inside an <article> element
    marked_texts: list = field(default_factory=list)  # text of author-marked inline elements within
    empty_mark: bool = False  # holds an author-marked inline element with no text and no picture: a script's slot
    hidden_text: list = field(default_factory=list)  # its text in hidden inline elements (not in `text`)
    hidden_text_by_structure: bool = False  # some of it hidden only by a structural CSS rule (uncertain)
    edge: str = ""  # "head"/"foot": only a body paragraph's lines before/after the original's text (article/edges.py)
    text: str = ""
    lines: tuple = ()

    def finish(self) -> None:
        raw = "".join(self.parts)
        if self.tag == "pre":  # preformatted text keeps its own line breaks
            raw = raw.replace("\n", LINE_BREAK)
        if LINE_BREAK in raw:
            self.lines = tuple(ln for ln in (" ".join(x.split()) for x in raw.split(LINE_BREAK)) if ln)
            self.text = " ".join(self.lines)
        else:  # most blocks: one line, without the generators
            self.text = " ".join(raw.split())
            self.lines = (self.text,) if self.text else ()
        self.parts = []
        if self.hidden_text and self.marked_texts:
            # A marked element's text was read whole: take out what hidden elements inside it hold.
            cleaned = []
            for t in self.marked_texts:
                for h in self.hidden_text:
                    t = t.replace(" ".join(h.split()), " ", 1)
                cleaned.append(" ".join(t.split()))
            self.marked_texts = cleaned


@dataclass(frozen=True)
class Image:
    """An image-like element: <img>, <source>, inline <svg>, role=img, CSS background."""

    element: Tag
    kind: str
    texts: tuple  # text alternatives: alt, title, aria-label, svg <title>/<desc>
    urls: tuple  # every source URL it may show (src, lazy attributes, srcset candidates)
    hidden: Optional[str]
    block: int  # index of the enclosing Block


@dataclass(frozen=True)
class ParsedPage:
    """A copy, parsed once; every check reads this."""

    html: str
    url: str
    soup: BeautifulSoup
    blocks: tuple
    images: tuple
    meta: dict  # name/property -> list of contents
    jsonld: tuple  # parsed JSON-LD objects (flattened @graph)

    def visible_blocks(self) -> Iterator[Block]:
        return (b for b in self.blocks if b.hidden is None)


def _attr_text(value) -> str:
    return " ".join(value) if isinstance(value, list) else (value or "")


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


_URL_ATTRS = ("src", "data-src", "data-lazy-src", "data-original", "data-lazy", "data-url", "data-hi-res-src", "href",
              "xlink:href")
_URL_ATTRS_OBJECT = ("data",)  # <object data="/img/logo.svg">: its file


def _image_urls(el: Tag) -> list[str]:
    urls = []
    names = _URL_ATTRS_OBJECT if el.name == "object" else _URL_ATTRS
    for name in names:
        v = el.get(name)
        if v and not str(v).startswith("data:image/gif"):  # 1x1 lazy-load placeholders
            urls.append(str(v))
    for name in ("srcset", "data-srcset", "data-lazy-srcset"):
        v = el.get(name)
        if v:
            urls.extend(_srcset_urls(str(v)))
    style = _attr_text(el.get("style"))
    if "url(" in style:
        urls.extend(m.strip("'\" ") for m in re.findall(r"url\(([^)]*)\)", style))
    return [unquote(u) for u in urls]


_STATE_PREFIXES = ("has-", "with-", "no-", "is-", "page-", "layout-", "template-", "single-", "post-type-")


_NAME_PARTS = re.compile(r"[-_]+")


def _is_aside(tag: str, attrs: dict, hints: NameHints = DEFAULT_HINTS) -> Optional[str]:
    """The name of a container whose tag or class/id names it as navigation or other stories, or None.

    A hint only: the article model decides by position and structure whether it matters.
    """
    if tag in _ASIDE_TAGS or tag == "footer":
        first_class = (_attr_text(attrs.get("class")).split() or [""])[0]
        return f"{tag}.{first_class}" if first_class else tag
    if tag in ("body", "html", "main", "article"):
        return None
    names = _attr_text(attrs.get("class")) + " " + _attr_text(attrs.get("id"))
    if not hints.hint.search(names.lower()):
        return None
    for token in names.split():
        low = token.lower()
        if low.startswith(_STATE_PREFIXES):  # "has-sidebar" describes the page, it is not the sidebar
            continue
        parts = [p for p in _NAME_PARTS.split(low) if p]
        # The role word leads or ends the name ("sidebar-right", "post__sidebar", "related-posts");
        # in the middle of a layout name ("panel-two-col-sidebar-right-mix") it names a grid.
        if low in hints.words or (parts and (parts[0] in hints.words or parts[-1] in hints.words)) or (
                hints.anywhere & set(parts)):
            return f"{tag}.{token}"
    return None


def _marks(attrs: dict) -> str:
    get = attrs.get  # spelt out rather than a generator over the names: this runs for most elements
    return (f"{_attr_text(get('class'))} {_attr_text(get('id'))} {_attr_text(get('itemprop'))} "
            f"{_attr_text(get('rel'))} {_attr_text(get('data-component'))}")


def parse_page(html: str, url: str, vocab: Vocabulary = DEFAULT_VOCABULARY) -> ParsedPage:
    """Parse a copy with BeautifulSoup (lxml builder) and linearise it into visible blocks and images."""
    # BeautifulSoup(html, "lxml")'s tree, built faster, with its <style>, <meta> and <script> (soup_build.py)
    soup, special = soup_and_elements(html, _SPECIAL_TAGS)
    styles, metas, scripts = _special_elements(special)
    hints = DEFAULT_HINTS if vocab is DEFAULT_VOCABULARY else NameHints.of(vocab)
    sheets = [(s.get_text(), _attr_text(s.get("media")) or None) for s in styles]
    css = css_hiding(sheets, framework=hints.hiding_classes, lazy_classes=hints.lazy_classes)
    whites = WhiteText(html, [text for text, _media in sheets])
    blocks, images = _linearise(soup, css, hints, whites)
    for b in blocks:
        if b.hidden is not None and is_white(b.hidden) and whites.recoloured(b.element):
            b.hidden = None  # (its text, kept with the hidden block, is now read)
        b.finish()
    return ParsedPage(html, url, soup, tuple(blocks), tuple(images), _meta_contents(metas), tuple(_jsonld(scripts)))


def _linearise(soup: BeautifulSoup, css: CssHiding, hints: NameHints,
               whites: Optional[WhiteText] = None) -> tuple[list[Block], list[Image]]:
    """One walk of the tree: each block-level element's own text as a Block (not yet finished), and the
    images, with what hides them, what marks them as an author credit and the containers around them."""
    blocks: list[Block] = []
    images: list[Image] = []
    root = soup.body or soup
    blocks.append(Block(0, "body", root if isinstance(root, Tag) else soup))
    # Per-element facts depend only on tag and attributes; pages repeat the same few class sets.
    memo: dict = {}
    pictures: dict = {}  # id(<picture>) -> its <img>, looked up once however many <source>s it has
    marked_budget = [SUBTREE_TEXT_NODES]  # nodes read for the text of author-marked inline elements, page-wide
    # Iterative walk (hostile pages nest 100,000 deep): (node, block, hidden, mark_budget, asides, names, in_article, depth)
    stack: list = [(child, 0, None, 0, (), (), False, 1) for child in reversed(root.contents)]
    pop, push = stack.pop, stack.append
    complex_css = bool(css.complex)
    attr_keys = css.complex_attrs  # attribute names a structural hiding rule's last compound requires
    while stack:
        node, bi, hid, mark_left, asides, aside_names, in_article, depth = pop()
        cls = type(node)
        if cls is NavigableString:
            if hid is None:
                blocks[bi].parts.append(node)
            else:
                _add_hidden_text(blocks[bi], node, hid)
            continue
        if cls is not Tag:
            if _other_text(node) and (hid is None or blocks[bi].hidden is not None):
                blocks[bi].parts.append(str(node))
            continue
        tag = node.name
        attrs = node.attrs
        if tag == "br":
            blocks[bi].parts.append(LINE_BREAK)
            continue
        key = _facts_key(tag, attrs)
        facts = memo.get(key)
        if facts is None:
            facts = memo[key] = _element_facts(tag, attrs, css, hints)
        own_hidden, marked_here, aside, is_image, by_name = facts
        if whites is not None:  # (rare: white text, settled where it is declared)
            if own_hidden is not None and own_hidden.startswith(WHITE_TEXT):
                own_hidden = whites.settle(node, own_hidden)
            if hid is not None and is_white(hid) and whites.own_colour(node):
                hid = None  # a colour of its own inside the white
        h = hid or own_hidden
        if own_hidden is not None and h is not own_hidden and colour_only(h):
            h = own_hidden  # "display: none" inside transparent text: a picture there is hidden too
        if h is None and complex_css:
            h = _structural_hiding(css, node, by_name, attr_keys)
        if (is_image or tag in _SKIP_WALK) and _leaf(node, tag, attrs, h, bi, images, pictures, is_image):
            continue
        # An author mark covers the element and a few levels below it, not a whole page region.
        mark_left = 4 if marked_here else (mark_left - 1 if mark_left else 0)
        if aside:
            asides, aside_names = _enter_aside(node, tag, aside, marked_here, in_article, asides, aside_names)
        if tag == "article":
            in_article = True
        if tag in BLOCK_TAGS:
            b = Block(len(blocks), tag, node, hidden=h, marked=mark_left > 0, own_mark=marked_here, asides=asides,
                      aside_names=aside_names, depth=depth, in_article=in_article)
            blocks.append(b)
            bi = b.index
        elif mark_left and (h is None or blocks[bi].hidden is not None):
            _mark_inline(blocks[bi], node, marked_here, marked_budget)
        depth += 1
        closed = tag == "details" and _closed(h, attrs)
        for child in reversed(node.contents):
            push((child, bi, _closed_details(child) if closed else h, mark_left, asides, aside_names, in_article, depth))
    return blocks, images


def _add_hidden_text(block: Block, text: NavigableString, hidden: str) -> None:
    """Text of a hidden inline element (<span hidden> in a visible paragraph) is not the block's visible
    text; a hidden block keeps its text, to say where a name is hidden."""
    if block.hidden is not None:
        block.parts.append(text)
    elif text.strip():
        block.hidden_text.append(text)
        if hidden_by_structure(hidden):  # (a structural rule's, or white text on a background not in the HTML)
            block.hidden_text_by_structure = True


def _leaf(node: Tag, tag: str, attrs: dict, hidden: Optional[str], bi: int, images: list, pictures: dict,
          is_image: bool) -> bool:
    """Collect an image-like element's pictures; True when the walk reads nothing below it."""
    if is_image:
        _collect_image(node, tag, attrs, hidden, bi, images, pictures)
        if tag in _IMAGE_TAGS:
            return True
    if tag in _SKIP_WALK:
        if tag in ("noscript", "template"):
            _collect_unrendered_images(node, tag, hidden, bi, images, pictures)
        return True
    return False


def _structural_hiding(css: CssHiding, node: Tag, by_name: bool, attr_keys: frozenset) -> Optional[str]:
    """A page CSS rule with combinators or attributes hiding this element ("article .meta { display: none }"
    depends on the ancestors), tried only where its last compound's id, class or attribute is present."""
    if by_name or (attr_keys and not attr_keys.isdisjoint(node.attrs)):
        return css.complex_hiding(node)
    return None


def _closed(hidden: Optional[str], attrs: dict) -> bool:
    """Whether a visible <details> is closed (its content waits for the reader's click)."""
    return hidden is None and "open" not in attrs


def _closed_details(child: PageElement) -> Optional[str]:
    """A closed <details> shows its <summary>; the rest waits for the reader's click."""
    return None if getattr(child, "name", None) == "summary" else CLOSED_DETAILS


def _other_text(node: PageElement) -> bool:
    """Whether a string other than a plain NavigableString (a comment, CDATA, a doctype, ...) is page text."""
    return isinstance(node, NavigableString) and not isinstance(node, _NON_TEXT)


def _collect_unrendered_images(node: Tag, tag: str, hidden: Optional[str], bi: int, images: list,
                               pictures: dict) -> None:
    """Images in <noscript> show when scripts are off; <template> content never shows."""
    for img in descendants_named(node, _NOSCRIPT_IMAGES):
        _collect_image(img, img.name, img.attrs, hidden or ("inside <template>" if tag == "template" else None),
                       bi, images, pictures)


def _enter_aside(node: Tag, tag: str, aside: str, marked_here: bool, in_article: bool, asides: tuple,
                 aside_names: tuple) -> tuple[tuple, tuple]:
    """The other-story/navigation containers around the blocks below `node`, with `node` if it counts."""
    if marked_here and tag in ("aside", "footer"):  # an author box, not another story
        return asides, aside_names
    if len(asides) >= MAX_ASIDES or (tag == "footer" and in_article):  # an article's own footer holds its author line
        return asides, aside_names
    return asides + (id(node),), aside_names + (aside,)


_PICTURE_TAGS = frozenset({"img", "svg", "picture"})


def _mark_inline(block: Block, node: Tag, marked_here: bool, budget: list) -> None:
    """An author-marked inline element (or one a few levels below the mark) marks its block."""
    block.marked = True
    if marked_here:
        # "<p><span class=byline>JANE DOE</span> THE STANDFIRST ...": the credit is the span alone.
        raw, picture, whole = _subtree_read(node, budget)
        text = " ".join(raw.split())
        block.marked_texts.append(text)
        if not text and whole and not picture and node.name not in VOID_TAGS:
            block.empty_mark = True


def _meta_contents(metas: list) -> dict:
    """<meta> name/property/itemprop (lower-cased) -> every content given for it, in document order."""
    meta: dict = {}
    for m in metas:
        k = (m.get("name") or m.get("property") or m.get("itemprop") or "").lower()
        if k and m.get("content"):
            meta.setdefault(k, []).append(str(m["content"]))
    return meta


_LD_JSON = re.compile(r"ld\+json", re.I)


_SPECIAL_TAGS = frozenset({"style", "meta", "script"})


def _facts_key(tag: str, attrs: dict) -> object:
    """Every attribute _element_facts reads (hidden_reason, _marks, _is_aside) is in the key; an element
    with none of them (a third of a page's) is keyed by its tag alone."""
    if _FACT_ATTRS.isdisjoint(attrs):
        return tag
    return (tag, _attr_text(attrs.get("class")), attrs.get("id"), attrs.get("style"), "hidden" in attrs,
            attrs.get("itemprop"), _attr_text(attrs.get("rel")), attrs.get("role"), attrs.get("data-component"))


def _special_elements(found: dict) -> tuple[list, list, list]:
    """The page's <style>, <meta> and JSON-LD <script> elements, each in document order, from the
    <style>, <meta> and <script> elements the tree builder noted (no walk of the tree, and no
    find_all(): the one for script[type~=ld+json] goes through bs4's general matcher)."""
    # find_all(type=regex) tests each value of a list attribute and their join; "ld+json" holds no space.
    scripts = [s for s in found["script"] if _LD_JSON.search(_attr_text(s.get("type")))]
    return found["style"], found["meta"], scripts


def descendants_named(node: Tag, names: frozenset) -> list[Tag]:
    """node.find_all(list(names)), without bs4's general matcher (which a list of names takes): that
    costs about twice as much per element, and building it dominates searches of small subtrees."""
    return [el for el in node.descendants if isinstance(el, Tag) and el.name in names]


# AMP pages (a partner's AMP version of a copy) draw pictures with <amp-img>; <object> embeds an SVG file.
_IMAGE_TAGS = frozenset({"img", "source", "svg", "image", "amp-img", "amp-anim", "object"})
# The attributes _element_facts reads: an element without any of them has the facts of its tag alone.
_FACT_ATTRS = frozenset({"class", "id", "style", "hidden", "itemprop", "rel", "role", "data-component"})
CLOSED_DETAILS = "inside a closed <details> (shown only when the reader opens it)"
_SKIP_WALK = _SKIP | {"template"}  # the walk reads no text below these (<noscript>, <template>: their images)
_NOSCRIPT_IMAGES = frozenset({"img", "source"})
_SVG_PARTS = frozenset({"title", "desc", "image", "use"})
MAX_ASIDES = 32  # enclosing other-story containers remembered per block (hostile pages nest thousands)
SUBTREE_TEXT_NODES = 200_000  # nodes read for the text of author-marked inline elements (per page)
_MAIN_STRINGS = (NavigableString, CData)
_NON_TEXT = (Comment,) + tuple(getattr(__import__("bs4.element", fromlist=["x"]), n)
                               for n in ("CData", "ProcessingInstruction", "Doctype", "Declaration"))


def _element_facts(tag: str, attrs: dict, css: CssHiding, hints: NameHints = DEFAULT_HINTS) -> tuple:
    """(hidden reason, author-marked, other-story container name, image-like, whether a structural hiding
    rule may apply by its id or class) for one element."""
    marked = _author_marked(_marks(attrs), hints) and tag not in ("body", "html", "article", "main")
    style = _attr_text(attrs.get("style"))
    is_image = tag in _IMAGE_TAGS or attrs.get("role") == "img" or ("url(" in style and "background" in style)
    return hidden_reason(tag, attrs, css), marked, _is_aside(tag, attrs, hints), is_image, css.may_match_by_name(attrs)


def _author_marked(marks: str, hints: NameHints) -> bool:
    """Whether class/id/itemprop/rel/data-component names (`marks`) credit the article's author."""
    if not marks.strip():
        return False
    low = marks.lower()
    return bool(hints.author_mark.search(low) and not hints.author_not.search(low))


def _subtree_text(node: Tag, budget: Optional[list] = None) -> str:
    """node.get_text(" "), reading at most budget[0] nodes (the budget is shared and used up).

    Every bs4 subtree walk first finds the subtree's last descendant, which costs the depth of a
    nested chain; on 100,000 nested author-marked spans, reading each one's text would be quadratic.
    Past the budget, only the text of the nodes read so far is returned.
    """
    return _subtree_read(node, budget)[0]


def subtree_text(node: Tag, most: int) -> Optional[str]:
    """The text below an element, or None when it holds more than `most` nodes (a hostile subtree)."""
    text, _picture, whole = _subtree_read(node, [most])
    return text if whole else None


def _subtree_read(node: Tag, budget: Optional[list] = None) -> tuple[str, bool, bool]:
    """(text, whether a picture was met, whether the whole subtree was read) within the budget."""
    if budget is None:
        budget = [SUBTREE_TEXT_NODES]
    stack: list[PageElement] = [node]
    seen = 0
    strings: list[str] = []
    picture = False
    while stack and seen <= budget[0]:
        cur = stack.pop()
        seen += 1
        if isinstance(cur, Tag):
            picture = picture or cur.name in _PICTURE_TAGS
            stack.extend(reversed(cur.contents))
        elif type(cur) in _MAIN_STRINGS:
            strings.append(cur)  # type: ignore[arg-type]  # a NavigableString or CData: a str
    if stack:  # over budget: a hostile subtree
        budget[0] = 0
        return " ".join(strings), picture, False
    budget[0] = max(budget[0] - seen, 0)
    return node.get_text(" "), picture, True


def _collect_image(node: Tag, tag: str, attrs: dict, hidden: Optional[str], bi: int, images: list,
                   pictures: Optional[dict] = None) -> None:
    texts = [str(attrs[k]) for k in ("alt", "title", "aria-label") if attrs.get(k)]
    if tag == "svg":
        parts = descendants_named(node, _SVG_PARTS)  # one walk of the <svg> for the three searches
        texts += [t.get_text(" ", strip=True) for t in parts if t.name in ("title", "desc")]
        urls = [u for img in parts if img.name == "image" for u in _image_urls(img)]
        urls += [str(u.get("href") or u.get("xlink:href")) for u in parts
                 if u.name == "use" and (u.get("href") or u.get("xlink:href"))]
    else:
        urls = _image_urls(node)
    if tag == "source" and node.parent is not None and node.parent.name == "picture":
        if pictures is None:
            img = node.parent.find("img")
        else:
            key = id(node.parent)
            if key not in pictures:
                pictures[key] = node.parent.find("img")
            img = pictures[key]
        if img is not None:
            texts += [str(img[k]) for k in ("alt", "title") if img.get(k)]
    if tag != "svg" and colour_only(hidden):
        hidden = None  # a text colour hides letters, not a raster picture (an SVG may paint in currentColor)
    if hidden is None and tiny_size(attrs.get("width"), attrs.get("height"), _attr_text(attrs.get("style"))):
        hidden = "a zero/one-pixel size"
    images.append(Image(node, tag, tuple(t for t in texts if t.strip()), tuple(urls), hidden, bi))


def _jsonld(scripts: list[Tag]) -> Iterator[dict]:
    for script in scripts:
        try:
            data = json.loads(script.string or "")
        except (ValueError, TypeError, RecursionError):  # RecursionError: [[[[...]]]] 100,000 deep
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.append(item["@graph"])
                yield item


def css_path(el: Tag, max_parts: int = 5) -> str:
    """A readable CSS selector path to the element (nearest id anchors it)."""
    parts: list[str] = []
    node: Optional[Tag] = el
    while isinstance(node, Tag) and node.name not in ("[document]", "html") and len(parts) < max_parts:
        part = node.name
        if node.get("id"):
            parts.append(f"{part}#{node['id']}")
            break
        classes: Sequence[str] = node.get("class") or []
        if classes:
            part += "".join(f".{c}" for c in classes[:2])
        parent = node.parent
        if isinstance(parent, Tag) and not classes:
            position, count = _position_of_type(parent, node)
            if count > 1:
                part += f":nth-of-type({position})"
        parts.append(part)
        node = node.parent
    return " > ".join(reversed(parts))


def _position_of_type(parent: Tag, node: Tag) -> tuple[int, int]:
    """(1-based position of `node` among its parent's children of the same tag, whether there are 1 or more).

    Stops at the first same-tag sibling after `node` instead of listing every same-tag child first.
    """
    position = count = 0
    name = node.name
    for child in parent.contents:
        if isinstance(child, Tag) and child.name == name:
            count += 1
            if child is node:
                position = count
            elif position:
                break
    return position, count


PROBE_LIMIT = 1000  # characters of an attribute value searched for in the source


def source_line(html: str, el: Tag) -> Optional[int]:
    """The 1-based source line of an element, found by its most distinctive attribute or text."""
    probes = []
    for attr in ("id", "src", "data-src", "srcset", "data-srcset", "href", "alt", "aria-label"):
        v = el.get(attr)
        if v:
            value = _attr_text(v)
            # A megabyte attribute is found by its first thousand characters (no closing quote then).
            probes.append(f'{attr}="{value}"' if len(value) <= PROBE_LIMIT else f'{attr}="{value[:PROBE_LIMIT]}')
            probes.append(value[:PROBE_LIMIT])
    if el.get("class"):
        probes.append(f'class="{" ".join(el["class"])}"'[:PROBE_LIMIT])
    text = " ".join(_subtree_text(el).split())[:40]
    if text:
        probes.append(text)
    for probe in probes:
        pos = html.find(probe)
        if pos >= 0:
            return html.count("\n", 0, pos) + 1
    return None
