"""Which blocks belong to another story or to site chrome rather than this article, judged by structure.

A reader's rules: a credit under the headline belongs to the article whatever its container is
called; a credit inside a card that presents another story (that story's own title and link) is
that story's; far from the article, containers named as navigation or other stories are chrome.
Tag and class names are only hints, used away from the article's head.
"""
from __future__ import annotations

import re
from functools import cached_property
from typing import Optional

from bs4 import Tag

from ..names import fold_tokens, looks_like_person
from ..parse import Block, ParsedPage, subtree_text
from ..vocabulary import Vocabulary
from .persons import person_in_line
from .zones import Zones

NEAR_BLOCKS = 4  # without a headline, visible blocks this close above the body are the article's head
FOOT_NEAR_BLOCKS = 6  # visible text blocks right after the body (a tag line, a share bar, the author box) are its foot
HEADER_LEVELS = 8  # how far up the headline's and a credit's shared header ancestor is looked for
HEADER_BLOCKS = 40  # blocks either side of the headline that may share its header (wrappers and icons included)
CARD_NODES = 300  # nodes in a teaser card at most (title, credit, date, image, a few wrappers)
_WORD = re.compile(r"[^\W\d_]{3,}")
_HEADINGS = ("h2", "h3", "h4", "h5", "h6")
LIST_TITLES = 2  # links to other stories' titles right after a heading that make it a list's heading
QUOTE_LEVELS = 4  # how far up from a line a <blockquote> holding it is looked for
QUOTE_CHARS = 600  # a <blockquote> holding more text is a quoted article, not a quoted post
QUOTE_NODES = 200  # nor one of more nodes (read no further: a whole article may stand in one)
WRAP_NODES = 60  # nodes a named container that only wraps a credit line holds at most
HEADING_TITLE_WORDS = 2  # words in a linked heading that make it another story's title ("Lasting legacy")


