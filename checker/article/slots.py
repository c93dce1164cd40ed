"""An empty author element a script fills in: whether the page has one, and whether a credit beside it
already says who wrote the article (then the page is judged on that credit)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Optional

from bs4 import Tag

from ..names import fold_tokens
from ..parse import VOID_TAGS, Block, subtree_text
from ..text_match import find_alias
from ..vocabulary import Vocabulary
from .containers import CARD_NODES, is_author_link
from .persons import (NAME_START, TITLE_TAGS, control_row, credits_person, dateline, line_credits_person, named_outlet,
                      person_in_line, reads_as_name)

if TYPE_CHECKING:
    from . import Article

_SIGN_OFF_DASH = re.compile(r"^\s*[-—–―~]+\s*")  # a sign-off's dash before the credit ("— Jane Doe, Outlet")
SLOT_READ_NODES = 400  # an empty slot's subtree is read this far for text (a hostile one is not walked whole)
SLOT_AREA_LEVELS = 3  # an empty credit slot and a bare name within this many ancestors of it share a credit area


def empty_slot(article: "Article", block: Block) -> bool:
    """An empty author-marked element at the head or the foot (an author box after the text): a script
    fills it in, so what it will say is unknown."""
    # the block itself marked: empty all the way down; else an empty author-marked element inline in it
    slot = (((block.own_mark and block.tag not in VOID_TAGS and not _text_below(block.element))
             or (block.empty_mark and not any(block.marked_texts)))
            and not _names_no_name(article, block.element) and not _microdata(block.element))
    return bool(slot and not block.hidden_text and not _pictured_credit(article, block)
                and not article.other_story(block))


def _microdata(node: Tag) -> bool:
    """Whether an empty author element carries its person as microdata (`<meta itemprop=name content=...>`): the
    name is in the HTML already, for machines; no script will show it, so the element is no slot."""
    return node.find("meta", attrs={"content": True}) is not None


def _names_no_name(article: "Article", node: Tag) -> bool:
    """Whether an empty author element's class or id says it holds no name (its bio, social links, avatar)."""
    names = fold_tokens(" ".join(v for a in ("class", "id") for v in node.get_attribute_list(a) if v))
    return any(w in article.vocab.not_name_slot_set for w in names)


def whole_box(article: "Article", block: Block) -> bool:
    """Whether an empty author element after the text is the whole author box, not an empty part (a
    social icon, a list of links, a bio) of a box that shows its text: only then is it a script's slot."""
    if block.tag in ("ul", "ol", "dl") or block.element.find_parent("a") is not None:
        return False
    blocks = article.page.blocks
    depth, i, levels = block.depth, block.index - 1, 0
    stop = max(0, block.index - SLOT_READ_NODES)  # a hostile page's thousand empty siblings are not each walked past
    while i >= stop and levels < SLOT_AREA_LEVELS:
        b = blocks[i]
        if b.depth < depth:  # an enclosing block
            depth, levels = b.depth, levels + 1
            if b.own_mark and _shows_text(article, b.element):
                return False
        i -= 1
    return True


def _pictured_credit(article: "Article", block: Block) -> bool:
    """Whether an author element shows its credit as a picture (a signature, a logo, a named portrait):
    then it is not empty. An unnamed avatar beside an empty name element is a placeholder."""
    if not article.contains_image(block.element):
        return False
    images = [img for b in (block, *article.inner_blocks(block)) for img in article.images_in(b)]
    if block.empty_mark and not block.own_mark:
        # the empty author element sits inline in a block that is not itself the author's: a picture beside
        # it (an agency's logo "AP" by the headline) is the slot's credit only when it names a person
        return any(_names_person(article, t) for img in images for t in img.texts)
    return not (block.empty_mark and images and all(not any(t.strip() for t in img.texts) for img in images))


def _names_person(article: "Article", text: str) -> bool:
    """A picture's text that reads as a person's name of two words or more (a portrait's "Jane Doe")."""
    return len(fold_tokens(text)) >= 2 and reads_as_name(article, text)


