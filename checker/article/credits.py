"""The article's credit lines: which of the original's authors a visible byline at the head or foot names."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Optional

from ..names import ascii_words, find_name, fold_tokens, name_forms
from ..parse import Block
from ..visibility import hidden_by_structure
from ..vocabulary import Vocabulary
from .edges import headline_rest
from .slots import credit_shown, empty_slot, licensor_line, line_names_someone, name_gap, whole_box
from .persons import FIELD_SEPARATOR

if TYPE_CHECKING:
    from . import Article

_TOKEN = re.compile(r"[A-Za-z]+|[0-9]+")
# "Politics | Jane Doe", "Author: Jane Doe", "Dec. 3 | — Jane Doe" (dashes and bullets folded to "-", "*")
_SEPARATOR_BEFORE = re.compile(r"(?:[|•·—–:/=]|(?:^|\s)[-*])\s*$")  # "=": Japanese "【Place=Jane Doe】"
SHORT_CREDIT_WORDS = 12
SHORT_PREFIX_CHARS = 24
_SEPARATOR_AFTER = re.compile(r"[,|•·—–(/:;@]|\s-\s")  # "@" starts a handle: "Jane Doe @janedoe"
_WORD_SPAN = re.compile(r"\S+")


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
    raw = ascii_words(line)  # "Jane DoeRedakteur": inline elements glued without a space
    toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(raw)]
    words = [t[0].lower() for t in toks]
    if not words:
        return {}
    limit = vocab.max_marked_words if marked else (vocab.max_foot_line_words if zone == "foot" else vocab.max_head_line_words)
    if len(words) > limit:
        return _credits_in_fields(line, forms_by_author, marked, zone, vocab, limit)
    hits = _name_hits(words, forms_by_author)
    if not hits or calls_to_reader(vocab, words, [(s, e) for s, e, _ in hits]):
        return {}  # (nobody, or "Follow Jane Doe and John Roe on Twitter": a call to the reader, no credit)
    folded = raw.lower()
    starts = {s for s, _, _ in hits}
    found = {}
    prev_end = None
    for start, end, author in hits:
        if vocab.other_credit(" ".join(words[:start])) or _possessive(raw, toks, end):
            prev_end = end  # (another's credit; or "Jane Doe's weekly newsletter": a thing of hers, no credit)
            continue
        if ((marked or _prefix_ok(words, toks, folded, start, prev_end, vocab))
                and _suffix_ok(words, toks, folded, end, starts, marked, vocab)):
            found[author] = True
        prev_end = end
    return found


def _possessive(raw: str, toks: list, end: int) -> bool:
    """Whether the name ending before token `end` is followed by "'s" and a word: "Jane Doe's newsletter"."""
    after = raw[toks[end - 1][2]:toks[end - 1][2] + 2]
    return after in ("'s", "'S") and end + 1 < len(toks) and toks[end][0] in ("s", "S")


def _credits_in_fields(line: str, forms_by_author: dict, marked: bool, zone: str, vocab: Vocabulary,
                       limit: int) -> dict:
    """"Outlet | 04.05.2015 13h36 | By Jane Doe | Outlet": a long line of separated fields holds a
    credit in one of them."""
    fields = [f for f in FIELD_SEPARATOR.split(line) if f.strip()]
    found: dict = {}
    if len(fields) > 1:
        for f in fields:
            # a field that opens with a credit holds it whatever follows ("Jane Doe, Outlet — Updated ... Share")
            head = f if len(_TOKEN.findall(ascii_words(f))) <= limit else _opening(f, limit)
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
    return len(_TOKEN.findall(ascii_words(text)))


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
            or (prev_end is None and vocab.only_dates(prefix_words))  # a meta row opening with its date
            or (prev_end is None and _after_other_names(words, toks, folded, start, vocab))
            or (prev_end is not None and (set(prefix_words) <= vocab.joiners))
            or bool(_SEPARATOR_BEFORE.search(prefix_text)))


def _after_other_names(words: list, toks: list, folded: str, start: int, vocab: Vocabulary) -> bool:
    """"Von Erika Muster und Jane Doe", "By A. Smith, B. Jones and Jane Doe": a credit prefix, then other
    people's names (capitalised words) joined by commas or joiners, then the name: one list of writers."""
    for k in range(1, min(3, start)):
        if vocab.by_re.search(" ".join(words[:k])) is None:
            continue
        middle = toks[k:start]
        if len(middle) > 12 or not any(t[0][:1].isupper() for t in middle):
            return False
        if not all(t[0][:1].isupper() or t[0].lower() in vocab.joiners for t in middle):
            return False
        return words[start - 1] in vocab.joiners or "," in folded[toks[start - 1][2]:toks[start][1]]
    return False


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
        if block.hidden is not None or _picture_caption(block):
            continue  # hidden, or a picture's caption (its credit is the photographer's)
        if (block.tag == "h1" or block.index == headline) and not block.own_mark:
            # A title (the story's, or a blog's name in its banner) is not a credit; what the story's headline
            # sets after its title is ("<h1>Title <small>By Jane Doe</small></h1>").
            rest = headline_rest(block, article.title) if block.index == headline else None
            if rest is not None:
                _read_block(article, rest, zone, forms, result, short_lines, head_bylines)
            continue
        if not block.text:
            if result.empty_marked is None and empty_slot(article, block) and (zone == "head" or whole_box(article, block)):
                result.empty_marked, empty_zone = block, zone
            continue
        if (result.empty_marked is None and block.empty_mark and (zone == "head" or whole_box(article, block))
                and not any(line_names_someone(article, t) and not licensor_line(article, t) for t in block.marked_texts)
                and not _named_whole(article, block)
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
        result.credit_shown = credit_shown(article, result.empty_marked, rivals, short_lines)
    return result


def _named_whole(article: "Article", block: Block) -> bool:
    """Whether a line holding an empty author element already reads as a whole credit ("By Jane Doe @handle
    <span class=byline__item></span>"): the empty element is a spare part (a script's e-mail link), not the
    name's slot. "By Jane Doe and <empty>" has a gap where a name goes and stays a slot."""
    line = block.lines[0] if block.lines else block.text
    return (bool(article.vocab.by_lead.match(line)) and line_names_someone(article, line)
            and not name_gap(article.vocab, line) and not licensor_line(article, line))


PORTRAIT_PX = 160  # an image this small (by its width/height attributes) beside a caption is a portrait


def _picture_caption(block: Block) -> bool:
    """A picture's caption, whose credit is the photographer's; not an author card's caption (the caption of a
    small portrait, or one marked as the author's), which credits the writer. A `<figure>`'s own text (a
    `<cite>` or a `<span>` under the picture, with no `<figcaption>`) is its caption too."""
    if block.tag not in ("figcaption", "figure") or block.marked:
        return False
    figure = block.element.parent if block.tag == "figcaption" else block.element
    imgs = figure.find_all("img", limit=3) if figure is not None else []
    if block.tag == "figure" and not imgs:
        return False  # a figure of text (a pull quote, a chart's numbers) is no picture's caption
    return not imgs or any(not _small(img) for img in imgs)


def _small(img) -> bool:
    sizes = [str(img.get(a) or "") for a in ("width", "height")]
    return all(v.isdigit() and int(v) <= PORTRAIT_PX for v in sizes)


@lru_cache(maxsize=16)
def _licensor_lead_re(aliases: tuple, roles: frozenset, prefixes: tuple) -> "re.Pattern":
    """"By <licensor> reporter ", "<licensor>'s ": the licensor and a role before the name, as its credit prefix."""
    alias = "|".join(r"\s+".join(map(re.escape, a.split())) for a in sorted(aliases, key=len, reverse=True) if a.strip())
    prefix = "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(prefixes, key=len, reverse=True))
    role = "|".join(map(re.escape, sorted(roles, key=len, reverse=True)))
    return re.compile(rf"^\s*(?:(?:{prefix})\s*:?\s+)?(?:the\s+)?(?:{alias})(?:['\u2019]s)?\s+"
                      rf"(?:(?:[^\W\d_]+\s+){{0,2}}?(?:{role})\s+)?", re.I)  # "senior investigative reporter"


def _licensor_led(article: "Article", line: str) -> str:
    """The line as "By <name> …" when the licensor and a role stand before the name ("<licensor> senior
    reporter Jane Doe", "The <licensor>'s Jane Doe"): a credit, the licensor attached to it."""
    m = _licensor_lead_re(tuple(article.pack.aliases), article.vocab.role_set,
                          tuple(article.vocab.credit_prefixes)).match(line) if line else None
    return "By " + line[m.end():] if m and line[m.end():m.end() + 1].isupper() else line


def _read_block(article: "Article", block: Block, zone: str, forms: dict, result: Credits,
                short_lines: list, head_bylines: list) -> None:
    """Record what one visible block with text credits (and, at the head, what it tells about an empty slot)."""
    vocab = article.vocab
    if article.is_notice(block.text) or vocab.consent_re.search(block.text):
        return  # the license notice, or consent text ("By clicking Accept ..."), credits nobody
    in_body = article.is_body(block) and not vocab.by_start.match(block.text)
    looks_like_byline = block.marked or any(vocab.by_start.match(ln) for ln in block.lines)
    lines = [(_licensor_led(article, line), marked) for line, marked in _credit_lines(article, block, in_body)]
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
        # Not when the next line is another story's ("Related: <its linked title> By Jane Doe"): that name
        # is its credit, and this "By" stays empty.
        nxt = article.neighbour(block, 1)
        if (nxt is not None and nxt.text and len(nxt.text.split()) <= vocab.max_head_line_words
                and not article.other_story(nxt)):
            lines.append((block.text + " " + nxt.text, block.marked or nxt.marked))
    return lines


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


CONTACT_REACH = 3  # "Send tips to Jane Doe": the call stands this many words before the name at most


def calls_to_reader(vocab: Vocabulary, toks: list, spans: list) -> bool:
    """Whether a line names people (at `spans`, (start, end) in its folded tokens) to ask the reader to follow or
    write to them: "Follow Jane Doe on Twitter", "Send tips to Jane Doe", "Jane Doe can be reached at ...". The
    call stands right before the first name, with no credit prefix between ("Share: Twitter Email | By Jane Doe"
    is a share bar and a byline)."""
    if not spans:
        return False
    first = min(s for s, _ in spans)
    before = toks[max(0, first - CONTACT_REACH):first]
    calls = [i for i, t in enumerate(before) if t in vocab.contact_set]
    if calls and not vocab.prefix_word_set.intersection(before[calls[-1] + 1:]):
        return True
    return any(toks[e:e + len(after)] == after for _, e in spans for after in vocab.contact_after_tokens)


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
        if any(vocab.other_credit(" ".join(toks[:h.start])) for h in hits):
            continue  # "Photo by Jane Doe": a credit for something else
        if any(h.end < len(toks) and toks[h.end] in vocab.speech for h in hits):
            continue  # "Jane Doe said ...": a sentence about the person
        if calls_to_reader(vocab, toks, [(h.start, h.end) for h in hits]):
            continue  # "Follow Jane Doe on Twitter", "Jane Doe can be reached at ...": no credit
        if art.other_story(block):
            continue
        return block
    return None


