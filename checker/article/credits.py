"""The article's credit lines: which of the original's authors a visible byline at the head or foot names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from anyascii import anyascii
from bs4 import Tag

from ..names import find_name, fold_tokens, looks_like_person, name_forms
from ..parse import Block, subtree_text
from ..text_match import find_alias
from ..visibility import hidden_by_structure
from ..vocabulary import Vocabulary
from .containers import is_author_link

if TYPE_CHECKING:
    from . import Article

_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+")
# "Politics | Jane Doe", "Author: Jane Doe", "Dec. 3 | — Jane Doe" (dashes and bullets folded to "-", "*")
_SEPARATOR_BEFORE = re.compile(r"(?:[|•·—–:/]|(?:^|\s)[-*])\s*$")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])")
SHORT_CREDIT_WORDS = 12
_TITLE_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "figcaption"})  # a title or a caption credits nobody
FOOT_SIGN_OFF_LINES = 3  # a sign-off ("— Jane Doe, Outlet") stands among the first lines after the text
_LEADING_NAME = re.compile(r"^\s*((?:[^\W\d_][\w.'’-]*\s+){1,3}[^\W\d_][\w.'’-]*)\s+\d")
_LEADING_DASH = re.compile(r"^\s*[-—–―~•·*]+\s*")
SHORT_PREFIX_CHARS = 24
SLOT_READ_NODES = 400  # an empty slot's subtree is read this far for text (a hostile one is not walked whole)
SLOT_AREA_LEVELS = 3  # an empty credit slot and a bare name within this many ancestors of it share a credit area
_FIELD_SEPARATOR = re.compile(r"\s[|•·]\s")
_SEPARATOR_AFTER = re.compile(r"[,|•·—–(/:;@]|\s-\s")  # "@" starts a handle: "Jane Doe @janedoe"
_NAME_START = re.compile(r"\s*[^\W\d_]")
_WORD_SPAN = re.compile(r"\S+")
# An acronym compound or a word with digits ("EU-Gipfel", "US-Wahl", "COVID-19", "G7"): a word, not a name.
_COMPOUND_WORD = re.compile(r"(?<!\w)[A-Z]{2,}-\w|\w*\d")


@dataclass(frozen=True)
class Credit:
    """Where an author is credited: the block, the line, and the line's text."""

    author: str
    block: Block
    line: str
    zone: str  # head or foot


@dataclass
class Credits:
    """What the credit lines of one page say."""

    credits: dict = field(default_factory=dict)  # author -> first Credit (document order)
    all_credits: dict = field(default_factory=dict)  # author -> every Credit (a head byline and a foot author box)
    missing: list = field(default_factory=list)
    bylines: list = field(default_factory=list)  # byline-like blocks in the head/foot (for explanations)
    empty_marked: Optional[Block] = None  # an author-marked element with no text (filled in by a script)
    credit_shown: Optional[Block] = None  # beside an empty slot, a credit the reader sees where the byline goes


def credit_in_line(line: str, forms_by_author: dict, marked: bool, zone: str, vocab: Vocabulary) -> dict:
    """Authors this line credits in byline shape.

    Before a name: nothing, a credit prefix ("By"), a separator, or another credited name and a joiner.
    After it: nothing, a separator, a capitalised word (a role, a title, an outlet: "China/Asia Pacific
    Reporter"), a role or date word, or another name. "Jane Doe said" is a sentence, not a credit.
    """
    raw = anyascii(_CAMEL.sub(" ", line))  # "Jane DoeRedakteur": inline elements glued without a space
    toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(raw)]
    words = [t[0].lower() for t in toks]
    if not words:
        return {}
    limit = vocab.max_marked_words if marked else (vocab.max_foot_line_words if zone == "foot" else vocab.max_head_line_words)
    if len(words) > limit:
        return _credits_in_fields(line, forms_by_author, marked, zone, vocab, limit)
    hits = _name_hits(words, forms_by_author)
    if not hits:
        return {}
    folded = raw.lower()
    starts = {s for s, _, _ in hits}
    found = {}
    prev_end = None
    for start, end, author in hits:
        if vocab.other_credit_re.search(" ".join(words[:start])):
            prev_end = end
            continue
        if ((marked or _prefix_ok(words, toks, folded, start, prev_end, vocab))
                and _suffix_ok(words, toks, folded, end, starts, marked, vocab)):
            found[author] = True
        prev_end = end
    return found