def _shows_text(article: "Article", node: Tag) -> bool:
    """Whether an author box shows text of its own besides the empty name: a credit prefix or a dash left in
    front of it ("By <a rel=author></a>", "Written by", "—"), or the licensor and a role under it, is the name's
    frame, not the box's text."""
    text = subtree_text(node, SLOT_READ_NODES)
    if text is None:
        return True
    words = fold_tokens(text)
    if not words or article.vocab.by_re.fullmatch(" " + " ".join(words)):
        return False
    # "Staff Reporter, <licensor>" under the empty name: the affiliation the name will stand with, not a credit
    return not licensor_line(article, " ".join(text.split()))


def _text_below(node: Tag) -> bool:
    """Whether an element holds text in blocks of its own (a list of dates under an "authors" class is
    no empty slot). Past SLOT_READ_NODES nodes it holds something."""
    text = subtree_text(node, SLOT_READ_NODES)
    return text is None or bool(text.strip())


def credit_shown(article: "Article", slot: Block, rivals: list, short_lines: list) -> Optional[Block]:
    """A credit the reader sees where the article's byline goes, beside an empty byline slot: then the
    page says who wrote it and is judged on that; without one, what the slot will say is unknown.

    `rivals` are the byline-shaped lines at the head (and, for an empty box after the text, at the foot
    too); `short_lines` the short unmarked lines at the head. A byline-shaped line ("By Staff", an
    author-marked element) counts whoever it names in the credit
    area, and anywhere at the head when it is itself marked as an author's or names a person; a bare
    line counts only when it is marked as an author's, or names a person in the credit area beside the
    slot (a section label, a kicker or a button elsewhere at the head is no credit)."""
    vocab = article.vocab
    containers = article.containers
    for b in rivals:
        if (_says_no_writer(article, b) or (b.empty_mark and name_gap(vocab, b.lines[0] if b.lines else b.text))
                or vocab.unfilled_by.search(" ".join(fold_tokens(b.text)))):
            # "Von Jane Doe und <empty>": the name a script fills in may be the reporter's; "By on May 4, 2026":
            # the line's own name was left out of the HTML, like the slot's
            continue
        if b is not slot and not article.other_story(b) and (containers.credit_area(b) or b.own_mark or credits_person(
                b, article.pack.non_person_credits, vocab)) and _names_someone(b, article) and not _licensor_only(article, b):
            return b
    for b in short_lines:
        if (not credits_person(b, article.pack.non_person_credits, vocab) or article.other_story(b)
                or vocab.unfilled_by.search(" ".join(fold_tokens(b.text)))):
            continue
        if (_says_no_writer(article, b) or vocab.other_credit(" ".join(fold_tokens(b.text)))
                or vocab.source_lead.match(" ".join(fold_tokens(b.text[:80]))) or control_row(b) or _licensor_only(article, b)
                or dateline(b.text, vocab) or _menu_item(b, vocab)):
            continue  # "Photo: Jane Doe": a picture's credit; "Teilen Twittern Senden": a row of buttons; "Washington Agency —"
        if b.marked or (containers.credit_area(b) and _beside(b, slot) and reads_as_name(article, b.text)):
            return b
    return None


def _says_no_writer(article: "Article", block: Block) -> bool:
    """Lines that never name the article's writer beside an empty slot: a heading in an author box (its label,
    "Tech Industry", unless marked as the name), a picture's credit ("Copyright Jane Doe/<agency>"), a button."""
    return ((block.tag in TITLE_TAGS and not block.own_mark) or _picture_credit(article, block) or _button_label(block)
            or _control_label(block))


def _button_label(block: Block) -> bool:
    """Whether a line is the label of a button ("Listen", "Save for later"): a control, never a credit."""
    el = block.element
    if el.name == "button" or el.find_parent("button") is not None:
        return True
    buttons = el.find_all("button", limit=8)
    label = " ".join(" ".join(b.get_text(" ").split()) for b in buttons)
    return bool(buttons) and label == " ".join(block.text.split())


CONTROL_LINKS = 2  # links that run a script (or go nowhere) beside a line, and nothing else: a widget