class Containers:
    """Answers "is this block part of the article?" for one page, with cached structure."""

    def __init__(self, page: ParsedPage, zones: Optional[Zones], vocab: Vocabulary, title: str,
                 orgs: tuple = ()) -> None:
        self.page = page
        self.orgs = tuple(" ".join(fold_tokens(o)) for o in orgs)
        self.zones = zones
        self.vocab = vocab
        self.title_key = "".join(fold_tokens(title))

    @cached_property
    def _article_ancestors(self) -> frozenset:
        """ids of every element enclosing the headline or a body paragraph: the article's own containers."""
        z = self.zones
        if z is None:
            return frozenset()
        anchors = [self.page.blocks[i].element for i in sorted(z.body)]
        if z.headline is not None:
            anchors.append(self.page.blocks[z.headline].element)
        return _ancestor_ids(anchors)

    @cached_property
    def _body_ancestors(self) -> frozenset:
        """ids of every element enclosing a body paragraph."""
        z = self.zones
        return _ancestor_ids([self.page.blocks[i].element.parent for i in sorted(z.body)] if z else [])

    @cached_property
    def _named_article_containers(self) -> frozenset:
        z = self.zones
        if z is None:
            return frozenset()
        return frozenset(c for i in z.body for c in self.page.blocks[i].asides)

    def in_head(self, block: Block) -> bool:
        """Between the headline and the body, or in the same small header block as the headline."""
        z = self.zones
        if z is None:
            return False
        placed = z.placement.in_head(block.index) if z.placement is not None else None
        if placed is not None:  # render mode: where the browser drew it (positions.py)
            return placed
        if z.first < block.index < z.last and block.index in self._head_set:
            return True  # among the first paragraphs of the body: "the top of its body"
        if z.headline is None:
            # No headline found: the few visible blocks right above the body are its head.
            return self._near_rank.get(block.index, NEAR_BLOCKS + 1) <= NEAR_BLOCKS
        if z.headline <= block.index < z.first and block.index in self._head_set:
            return True  # (a headline far above the body has only the lines under it in the head)
        if self._credit_right_above_headline(block):
            return True
        return self.shares_header(block)

    def _credit_right_above_headline(self, block: Block) -> bool:
        """Whether a block is the line right above the headline and reads as a credit ("By Jane Doe", "Jane Doe, Reporter"):
        some layouts put the byline over the title, in whatever container."""
        z = self.zones
        if (z is None or z.headline is None or block.index >= z.headline or not block.text
                or z.headline - block.index > NEAR_BLOCKS * 4):  # (empty wrappers between them are few)
            return False
        blocks = self.page.blocks
        i, dates = z.headline - 1, 0
        while i > block.index:  # past empty wrappers, and the credit's date: "By Jane Doe" / "Dec. 7, 2026" / the title
            b = blocks[i]
            if b.hidden is None and b.text:
                if dates >= DATE_LINES or not self._date_line(b.text):
                    break
                dates += 1
            i -= 1
        # "By Jane Doe", or a line opening with a person's name ("Jane Doe, Education Reporter, Outlet")
        return i == block.index and (bool(self.vocab.by_start.match(block.text))
                                     or person_in_line(block.lines[0] if block.lines else block.text, (), self.vocab)
                                     is not None)

    def _date_line(self, text: str) -> bool:
        """A short line that only dates ("December 7, 2026", "07.12.2026 10:32", "Updated 3 hours ago")."""
        words = fold_tokens(text)
        return len(words) <= DATE_WORDS and any(w.isdigit() for w in words) and self.vocab.only_dates(words)

    def by_article(self, block: Block) -> bool:
        """At the article's head or right after its text: where a container's name says nothing."""
        return self.in_head(block) or self.near_foot(block)

    def credit_area(self, block: Block) -> bool:
        """Where a reader looks for the article's credit: the headline's small header, a few lines under
        the headline, a few lines above the body, or among its first paragraphs (not the whole stretch
        between a headline and a body that a gallery or a product box pushed far down)."""
        z = self.zones
        if z is None:
            return False
        placed = z.placement.in_credit_area(block.index) if z.placement is not None else None
        if placed is not None:  # render mode: where the browser drew it (positions.py)
            return placed
        i = block.index
        if z.first < i < z.last and i in self._head_set:
            return True
        if z.headline is None:
            return self._near_rank.get(i, NEAR_BLOCKS + 1) <= NEAR_BLOCKS
        if i <= z.headline:
            return False  # above the headline stand the section's label and the site's menus
        if i < z.first and (self._under_headline_rank(i) <= NEAR_BLOCKS
                            or self._near_rank.get(i, NEAR_BLOCKS + 1) <= NEAR_BLOCKS):
            return True
        return self.shares_header(block)

    def near_foot(self, block: Block) -> bool:
        """Right after the article's text: the first few visible lines below its last paragraph, where a
        reader finds an author line or box (whatever element holds it)."""
        return block.index in self._foot_rank

    @cached_property
    def _foot_rank(self) -> dict:
        """Blocks right after the body -> how many visible text blocks below the body's end they are."""
        out: dict[int, int] = {}
        z = self.zones
        if z is None:
            return out
        rank = 0
        blocks = self.page.blocks
        for b in blocks[z.last + 1:]:
            if b.hidden is None and b.text:
                rank += 1
                if rank > FOOT_NEAR_BLOCKS:
                    break
            out[b.index] = rank
        return out

    def _under_headline_rank(self, index: int) -> int:
        """How many visible text blocks from the headline down to this one (this one included)."""
        z = self.zones
        if z is None or z.headline is None:
            return NEAR_BLOCKS + 1
        rank = 0
        for b in self.page.blocks[z.headline + 1:index + 1]:
            if b.hidden is None and b.text:
                rank += 1
                if rank > NEAR_BLOCKS:
                    break
        return rank

    @cached_property
    def _near_rank(self) -> dict:
        """Head blocks above the body -> how many visible text blocks away from the body they are."""
        out: dict[int, int] = {}
        rank = 0
        z = self.zones
        if z is None:
            return out
        for i in z.head:
            if i >= z.first:
                continue
            b = self.page.blocks[i]
            if b.hidden is None and b.text:
                rank += 1
            out[i] = rank
        return out

    @cached_property
    def _head_set(self) -> frozenset:
        return frozenset(self.zones.head) if self.zones else frozenset()

    def shares_header(self, block: Block) -> bool:
        """Whether a block and the headline share a small ancestor that is not the whole article: the
        article's header (a kicker, the credit, the date around the title), wherever in it the block stands."""
        z = self.zones
        if z is None or z.headline is None or abs(z.headline - block.index) > HEADER_BLOCKS:
            return False
        headline_el = self.page.blocks[z.headline].element
        ancestors = set()
        node, hops = headline_el.parent, 0
        while node is not None and hops <= HEADER_LEVELS:
            ancestors.add(id(node))
            node, hops = node.parent, hops + 1
        node, hops = block.element, 0
        while node is not None and id(node) not in ancestors:
            node, hops = node.parent, hops + 1
            if hops > HEADER_LEVELS:
                return False
        if node is None or node.name in ("body", "html", "[document]", "main"):
            return False
        if id(node) in self._body_ancestors:
            return False  # the shared ancestor is the whole article: not its header alone
        return len(node.get_text(" ").split()) <= self.vocab.header_words

    @cached_property
    def _links_memo(self) -> dict:
        return {}

    def _titles_under(self, node: Tag) -> Optional[list]:
        """[(link, its text, short)] for links under `node` that read as a story's title; None when the subtree
        is too large to be a card (so no larger ancestor is one either). Memoised per element. A link that is a
        heading ("<h4><a href=...>A lasting legacy</a></h4>") reads as a title from HEADING_TITLE_WORDS
        words (`short`); by the article such a heading is as likely its section's or its author's link."""
        memo = self._links_memo
        key = id(node)
        if key in memo:
            return memo[key]
        out: list = []
        for seen, el in enumerate(node.descendants):
            if seen > CARD_NODES:
                memo[key] = None
                return None
            if isinstance(el, Tag) and el.name == "a":
                # Another story is presented by a link to it: a heading without one is a dek or a
                # section heading, and a link to a place on this page is no other story.
                href = el.get("href")
                if not isinstance(href, str) or not href.strip() or href.lstrip().startswith(("#", "javascript:")):
                    continue
                if is_author_link(el, self.vocab):
                    continue  # a link to a person's page is an author link, whatever its words
                text = " ".join(el.get_text(" ").split())
                # a link that is a heading ("<h4><a href=...>A lasting legacy</a></h4>") is a story's
                # title however short; a bare link needs title_words to read as one
                if self._is_title(text):
                    out.append((el, text, False))
                elif (self._is_title(text, HEADING_TITLE_WORDS)  # the cheap test first: most links fail it
                      and (el.find_parent(_HEADINGS) is not None or el.find(_HEADINGS) is not None)):
                    out.append((el, text, True))  # short: a card's title only away from the article
        memo[key] = out
        return out

    def teaser(self, block: Block) -> Optional[str]:
        """The title of another story presented by the card this block sits in, or None."""
        inline = self._title_before_credit(block)
        if inline:
            return inline
        node: Optional[Tag] = block.element
        for _ in range(self.vocab.card_levels + 1):
            if node is None or id(node) in self._article_ancestors or node.name in ("body", "html", "[document]"):
                return None
            titles = self._titles_under(node)
            if titles is None:
                return None  # too large to be a card, and so is every ancestor
            title = next((text for el, text, short in titles
                          if el is not block.element and not _within(el, block.element, node)
                          and not _within(block.element, el, node)
                          and not (short and self.by_article(block) and not _repeated_cards(node))), None)
            if title:
                # A card holds little besides the other story's title and its credit (a date, a
                # kicker, a "read more"); a column that merely contains such a card is no card.
                text = " ".join(node.get_text(" ").split())
                own = len(block.text.split())
                if len(text.split()) > len(title.split()) + own + self.vocab.card_extra_words:
                    return None
                # ... and the title stands right by the credit, as on a card; a column holding the
                # byline and, further down, an "up next" link to another story is no card. A card
                # reads title, dek, credit: after its title the credit may follow a dek.
                at_title, at_credit, gap = _placed_pair(text, title, block.text)
                title_first, credit_first = 0 <= at_title < at_credit, 0 <= at_credit < at_title
                if gap > (self.vocab.card_extra_words if title_first else self.vocab.card_gap_words):
                    return None
                # By the article (under its headline, right after its text) a card must also read as
                # one: its title first, then the credit (a byline followed by an "up next" link is the
                # article's byline).
                if credit_first and self.by_article(block):
                    return None
                return title
            node = node.parent
        return None

    def _named_item_with_heading(self, block: Block) -> Optional[str]:
        """A container named as other stories ("related", "recommended") that also holds a heading of its
        own besides the credit: the name alone is a weak hint, the name and an item's heading a card."""
        article = self._named_article_containers
        for cid, name in zip(block.asides, block.aside_names):
            if cid in article or not _names_other_stories(name, self.vocab):
                continue
            node: Optional[Tag] = block.element
            while node is not None and id(node) != cid:
                node = node.parent
            if node is None:
                continue
            for h in node.find_all(_HEADINGS, limit=6):
                if h is block.element or _within(h, block.element, node) or _within(block.element, h, node):
                    continue
                key = "".join(fold_tokens(h.get_text(" ")))
                if key and not (self.title_key and (key in self.title_key or self.title_key in key)):
                    return name
        return None

    def _title_before_credit(self, block: Block) -> Optional[str]:
        """A one-line card: "Related: <another story's linked title> By Jane Doe". The credit that follows
        another story's title on the same line is that story's."""
        titles = self._titles_under(block.element)
        if not titles:
            return None
        toks = fold_tokens(block.text)
        for _el, text, _short in titles:
            words = fold_tokens(text)
            if len(words) <= self.vocab.title_words or self.vocab.by_start.match(text) or _names_people(text, self.vocab):
                continue  # inside a line a short link is a section or a tag; "By X", "A B and C D" credit people
            at = _place(toks, words)
            if at < 0:
                continue
            rest = len(toks) - (at + len(words))
            if at <= 3 and 2 <= rest <= self.vocab.card_gap_words + 4:  # the title opens the line ("Related: ...")
                return text
        return None

    def _is_title(self, text: str, least: Optional[int] = None) -> bool:
        least = self.vocab.title_words if least is None else least
        if text.count(" ") + 1 < least:
            return False  # most links ("Home", "Politics", "Share"): too short to be a story's title
        words = fold_tokens(text)
        key = " ".join(words)
        for org in self.orgs:  # a link naming an organisation (an outlet, the licensor) is no story's title
            if org and org in key and len(words) - len(org.split()) <= 2:
                return False
        if len(_WORD.findall(text)) < least or not words:
            return False
        if words[0] in self.vocab.non_title or all(w in self.vocab.non_title for w in words):
            return False
        key = "".join(words)
        return not (self.title_key and (key in self.title_key or self.title_key in key))  # this story's own title

    def other_story(self, block: Block) -> Optional[str]:
        """Why a block is another story's or site chrome rather than this article's, or None."""
        title = self.teaser(block)
        if title:
            return f"a teaser for another story (\"{_clip(title)}\")"
        heading = self._list_heading(block)
        if heading:
            return heading
        quoted = self._quotation(block)
        if quoted:
            return quoted
        if self.by_article(block):
            if not self.in_head(block):
                named = self._named_item_with_heading(block)
                if named:
                    return named  # right after the article, a "related" box with a story's heading of its own
            return None  # a credit at the article's head or right after its text is the article's, whatever holds it
        if block.marked and block.in_article and not any(_names_other_stories(n, self.vocab) or n.startswith("nav")
                                                         for n in block.aside_names):
            return None  # an author line in an <aside>/<footer> of the article itself
        article = self._named_article_containers
        for cid, name in zip(block.asides, block.aside_names):
            if (self.zones is None or cid not in article) and not self._only_wraps(block, cid):
                return name
        return None

    def _list_heading(self, block: Block) -> Optional[str]:
        """"More from Jane Doe" over a list of links to other stories: the heading labels the list, it credits
        no one with this article. Not a heading that reads as a credit by itself: "By Jane Doe", or one that opens
        with the name ("Jane Doe", "Jane Doe, <outlet>": an author box's name over the author's stories)."""
        el = block.element
        if el.name not in _HEADINGS and el.get("role") != "heading":
            return None
        text = block.text
        if not text or self.vocab.by_start.match(text):
            return None
        person = person_in_line(text, (), self.vocab)
        opener = fold_tokens(text)[:1]
        if person and text.startswith(person) and not (opener and opener[0] in self.vocab.not_name_opener_set):
            return None  # (but "More From Jane Doe" is a list's label, whatever its capitals)
        nxt = el.find_next_sibling()
        if nxt is None:
            return None
        titles = [a for a in nxt.find_all("a", href=True, limit=12)
                  if not is_author_link(a, self.vocab) and self._is_title(a.get_text(" "))]
        if len(titles) < LIST_TITLES:
            return None
        return f"the heading of a list of other stories (\"{_clip(text)}\")"

    def _quotation(self, block: Block) -> Optional[str]:
        """A line inside a short quotation (an embedded post: "<p>...</p> — Jane Doe (@jane) December 3, 2026")
        after the quoted words: it names who is quoted, not who wrote the article. A long `<blockquote>` is no
        quotation of that kind (some sites set a whole republished article in one)."""
        node: Optional[Tag] = block.element
        for _ in range(QUOTE_LEVELS):
            if node is None or not isinstance(node, Tag) or node.name in ("article", "main", "body"):
                return None
            if node.name == "blockquote":
                read = subtree_text(node, QUOTE_NODES)
                whole = " ".join(read.split()) if read is not None else ""
                own = " ".join(block.text.split())
                if not whole or len(whole) > QUOTE_CHARS or not own or whole.startswith(own) or own not in whole:
                    return None  # long, or the line opens the quotation (nothing quoted before it)
                return f"a quotation (\"{_clip(whole)}\")"
            node = node.parent
        return None

    def _only_wraps(self, block: Block, cid: int) -> bool:
        """Whether a container named as navigation or other stories only wraps this line: it links to no other page
        and holds nothing else (a `<nav class="byline">` around "By Jane Doe"). Navigation is a block of links,
        another story is presented by its link; a name alone is no such block."""
        node: Optional[Tag] = block.element
        while node is not None and id(node) != cid:
            node = node.parent
        if node is None:
            return False
        for seen, _ in enumerate(node.descendants):
            if seen > WRAP_NODES:
                return False  # a large box is more than a wrapper (and is not read whole for every line in it)
        own = " ".join(block.text.split())
        if own and " ".join(node.get_text(" ").split()) != own:
            return False  # it holds more than this line
        for a in node.find_all("a", limit=8):
            href = a.get("href")
            if isinstance(href, str) and href.strip() and not href.lstrip().startswith(("#", "javascript:")) \
                    and not is_author_link(a, self.vocab):
                return False
        return True


