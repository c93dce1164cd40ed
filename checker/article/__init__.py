"""The article model: one page's story located once (body, headline, head and foot, credit lines, images) for every check."""
from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING, Iterator, Optional

from anyascii import anyascii
from bs4 import NavigableString, Tag

from ..models import Original
from ..parse import BLOCK_TAGS, Block, Image, ParsedPage, descendants_named
from ..text_match import is_notice
from .containers import HEADER_BLOCKS, Containers
from .edges import edge_blocks
from .credits import Credits, credit_hidden_by_structure, named_near_but_unread, read_credits
from .persons import person_credits
from .images import ImageContext, classify_image
from .positions import place
from .zones import Zones, find_zones

if TYPE_CHECKING:
    from ..ruleset import LicensePack

_IMAGE_NAMES = frozenset({"img", "svg"})
_WORD = re.compile(r"[^\W\d_]+")


class Article:
    """Where the original's story sits on a page and what surrounds it; each part computed on first use.

    Checks read only this (and the page for evidence): logo, byline and affiliation are independent
    of one another and share every analysis through it.
    """

    def __init__(self, page: ParsedPage, original: Optional[Original], pack: "LicensePack",
                 original_shingles: frozenset = frozenset(), shingle_size: int = 5,
                 site_root: Optional[str] = None) -> None:
        self.page = page
        self.original = original
        self.pack = pack
        self.vocab = pack.vocabulary
        self.authors: tuple = tuple(original.authors) if original else ()
        self.title = original.title if original else ""
        self._original_shingles = original_shingles
        self._k = shingle_size
        self.site_root = site_root  # a local build's root, where root-relative image paths are read

    # ---- where the story is -----------------------------------------------------------------
    @cached_property
    def zones(self) -> Optional[Zones]:
        zones = find_zones(self.page.blocks, self._original_shingles, self._k, self.title, self.vocab,
                           self.original.text if self.original else "")
        return place(self.page, zones, self.vocab)  # a rendered page: head and foot by position (positions.py)

    @cached_property
    def containers(self) -> Containers:
        pack = self.pack
        return Containers(self.page, self.zones, self.vocab, self.title,
                          orgs=pack.aliases + pack.not_aliases + pack.non_person_credits)

    def is_body(self, block: Block) -> bool:
        z = self.zones
        return bool(z and block.index in z.body and not block.edge)

    def other_story(self, block: Block) -> Optional[str]:
        """Why a block belongs to another story or site chrome, or None when it may be the article's."""
        memo = self._other_memo
        if block.index not in memo:
            memo[block.index] = self.containers.other_story(block)
        return memo[block.index]

    @cached_property
    def _other_memo(self) -> dict:
        return {}

    def candidate_blocks(self) -> Iterator[tuple[Block, str]]:
        """Blocks where a credit may stand, with their zone ("head" or "foot"), nearest the body first."""
        z = self.zones
        blocks = self.page.blocks
        if z is None:
            yield from ((b, "head") for b in blocks if b.hidden is None and b.text)
            return
        seen: set = set()
        for zone, indexes in (("head", z.head), ("foot", z.foot)):
            for i in indexes:
                if i not in seen:
                    seen.add(i)
                    yield blocks[i], zone
        for i, zone in z.apart:  # a short line of its own deeper in the text
            if i not in seen:
                seen.add(i)
                yield blocks[i], zone
        yield from self._edges  # a credit pasted into the first or last paragraph, before or after its text
        # The headline's own small header, above the headline too: "By Jane Doe", the affiliation, a section
        # label and the date over the title. Read up to where the header ends, however many lines it has.
        if z.headline is not None:
            for i in range(z.headline - 1, max(-1, z.headline - HEADER_BLOCKS - 1), -1):
                b = blocks[i]
                if b.hidden is not None or not b.text or i in seen:
                    continue
                if not self.containers.shares_header(b):
                    break
                seen.add(i)
                yield b, "head"
        # Author markup just outside the zones (a byline row far above, an author box far below).
        lo = max(0, z.first - self.vocab.marked_reach_above)
        hi = min(len(blocks), z.last + self.vocab.marked_reach_below)
        for i in range(lo, hi):
            b = blocks[i]
            if b.marked and i not in seen and i not in z.body and not _elsewhere(z, i):
                seen.add(i)
                yield b, ("head" if i < z.first else "foot")

    @cached_property
    def _edges(self) -> list:
        return edge_blocks(self.page.blocks, self.zones, self._original_shingles, self._k, self.vocab)

    def neighbour(self, block: Block, step: int) -> Optional[Block]:
        """The nearest visible block with text (or an image) before (step=-1) or after (+1) the given one."""
        blocks = self.page.blocks
        i = block.index + step
        while 0 <= i < len(blocks):
            b = blocks[i]
            if (b.hidden is None and (b.text or self.contains_image(b.element)) and not _elsewhere(self.zones, i)
                    and not (step < 0 and _text_after(b, block))):
                return b
            i += step
        return None

    def inner_blocks(self, block: Block, most: int = 8) -> list[Block]:
        """The visible blocks with text nested in this one (its other lines), at most `most`."""
        blocks = self.page.blocks
        out: list[Block] = []
        i = block.index + 1
        while i < len(blocks) and blocks[i].depth > block.depth and len(out) < most:
            if blocks[i].hidden is None and blocks[i].text:
                out.append(blocks[i])
            i += 1
        return out

    def is_notice(self, text: str) -> bool:
        markers = self.pack.notice_markers
        return bool(markers) and is_notice(text, markers)

    # ---- credits ------------------------------------------------------------------------------
    @cached_property
    def credits(self) -> Credits:
        return read_credits(self)

    @cached_property
    def person_credits(self) -> list:
        """Lines crediting a person, whoever it is (for an original whose authors are unknown)."""
        return person_credits(self)

    @cached_property
    def unread_credit(self) -> Optional[Block]:
        """A short line by the article naming every uncredited author in full, in no credit shape the
        checker reads (so neither rule can accuse the page): None when there is none."""
        found = self.credits
        if found.credits or not found.missing:
            return None
        return named_near_but_unread(self, found.missing)

    @cached_property
    def lowercase_words(self) -> frozenset:
        """Words the page's visible text writes in lower case: common words of its language, not names."""
        out: set = set()
        for b in self.page.blocks:
            if b.hidden is None and b.text:
                out.update(w for w in _WORD.findall(b.text) if w[0].islower())
        return frozenset(anyascii(w).lower() for w in out)

    @cached_property
    def credit_maybe_hidden(self) -> Optional[Block]:
        """A credit of an uncredited author that only a structural CSS rule hides (see
        visibility.STRUCTURAL_RULE): None when there is none."""
        found = self.credits
        if not found.missing:
            return None
        return credit_hidden_by_structure(self, found.missing)

    # ---- images -------------------------------------------------------------------------------
    def image_class(self, img: Image) -> tuple[str, str]:
        """('logo' | 'lookalike' | 'other', what decided), computed once per image."""
        memo = self._image_memo
        key = id(img)
        if key not in memo:
            memo[key] = classify_image(img, self._image_context)
        return memo[key]

    @cached_property
    def _image_memo(self) -> dict:
        return {}

    @cached_property
    def _image_context(self) -> ImageContext:
        return ImageContext(self.pack, self.page, self.site_root)

    def images_in(self, block: Block) -> tuple:
        """The page's images whose innermost enclosing block is `block`, in document order."""
        if block.edge:
            return ()  # (the lines of a paragraph before its text: its pictures are the paragraph's, not the credit's)
        return tuple(self._images_by_block.get(block.index, ()))

    @cached_property
    def _images_by_block(self) -> dict:
        by_block: dict = {}
        for img in self.page.images:
            by_block.setdefault(img.block, []).append(img)
        return by_block

    def logo_in(self, block: Block) -> Optional[str]:
        """What identifies a visible licensor logo inside this block, or None."""
        for img in self.images_in(block):
            if img.hidden is None:
                kind, why = self.image_class(img)
                if kind == "logo":
                    return why
        return None

    def contains_image(self, element) -> bool:
        """Whether an element holds an <img> or <svg>, answered from one pass over the page's images.

        Asking each of 100,000 nested empty wrappers would search the same subtree 100,000 times.
        """
        return id(element) in self._image_ancestors

    @cached_property
    def _image_ancestors(self) -> frozenset:
        out: set = set()
        for img in descendants_named(self.page.soup, _IMAGE_NAMES):
            node = img.parent
            while node is not None and id(node) not in out:
                out.add(id(node))
                node = node.parent
        return frozenset(out)


def _text_after(outer: Block, inner: Block, reach: int = 40) -> bool:
    """Whether `outer` holds `inner` and its own text stands after it ("<aside><div>By X</div> 4 min read
    </aside>"): in reading order that text follows the inner line, it is not the line above it."""
    chain = set()
    node: Optional[Tag] = inner.element
    for _ in range(reach):
        if node is None:
            return False
        node = node.parent
        if node is outer.element:
            break
        if node is not None:
            chain.add(id(node))
    else:
        return False
    chain.add(id(inner.element))
    for child in outer.element.children:
        if id(child) in chain:
            return True  # the inner line comes first
        if isinstance(child, Tag):
            if child.name not in BLOCK_TAGS and child.get_text().strip():
                return False  # inline text of the outer block before the inner line
        elif type(child) is NavigableString and child.strip():
            return False
    return False


def _elsewhere(zones: Optional[Zones], index: int) -> bool:
    """Whether the browser drew this block away from the article (render mode; positions.py)."""
    return zones is not None and zones.placement is not None and index in zones.placement.elsewhere