def _control_label(block: Block) -> bool:
    """Whether a line labels a widget: its box holds, besides it, only links that run a script or go nowhere
    and buttons ("Font Size" over three "A" links to `javascript:setClass(...)`)."""
    el = block.element
    box = el.parent
    if box is None or box.name in ("body", "html", "[document]"):
        return False
    if any(i > CARD_NODES for i, _ in enumerate(box.descendants)):
        return False  # a large container, not a widget: not read further
    controls = [c for c in box.find_all(("a", "button"), limit=12) if c is not el and el not in c.parents]
    if len(controls) < CONTROL_LINKS or not all(c.name == "button" or _goes_nowhere(c.get("href")) for c in controls):
        return False
    own = " ".join(block.text.split())
    rest = " ".join(box.get_text(" ").split()).replace(own, "", 1).split()
    return len(rest) <= sum(len(c.get_text(" ").split()) for c in controls)


MENU_ITEMS = 3  # items of a list that are each one link to a page of the site: a breadcrumb, a menu


def _menu_item(block: Block, vocab: Vocabulary) -> bool:
    """Whether a line is an item of a breadcrumb or a menu: a list of at least MENU_ITEMS items, each one link
    (not to a person's page) and nothing else ("Home > Crafts > Other DIY Projects"); or such an item, however
    few beside it, in a list inside a `<nav>` (a breadcrumb's last list of one sponsored link)."""
    el = block.element
    item = el if el.name == "li" else el.find_parent("li")
    if item is None or item.parent is None:
        return False
    if not _one_link(item, vocab):
        return False
    items = item.parent.find_all("li", recursive=False, limit=24)
    if len(items) < MENU_ITEMS:
        return item.parent.find_parent("nav") is not None
    return all(_one_link(li, vocab) for li in items)


def _one_link(li: Tag, vocab: Vocabulary) -> bool:
    """A list item that is one link, not to a person's page, and nothing else."""
    links = li.find_all("a", limit=2)
    if len(links) != 1 or is_author_link(links[0], vocab):
        return False
    return " ".join(links[0].get_text(" ").split()) == " ".join(li.get_text(" ").split())


def _goes_nowhere(href: object) -> bool:
    """A link that runs a script or stays on the spot: a control, not a way to another page."""
    return not isinstance(href, str) or not href.strip() or href.strip().lower().startswith(("javascript:", "#"))


def _picture_credit(article: "Article", block: Block) -> bool:
    """Whether a line opens as another credit than the writer's: "Photo: Jane Doe", "Copyright Jane Doe/<agency>",
    "© Jane Doe"."""
    text = block.text.lstrip()
    return text.startswith(("\u00a9", "(c)", "(C)")) or bool(
        article.vocab.other_credit_lead_re.match(" ".join(fold_tokens(text[:80]))))


def name_gap(vocab: Vocabulary, line: str) -> bool:
    """Whether a credit line reads with a name left out: "By and Jane Doe", "By , Jane Doe", "Jane Doe and",
    a sign-off "— and Jane Doe, Outlet"."""
    rest = vocab.by_lead.sub("", _SIGN_OFF_DASH.sub("", line), count=1)
    words = rest.split()
    tail = re.split(r"\s[|•·—–]\s", line)[0].split()
    # whole words only: "E. Jean Carroll" opens with an initial, not the joiner "e"
    return bool(rest.lstrip()[:1] in (",", "&") or (words and words[0].lower() in vocab.joiners)
                or (tail and (tail[-1].lower() in vocab.joiners or tail[-1].endswith((",", "&")))))


def _licensor_only(article: "Article", block: Block) -> bool:
    """Whether a line names the licensor and no person ("Politics Reporter, <licensor>", "From the
    <licensor>"): beside an empty author slot it is the affiliation the slot's name will stand with."""
    return licensor_line(article, block.text, block.lines[0] if block.lines else "")