def _credits_in_fields(line: str, forms_by_author: dict, marked: bool, zone: str, vocab: Vocabulary,
                       limit: int) -> dict:
    """"Outlet | 04.05.2015 13h36 | By Jane Doe | Outlet": a long line of separated fields holds a
    credit in one of them."""
    fields = [f for f in _FIELD_SEPARATOR.split(line) if f.strip()]
    found: dict = {}
    if len(fields) > 1:
        for f in fields:
            # a field that opens with a credit holds it whatever follows ("Jane Doe, Outlet — Updated ... Share")
            head = f if len(_TOKEN.findall(anyascii(f))) <= limit else _opening(f, limit)
            if head:
                found.update(credit_in_line(head, forms_by_author, marked, zone, vocab))
    if not found:
        # "By Jane Doe — March 4, 2026 · 36 comments · Share on X · 4 min read": a line that opens with
        # a credit is a byline row whatever else it carries; its opening words are read as a short line.
        head = _opening(line, limit)
        if head:
            found.update(credit_in_line(head, forms_by_author, marked, zone, vocab))
    return found


def _opening(line: str, limit: int) -> str:
    """The opening words of a long line, at most `limit` tokens."""
    head = _first_words(line, limit)
    while head and _token_count(head) > limit:  # tokens, not words, bound a line ("9:12" is two)
        head = _first_words(head, max(1, len(head.split()) - 4)) if len(head.split()) > 1 else ""
    return head


def _token_count(text: str) -> int:
    return len(_TOKEN.findall(anyascii(_CAMEL.sub(" ", text))))


def _first_words(line: str, n: int) -> str:
    """The line cut after its n-th word (as the credit reader counts words)."""
    count = 0
    for i, m in enumerate(_WORD_SPAN.finditer(line)):
        count = i + 1
        if count == n:
            return line[:m.end()]
    return line


def _name_hits(words: list, forms_by_author: dict) -> list:
    """(start, end, author) of the first form of each author found in the words, in line order."""
    hits = []
    for author, forms in forms_by_author.items():
        for form in forms:
            hit = find_name(form, words)
            if hit:
                hits.append((hit.start, hit.end, author))
                break
    hits.sort()
    return hits


def _prefix_ok(words: list, toks: list, folded: str, start: int, prev_end: Optional[int], vocab: Vocabulary) -> bool:
    """Before a name: nothing, a credit prefix, a separator, or another credited name and a joiner."""
    prefix_words = words[prev_end if prev_end is not None else 0:start]
    prefix_text = folded[toks[prev_end][1] if prev_end is not None and prev_end < len(toks) else 0:toks[start][1]]
    return (not prefix_words
            or vocab.by_re.search(" ".join(prefix_words)) is not None
            or (prev_end is not None and (set(prefix_words) <= vocab.joiners))
            or bool(_SEPARATOR_BEFORE.search(prefix_text)))


def _suffix_ok(words: list, toks: list, folded: str, end: int, starts: set, marked: bool, vocab: Vocabulary) -> bool:
    """After a name: nothing, a separator, a role or date word, another name, or a capitalised word; in
    an author-marked element anything; but never a verb of speech ("Jane Doe said ..." is a sentence)."""
    after = words[end] if end < len(words) else None
    after_raw = toks[end][0] if end < len(toks) else ""
    gap = folded[toks[end - 1][2]: toks[end][1]] if end < len(toks) else ""
    separated = bool(_SEPARATOR_AFTER.search(gap))
    if after in vocab.speech and not separated:
        return False
    return (marked
            or after is None
            or separated
            or after in vocab.after_ok
            or after.isdigit()
            or end in starts
            or (after_raw[:1].isupper() and not folded[toks[end - 1][2]:].lstrip().startswith(".")))


