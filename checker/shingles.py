"""Word tokens and hashed word shingles: the one text normalisation that page and original share."""
from __future__ import annotations

import string
from typing import Iterator

# Punctuation becomes a space on both sides, so curly vs straight quotes, dashes, ellipses and
# apostrophes cannot make a copy look different.
_PUNCT = ".,;:!?\"'()[]{}<>«»‹›–—―‐-…|•·/\\*“”„‘’‚′″`~^=+_#@&%$\u00a0\u200b\u2009\u202f"

# Page text is mostly ASCII letters and punctuation, with a few non-ASCII letters (names, signs).
# tokens() str.replace()s the few non-ASCII punctuation characters (C-fast: a regex or str.translate
# over the whole text costs several times more), then one bytes.translate pass turns ASCII
# punctuation into spaces and A-Z into a-z, and only words left with non-ASCII letters are lower()-ed:
# about 1.5x faster on the real pages than lower() and 60 replaces. The words are the same: lower()
# works character by character, never yields punctuation or whitespace, and needs no context except
# for a capital sigma (its final form depends on the characters around it, punctuation included), so
# text with one is tokenised the plain way.
PUNCTUATION = _PUNCT  # what tokens() reads as a space (article/edges.py maps tokens back to the text)
_WIDE_PUNCT = tuple(ch for ch in _PUNCT if not ch.isascii())
_ASCII_PUNCT = "".join(ch for ch in _PUNCT if ch.isascii())
_ASCII_TABLE = bytes.maketrans((_ASCII_PUNCT + string.ascii_uppercase).encode("ascii"),
                               (" " * len(_ASCII_PUNCT) + string.ascii_lowercase).encode("ascii"))
_CAPITAL_SIGMA = "\u03a3"

DEFAULT_K = 5


def tokens(text: str) -> list[str]:
    """Lower-cased words with all punctuation removed."""
    if _CAPITAL_SIGMA in text:
        return _tokens_in_context(text)
    for ch in _WIDE_PUNCT:
        if ch in text:
            text = text.replace(ch, " ")
    raw = text.encode("utf-8", "surrogatepass").translate(_ASCII_TABLE)
    if raw.isascii():
        return raw.decode("ascii").split()
    return [w if w.isascii() else w.lower() for w in raw.decode("utf-8", "surrogatepass").split()]


def _tokens_in_context(text: str) -> list[str]:
    """tokens() the plain way: lower() the whole text first, then replace the punctuation."""
    s = text.lower()
    for ch in _PUNCT:
        if ch in s:
            s = s.replace(ch, " ")
    return s.split()


def shingle_hashes(words: list[str], k: int = DEFAULT_K) -> Iterator[int]:
    """The shingles() of `words` one by one, repeats included, without building the set."""
    if len(words) < k:
        return iter((hash(tuple(words)),) if words else ())
    # map/zip run in C, and zip reuses its tuple once hash() has let go of it.
    return map(hash, zip(*(words[i:] for i in range(k))))


def shingles(words: list[str], k: int = DEFAULT_K) -> set[int]:
    """Hashes of every run of k consecutive words; a text shorter than k words gives one shingle."""
    return set(shingle_hashes(words, k))