def licensor_line(article: "Article", text: str, first_line: Optional[str] = None) -> bool:
    pack = article.pack
    if find_alias(text, pack.aliases) is None:
        return False
    line = text if first_line is None else first_line
    return _role_only(article, _first_segment(article, line)) or not line_credits_person(
        line, pack.non_person_credits, article.vocab)


def _first_segment(article: "Article", line: str) -> str:
    """What a credit line says before its first separator, its credit prefix removed."""
    return re.split(r"[,|•·—–(]|\s[-/]\s", article.vocab.by_lead.sub("", line, count=1))[0]


def _role_only(article: "Article", segment: str) -> bool:
    """Whether words are only a job title ("Reporter", "Education Reporter"): capitalised, a title reads
    like a name but names nobody. A credit the pack lists as no person's ("Staff") is still a credit."""
    toks = fold_tokens(segment)
    if not toks or toks[-1] not in article.vocab.role_set:
        return False
    low = " " + " ".join(toks) + " "
    return not any(" " + " ".join(fold_tokens(c)) + " " in low for c in article.pack.non_person_credits)


def _beside(block: Block, slot: Block) -> bool:
    """Whether a line shares a small container with the empty slot (an author row, a meta block): a
    bare name there fills the slot's place; a label elsewhere under the headline does not."""
    ancestors = set()
    node = slot.element.parent
    for _ in range(SLOT_AREA_LEVELS):
        if node is None:
            break
        ancestors.add(id(node))
        node = node.parent
    node = block.element
    for _ in range(SLOT_AREA_LEVELS + 1):
        if node is None:
            return False
        if id(node) in ancestors:
            return True
        node = node.parent
    return False


def _names_someone(block: Block, article: "Article") -> bool:
    """Whether a byline-shaped block credits someone: after a credit prefix, any name ("By Staff"; "By" alone
    or "By , Staff Writer" is an empty slot); without one, a person's or an outlet's name. An author-marked
    row that says "Go to permalink" or "Dec. 3 at 5:42 PM Follow @handle" credits nobody."""
    line = block.lines[0] if block.lines else block.text
    if article.vocab.source_lead.match(" ".join(fold_tokens(line[:80]))):
        return False  # "From <an encyclopedia>", "Bron: <an agency>": where the story came from
    # the name may stand after the date in an author-marked element ("Outlet | 4 May | Par <span
    # class=auteur>Jane Doe</span>")
    return (line_names_someone(article, line) or _author_link_says(block, line, article.vocab)
            or any(line_names_someone(article, t) for t in block.marked_texts if t and t != line))


def _author_link_says(block: Block, line: str, vocab: Vocabulary) -> bool:
    """Whether the line is the text of a link to a person's profile page (`rel=author`, "/users/<name>"):
    a handle or pen name there names its author, whatever its words."""
    want = " ".join(line.split())
    if not NAME_START.match(want) or len(want.split()) > 3:
        return False
    return any(is_author_link(a, vocab) and " ".join(a.get_text(" ").split()) == want
               for a in block.element.find_all("a", limit=8))


def _date_first(vocab: Vocabulary, text: str) -> bool:
    """Whether a text opens with a date or time word or a number ("Updated March 25", "19 November"). A month
    opens a date only before a number or another date word: "June Smith" is a name."""
    first = fold_tokens(text[:40])
    return bool(first) and (first[0].isdigit() or (first[0] in vocab.date_set and (
        len(first) == 1 or first[1].isdigit() or first[1] in vocab.date_set)))


def line_names_someone(article: "Article", line: str) -> bool:
    vocab = article.vocab
    rest = vocab.by_lead.sub("", line, count=1)
    if not NAME_START.match(rest):
        return False
    if rest != line:
        if _date_first(vocab, rest):
            return False  # "By Updated March 25, 2026": a date where the name goes
        return not _role_only(article, _first_segment(article, rest))  # "By Reporter, <outlet>": no name
    non_person = article.pack.non_person_credits
    # without a credit prefix, a label ("Tech Industry") is no name: its words are written in lower case elsewhere
    person = person_in_line(line, non_person, vocab)
    return (person is not None and reads_as_name(article, person)) or named_outlet(line, non_person) is not None