def read_credits(article: "Article") -> Credits:
    """Find which of the original's authors the article's visible credit lines name."""
    result = Credits()
    authors = list(article.authors)
    forms = {a: name_forms(a) for a in authors}
    headline = article.zones.headline if article.zones else None
    short_lines: list = []  # short lines at the head that name no author: some person's credit?
    head_bylines: list = []  # byline-shaped blocks at the head (an empty slot's rivals)
    empty_zone = "head"
    for block, zone in article.candidate_blocks():
        if block.hidden is not None or block.tag == "figcaption":
            continue  # hidden, or a picture's caption (its credit is the photographer's)
        if (block.tag == "h1" or block.index == headline) and not block.own_mark:
            continue  # a title (the story's, or a blog's name in its banner) is not a credit
        if not block.text:
            if result.empty_marked is None and _empty_slot(article, block) and (zone == "head" or _whole_box(article, block)):
                result.empty_marked, empty_zone = block, zone
            continue
        if (result.empty_marked is None and block.empty_mark and (zone == "head" or _whole_box(article, block))
                and not any(_line_names_someone(article, t) and not _licensor_line(article, t) for t in block.marked_texts)
                and not article.is_body(block) and not article.other_story(block)):
            # "<a class=author></a> · 14 Jan", "<span class=author-name></span> Follow": an inline author
            # slot a script fills (a marked button or date beside it names nobody)
            result.empty_marked, empty_zone = block, zone
        _read_block(article, block, zone, forms, result, short_lines, head_bylines)
    result.missing = [a for a in authors if a not in result.credits]
    if result.empty_marked is not None and not result.credits:
        # an empty box after the text is filled in or not by what the head and the foot show; an empty slot at
        # the head by what the head shows (an author box far below is another matter)
        rivals = result.bylines if empty_zone == "foot" else head_bylines
        result.credit_shown = _credit_shown(article, result.empty_marked, rivals, short_lines)
    return result


def _empty_slot(article: "Article", block: Block) -> bool:
    """An empty author-marked element at the head or the foot (an author box after the text): a script
    fills it in, so what it will say is unknown."""
    # the block itself marked: empty all the way down; else an empty author-marked element inline in it
    slot = (((block.own_mark and not _text_below(block.element)) or (block.empty_mark and not any(block.marked_texts)))
            and not _names_no_name(article, block.element))
    return bool(slot and not block.hidden_text and not _pictured_credit(article, block)
                and not article.other_story(block))


def _names_no_name(article: "Article", node: Tag) -> bool:
    """Whether an empty author element's class or id says it holds no name (its bio, social links, avatar)."""
    names = " ".join(fold_tokens(" ".join(str(v) for a in ("class", "id") for v in _as_list(node.get(a)))))
    return any(w in article.vocab.not_name_slot_set for w in names.split())


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value] if value else []


def _whole_box(article: "Article", block: Block) -> bool:
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
            if b.own_mark and _text_below(b.element):
                return False
        i -= 1
    return True


def _pictured_credit(article: "Article", block: Block) -> bool:
    """Whether an author element shows its credit as a picture (a signature, a logo, a named portrait):
    then it is not empty. An unnamed avatar beside an empty name element is a placeholder."""
    if not article.contains_image(block.element):
        return False
    images = [img for b in (block, *article.inner_blocks(block)) for img in article.images_in(b)]
    return not (block.empty_mark and images and all(not any(t.strip() for t in img.texts) for img in images))


def _text_below(node: Tag) -> bool:
    """Whether an element holds text in blocks of its own (a list of dates under an "authors" class is
    no empty slot). Past SLOT_READ_NODES nodes it holds something."""
    text = subtree_text(node, SLOT_READ_NODES)
    return text is None or bool(text.strip())


