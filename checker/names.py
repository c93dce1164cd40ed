"""Person-name folding and matching: case, accents, punctuation, whitespace and middle initials ignored."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from anyascii import anyascii

# inline elements glued without a space: "HaleNews Gazette", and a word in capitals before a capitalised one
# ("DOESpringfield", "NEWSRoom"), where the case changes one letter late
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_WORD = re.compile(r"[a-z]+|[0-9]+")  # "Nolan22" (glued by markup) is two words
# Chinese and Japanese write no spaces between words: each ideograph or kana is a token of its own, so a name
# is found where a credit's word runs into it ("作者李华", "某报记者 李华"). Korean spaces its words.
UNSPACED = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")  # kana and ideographs


def ascii_words(text: str) -> str:
    """The text in ASCII with its words apart: camel-case seams split, each ideograph or kana a word."""
    if not text.isascii():
        text = UNSPACED.sub(r" \1 ", text)
    return anyascii(_CAMEL.sub(" ", text))


def fold_tokens(text: str) -> list[str]:
    """ASCII-folded lower-case word tokens; punctuation (hyphens, apostrophes, dots) splits words."""
    return _WORD.findall(ascii_words(text).lower())


@dataclass(frozen=True)
class NameForm:
    """A person's name reduced to what must be matched: first and last tokens, middle initials dropped."""

    display: str
    tokens: tuple  # without middle initials
    key: str  # tokens joined with nothing, so "Roberts-Grey" == "Roberts Grey" == "RobertsGrey"
    full_key: str = ""  # with middle initials kept: "A.J. Smith" == "AJ Smith"

    @property
    def last(self) -> str:
        return self.tokens[-1] if self.tokens else ""


_SUFFIX = re.compile(r"[\s,]+(?:jr|sr|ii|iii|iv|phd|md)\.?\s*$", re.IGNORECASE)


def name_forms(name: str) -> tuple[NameForm, ...]:
    """The name as written and, when it has a parenthesised part ("Bruno (Henrique) Rodrigues") or a
    generational suffix ("Robert Smith Jr."), without it: bylines often leave either out."""
    forms = [name_form(name)]
    if "(" in name:
        short = re.sub(r"\([^)]*\)", " ", name)
        if fold_tokens(short):
            forms.append(name_form(short))
    bare = _SUFFIX.sub("", name)
    if bare != name and len(fold_tokens(bare)) >= 2:
        forms.append(name_form(bare))
    return tuple(forms)


def name_form(name: str) -> NameForm:
    toks = fold_tokens(name)
    # A single letter between the first and last token is a middle initial ("Mary K. Olsen").
    core = [t for i, t in enumerate(toks) if not (len(t) == 1 and 0 < i < len(toks) - 1)] if len(toks) > 2 else toks
    return NameForm(name, tuple(core), "".join(core), "".join(toks))


@dataclass(frozen=True)
class NameHit:
    """Where a name was found in a token list: token span [start, end)."""

    start: int
    end: int


def find_name(name: NameForm, toks: list[str]) -> Optional[NameHit]:
    """The first place `toks` names the person: the full name in order, or surname-first ("Jong, Michiel de").

    A window of the copy's tokens matches when its letters, joined, equal the name's — with or without
    single-letter middle initials — so "Roberts-Grey" = "Roberts Grey" and "Priya R. Raman" = "Priya Raman".
    """
    if not name.tokens or not toks:
        return None
    keys = {name.key} | ({name.full_key} if name.full_key else set())
    if len(name.tokens) >= 2:
        keys.add("".join(name.tokens[-1:] + name.tokens[:-1]))  # surname first
    longest = max(len(k) for k in keys)
    n = len(toks)
    for i in range(n):
        if not any(k.startswith(toks[i]) for k in keys):
            continue
        joined, core = "", ""
        for j in range(i, min(n, i + len(name.tokens) + 4)):
            t = toks[j]
            joined += t
            if not (len(t) == 1 and j > i):  # drop middle initials from the second form
                core += t
            elif j + 1 < n and any(k.startswith(core + toks[j + 1]) for k in keys):
                pass
            if joined in keys or (core in keys and j > i and len(toks[j]) > 1):
                return NameHit(i, j + 1)
            if len(core) > longest:
                break
    return None


def looks_like_person(text: str) -> bool:
    """Two to four capitalised words (or, in a script without capitals, a short name): a person's name in a byline."""
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    if words and not any(ch.isupper() or ch.islower() for ch in text):  # Chinese, Japanese, Korean, Thai ...
        letters = [ch for ch in text if ch.isalpha()]
        return 2 <= len(letters) <= 8 and len(words) <= 3
    if not 2 <= len(words) <= 5:
        return False
    caps = [w for w in words if w[:1].isupper() or (len(w) <= 3 and w.lower() in ("de", "van", "von", "da", "del", "la", "le", "bin", "al"))]
    return len(caps) == len(words)