DATE_LINES = 2  # date lines that may stand between a credit above the headline and the headline
DATE_WORDS = 8

REPEATED_CARDS = 3  # sibling boxes of one tag, each headed by a linked heading: a list of other stories


def _repeated_cards(node: Tag) -> bool:
    """Whether `node` is one of several sibling boxes of its tag each headed by a linked heading (a "more
    stories" module's cards): a repeated card pattern, however short each card's title."""
    parent = node.parent
    if parent is None:
        return False
    sibs = [c for c in parent.children if isinstance(c, Tag) and c.name == node.name][:8]
    headed = sum(1 for c in sibs if any(h.find("a", href=True) is not None for h in c.find_all(_HEADINGS, limit=2)))
    return headed >= REPEATED_CARDS


def is_author_link(a: Tag, vocab: Vocabulary) -> bool:
    """Whether a link goes to a person's page (`rel=author`, a `profile_paths` path such as "/author/jane-doe/")."""
    rel = a.get("rel")
    rel_text = " ".join(rel) if isinstance(rel, list) else str(rel or "")
    return "author" in rel_text.lower() or bool(vocab.profile_path_re.search(str(a.get("href") or "")))


def _names_people(text: str, vocab: Vocabulary) -> bool:
    """Whether a link's text is a list of people's names ("Jane Doe and John Roe"), each of two or three
    capitalised words: an author link, not a story's title."""
    joiners = "|".join(re.escape(j) for j in vocab.name_joiners)
    parts = [p for p in re.split(r"\s*,\s*|\s+(?:" + joiners + r")\s+", text.strip()) if p] if joiners else [text]
    return len(parts) > 1 and all(2 <= len(p.split()) <= 3 and looks_like_person(p) for p in parts)