def _read_block(article: "Article", block: Block, zone: str, forms: dict, result: Credits,
                short_lines: list, head_bylines: list) -> None:
    """Record what one visible block with text credits (and, at the head, what it tells about an empty slot)."""
    vocab = article.vocab
    if article.is_notice(block.text) or vocab.consent_re.search(block.text):
        return  # the license notice, or consent text ("By clicking Accept ..."), credits nobody
    in_body = article.is_body(block) and not vocab.by_start.match(block.text)
    looks_like_byline = block.marked or any(vocab.by_start.match(ln) for ln in block.lines)
    lines = _credit_lines(article, block, in_body)
    named = [(line, author) for line, marked in lines for author in credit_in_line(line, forms, marked, zone, vocab)]
    is_byline = looks_like_byline and not in_body and len(block.text.split()) <= vocab.max_marked_words
    if zone == "head" and not in_body and not named:
        if len(block.text.split()) <= SHORT_CREDIT_WORDS:
            short_lines.append(block)  # read only if an empty credit slot makes it matter
    # Where the block stands (another story's teaser, site chrome) matters only for a credit.
    if not (named or is_byline) or article.other_story(block):
        return
    if is_byline:
        result.bylines.append(block)
        if zone == "head":
            head_bylines.append(block)
    for line, author in named:
        credit = Credit(author, block, line, zone)
        result.credits.setdefault(author, credit)
        known = result.all_credits.setdefault(author, [])
        if all(c.block.index != block.index for c in known):
            known.append(credit)


def _credit_lines(article: "Article", block: Block, in_body: bool) -> list:
    """The (line, author-marked) pairs of a block that may hold a credit."""
    vocab = article.vocab
    # A paragraph of the article is no credit, except an author-marked element inside it.
    lines = [] if in_body else [(ln, block.marked) for ln in block.lines + ((block.text,) if len(block.lines) > 1 else ())]
    lines += [(t, True) for t in block.marked_texts if t]
    if not in_body and len(block.text) <= SHORT_PREFIX_CHARS and vocab.by_re.fullmatch(
            " " + " ".join(fold_tokens(block.text))):
        # "By" in one element and the name in the next: the credit is the two read together.
        nxt = article.neighbour(block, 1)
        if nxt is not None and nxt.text and len(nxt.text.split()) <= vocab.max_head_line_words:
            lines.append((block.text + " " + nxt.text, block.marked or nxt.marked))
    return lines


def _credit_shown(article: "Article", empty_slot: Block, head_bylines: list, short_lines: list) -> Optional[Block]:
    """A credit the reader sees where the article's byline goes, beside an empty byline slot: then the
    page says who wrote it and is judged on that; without one, what the slot will say is unknown.

    A byline-shaped line ("By Staff", an author-marked element) counts whoever it names in the credit
    area, and anywhere at the head when it is itself marked as an author's or names a person; a bare
    line counts only when it is marked as an author's, or names a person in the credit area beside the
    slot (a section label, a kicker or a button elsewhere at the head is no credit)."""
    vocab = article.vocab
    containers = article.containers
    for b in head_bylines:
        if b.tag in _TITLE_TAGS and not b.own_mark:
            continue  # a heading in an author box is its label ("Tech Industry"), unless marked as the name
        if b is not empty_slot and not article.other_story(b) and (containers.credit_area(b) or b.own_mark or credits_person(
                b, article.pack.non_person_credits, vocab)) and _names_someone(b, article) and not _licensor_only(article, b):
            return b
    for b in short_lines:
        if not credits_person(b, article.pack.non_person_credits, vocab) or article.other_story(b):
            continue
        if (vocab.other_credit_re.search(" ".join(fold_tokens(b.text))) or _control_row(b) or _licensor_only(article, b)
                or (b.tag in _TITLE_TAGS and not b.own_mark)):
            continue  # "Photo: Jane Doe": a picture's credit; "Teilen Twittern Senden": a row of buttons
        if b.marked or (containers.credit_area(b) and _beside(b, empty_slot) and _reads_as_name(article, b.text)):
            return b
    return None


def _licensor_only(article: "Article", block: Block) -> bool:
    """Whether a line names the licensor and no person ("Politics Reporter, <licensor>", "From the
    <licensor>"): beside an empty author slot it is the affiliation the slot's name will stand with."""
    return _licensor_line(article, block.text, block.lines[0] if block.lines else "")


def _licensor_line(article: "Article", text: str, first_line: Optional[str] = None) -> bool:
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


