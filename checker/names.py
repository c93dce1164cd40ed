"""Person-name folding and matching: case, accents, punctuation, whitespace and middle initials ignored."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from anyascii import anyascii

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")  # "HaleDaily Caller": inline elements glued without a space
_WORD = re.compile(r"[a-z]+|[0-9]+")  # "Nolan22" (glued by markup) is two words


def fold_tokens(text: str) -> list[str]:
    """ASCII-folded lower-case word tokens; punctuation (hyphens, apostrophes, dots) splits words."""
    return _WORD.findall(anyascii(_CAMEL.sub(" ", text)).lower())


@dataclass(frozen=True)
class NameForm:
    """A person's name reduced to what must be matched: first and last tokens, middle initials dropped."""

    display: str
    tokens: tuple  # without middle initials
    key: str  # tokens joined with nothing, so "Roberts-Grey" == "Roberts Grey" == "RobertsGrey"

    @property
    def last(self) -> str:
        return self.tokens[-1] if self.tokens else ""


def name_forms(name: str) -> tuple[NameForm, ...]:
    """The name as written and, when it has a parenthesised part ("Bruno (Henrique) Rodrigues"), without it."""
    forms = [name_form(name)]
    if "(" in name:
        short = re.sub(r"\([^)]*\)", " ", name)
        if fold_tokens(short):
            forms.append(name_form(short))
    return tuple(forms)


def name_form(name: str) -> NameForm:
    toks = fold_tokens(name)
    # A single letter between the first and last token is a middle initial ("Mary K. Olsen").
    core = [t for i, t in enumerate(toks) if not (len(t) == 1 and 0 < i < len(toks) - 1)] if len(toks) > 2 else toks
    return NameForm(name, tuple(core), "".join(core))


@dataclass(frozen=True)
class NameHit:
    """Where a name was found in a token list: token span [start, end)."""

    start: int
    end: int


def find_name(name: NameForm, toks: list[str]) -> Optional[NameHit]:
    """The first place `toks` names the person: the full name in order, or surname-first ("Jong, Michiel de")."""
    if not name.tokens or not toks:
        return None
    n = len(toks)
    key = name.key
    first = name.tokens[0]
    for i in range(n):
        t = toks[i]
        if not key.startswith(t) or (t != first and not first.startswith(t)):
            continue
        acc, j = "", i
        while j < n and len(acc) < len(key):
            if len(toks[j]) == 1 and acc and len(acc) + 1 <= len(key) and not key.startswith(acc + toks[j]):
                j += 1  # a middle initial in the copy ("Mary K. Olsen" for "Mary Olsen")
                continue
            acc += toks[j]
            j += 1
            if not key.startswith(acc):
                break
        if acc == key:
            return NameHit(i, j)
    # Inverted form: surname first, then the given names.
    if len(name.tokens) >= 2:
        rotated = "".join(name.tokens[-1:] + name.tokens[:-1])
        last = name.tokens[-1]
        for i in range(n):
            if toks[i] != last and not rotated.startswith(toks[i]):
                continue
            acc, j = "", i
            while j < n and len(acc) < len(rotated):
                acc += toks[j]
                j += 1
                if not rotated.startswith(acc):
                    break
            if acc == rotated:
                return NameHit(i, j)
    return None


def looks_like_person(text: str) -> bool:
    """Two to four capitalised words: the shape of a person's name in a byline."""
    words = [w for w in re.split(r"[\s,]+", text.strip()) if w]
    if not 2 <= len(words) <= 5:
        return False
    caps = [w for w in words if w[:1].isupper() or (len(w) <= 3 and w.lower() in ("de", "van", "von", "da", "del", "la", "le", "bin", "al"))]
    return len(caps) == len(words)