def _names_other_stories(name: str, vocab: Vocabulary) -> bool:
    parts = set(re.split(r"[-_.#\s]+", name.lower()))
    return bool(parts & set(vocab.other_story_anywhere)) or "related" in name.lower()


def _ancestor_ids(elements: list) -> frozenset:
    """ids of the given elements and all their ancestors (each chain walked once)."""
    out: set = set()
    for node in elements:
        while node is not None and id(node) not in out:
            out.add(id(node))
            node = node.parent
    return frozenset(out)


def _placed_pair(text: str, a: str, b: str) -> tuple[int, int, int]:
    """Where the texts a and b start within text, in words (-1 when not found), and the words between
    them (0 when either cannot be placed). Compared word by word, markup spacing aside: "Jane Doe ,
    Outlet" and "Jane Doe, Outlet" are the same line."""
    toks = fold_tokens(text)
    ta, tb = fold_tokens(a), fold_tokens(b)
    i, j = _place(toks, ta), _place(toks, tb)
    if i < 0 or j < 0:
        return i, j, 0
    (s1, t1), (s2, _) = sorted([(i, ta), (j, tb)])
    end = s1 + len(t1)
    return i, j, (s2 - end if s2 > end else 0)


def _place(toks: list, sub: list, head: int = 8) -> int:
    """Index of the first `head` words of sub within toks, or -1."""
    sub = sub[:head]
    if not sub:
        return -1
    first, n = sub[0], len(sub)
    for i, t in enumerate(toks):
        if t == first and toks[i:i + n] == sub:
            return i
    return -1


def _within(inner: Tag, outer: Tag, stop: Tag) -> bool:
    """Whether `inner` lies inside `outer`, both being inside `stop` (the walk ends there)."""
    node = inner.parent
    while node is not None:
        if node is outer:
            return True
        if node is stop:
            return False
        node = node.parent
    return False


def _clip(text: str, n: int = 80) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