def _control_row(block: Block) -> bool:
    """Whether a line is a row of one-word links or buttons ("Share Tweet Email"): a name is one link."""
    controls = block.element.find_all(("a", "button"), limit=12)
    words = [c.get_text(" ").split() for c in controls]
    # the line is these controls' words and nothing else (not a line beside a menu nested further down)
    return (len(controls) >= 2 and all(len(w) <= 1 for w in words)
            and [x for w in words for x in w] == block.text.split())


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


def _reads_as_name(article: "Article", text: str) -> bool:
    """Whether a bare line reads as a person's name on this page: written in capitals, none of its
    words is written in lower case elsewhere on the page ("Buy Now", "Share Services" are words, not
    names), no acronym compound or number ("EU-Gipfel"). In a script without capitals a short word cannot be told from a name: it does not read as one."""
    words = fold_tokens(text)
    if not words or not any(ch.isupper() for ch in text) or _COMPOUND_WORD.search(text):
        return False
    lower = article.lowercase_words
    return not any(w in lower for w in words if len(w) > 2)


def _names_someone(block: Block, article: "Article") -> bool:
    """Whether a byline-shaped block credits someone: after a credit prefix, any name ("By Staff"; "By" alone
    or "By , Staff Writer" is an empty slot); without one, a person's or an outlet's name. An author-marked
    row that says "Go to permalink" or "Dec. 3 at 5:42 PM Follow @handle" credits nobody."""
    line = block.lines[0] if block.lines else block.text
    # the name may stand after the date in an author-marked element ("Le Monde | 4 May | Par <span
    # class=auteur>Martin Untersinger</span>")
    return (_line_names_someone(article, line) or _author_link_says(block, line, article.vocab)
            or any(_line_names_someone(article, t) for t in block.marked_texts if t and t != line))


def _author_link_says(block: Block, line: str, vocab: Vocabulary) -> bool:
    """Whether the line is the text of a link to a person's profile page (`rel=author`, "/users/<name>"):
    a handle or pen name there names its author, whatever its words."""
    want = " ".join(line.split())
    if not _NAME_START.match(want) or len(want.split()) > 3:
        return False
    return any(is_author_link(a, vocab) and " ".join(a.get_text(" ").split()) == want
               for a in block.element.find_all("a", limit=8))


def _line_names_someone(article: "Article", line: str) -> bool:
    vocab = article.vocab
    rest = vocab.by_lead.sub("", line, count=1)
    if not _NAME_START.match(rest):
        return False
    if rest != line:
        return not _role_only(article, _first_segment(article, rest))  # "By Reporter, <outlet>": no name
    non_person = article.pack.non_person_credits
    # without a credit prefix, a label ("Tech Industry") is no name: its words are written in lower case elsewhere
    person = person_in_line(line, non_person, vocab)
    return (person is not None and _reads_as_name(article, person)) or named_outlet(line, non_person) is not None


def named_outlet(text: str, non_person: tuple) -> Optional[str]:
    """The first non-person credit (an outlet, "Staff") the text names as whole words."""
    low = " " + " ".join(fold_tokens(text)) + " "
    return next((c for c in non_person if " " + " ".join(fold_tokens(c)) + " " in low), None)


def credit_hidden_by_structure(art: "Article", missing: list) -> Optional[Block]:
    """A block at the article's head or foot, hidden only by a structural CSS rule, whose lines credit
    a missing author: whether the reader sees it is a question for a browser, not a finding."""
    forms = {a: name_forms(a) for a in missing}
    for block, zone in art.candidate_blocks():
        if art.other_story(block):
            continue
        if block.text and hidden_by_structure(block.hidden):
            lines = list(block.lines or (block.text,))
        elif block.hidden is None and block.hidden_text_by_structure:
            lines = [" ".join(" ".join(block.hidden_text).split())]  # "<span class=by>" inside a visible line
        else:
            continue
        if any(credit_in_line(line, forms, block.marked, zone, art.vocab) for line in lines):
            return block
    return None


def named_near_but_unread(art: "Article", missing: list) -> Optional[Block]:
    """A short visible line at the head or foot (not body, caption, teaser, chrome, notice or a sentence
    about the person) that names every missing author in full, though not in a credit's shape."""
    vocab = art.vocab
    forms = [name_forms(a) for a in missing]
    for block, _zone in art.candidate_blocks():
        text = block.text
        if (block.hidden is not None or not text or block.tag == "figcaption" or art.is_body(block)
                or len(text.split()) > vocab.max_head_line_words or art.is_notice(text)
                or vocab.consent_re.search(text)):
            continue
        toks = fold_tokens(text)
        found = [next((h for h in (find_name(f, toks) for f in fs) if h), None) for fs in forms]
        hits = [h for h in found if h is not None]
        if len(hits) < len(found):
            continue
        if any(vocab.other_credit_re.search(" ".join(toks[:h.start])) for h in hits):
            continue  # "Photo by Jane Doe": a credit for something else
        if any(h.end < len(toks) and toks[h.end] in vocab.speech for h in hits):
            continue  # "Jane Doe said ...": a sentence about the person
        if art.other_story(block):
            continue
        return block
    return None


def person_credits(article: "Article") -> list:
    """Lines that credit a person, told without knowing who wrote the article: byline-shaped ones
    ("By ...", author-marked); failing those, a short line in the credit area under the headline, or
    among the first lines after the text, whose first words read as a person's name ("Jane Doe |
    Outlet", "— Jane Doe and John Roe, Reporters")."""
    vocab, non_person = article.vocab, article.pack.non_person_credits
    # a byline's name may follow its date ("April 10, 2023 | Jane Doe"): any of its lines may hold it
    out = [b for b in article.credits.bylines
           if any(line_credits_person(t, non_person, vocab) for t in (*b.lines[:3], *b.marked_texts))]
    if out:
        return out
    foot_lines = 0
    for block, zone in article.candidate_blocks():
        if block.hidden is not None or not block.text:
            continue
        if zone == "foot":
            foot_lines += 1
        near = article.containers.credit_area(block) if zone == "head" else foot_lines <= FOOT_SIGN_OFF_LINES
        if (not near or block.tag in _TITLE_TAGS or len(block.text.split()) > vocab.max_head_line_words
                or article.is_notice(block.text) or vocab.consent_re.search(block.text)):
            continue
        line = block.lines[0] if block.lines else block.text
        name = person_in_line(line, non_person, vocab)
        if (name and _reads_as_name(article, name) and not vocab.other_credit_re.search(" ".join(fold_tokens(line)))
                and not _control_row(block) and not article.other_story(block)):
            out.append(block)
    return out[:1]


def credits_person(block: Block, non_person: tuple, vocab: Vocabulary) -> bool:
    """Whether a byline-like block names a person (not "Staff", not an outlet): "By A and B, Outlet" does."""
    return line_credits_person(block.lines[0] if block.lines else "", non_person, vocab)


def line_credits_person(line: str, non_person: tuple, vocab: Vocabulary) -> bool:
    """Whether a credit line names a person (not "Staff", not an outlet): "By A and B, Outlet" does."""
    return person_in_line(line, non_person, vocab) is not None


def person_in_line(line: str, non_person: tuple, vocab: Vocabulary) -> Optional[str]:
    """The first person's name a credit line gives (not "Staff", not an outlet), or None."""
    # a sign-off's dash goes first ("— Jane Doe, Outlet"), then the credit prefix
    signed = _LEADING_DASH.sub("", line)
    text = vocab.by_lead.sub("", signed, count=1)
    prefixed = text != signed
    head = re.split(r"[,|•·—–(]|\s[-/]\s", text)[0].strip()
    joiners = "|".join(re.escape(j) for j in vocab.name_joiners)
    for part in re.split(r"\s+(?:" + joiners + r")\s+", head) if joiners else [head]:
        low = " ".join(fold_tokens(part))
        if any(" ".join(fold_tokens(c)) in low for c in non_person):
            continue
        if looks_like_person(part.strip()):
            return part.strip()
        lead = _LEADING_NAME.match(part) if prefixed else None
        if lead and looks_like_person(lead.group(1)):
            return lead.group(1)  # "By Jane Doe 7 Comments": after a credit prefix, the capitalised words up to a number
    return None
