"""Whether an original has text enough for its copies to be recognised by (the matcher needs 3 shingles)."""
from __future__ import annotations

from .models import Original
from .shingles import DEFAULT_K

# checker/match.py judges a page against an original only when the original has 3 shingles or more.
MIN_WORDS = DEFAULT_K + 2


def has_text(original: Original) -> bool:
    """True when copies of `original` can be recognised by its text; a large manifest's text is not read."""
    from .manifest_cache import StoredOriginal

    if isinstance(original, StoredOriginal):
        return original.chars > 0
    return len(original.text.split()) >= MIN_WORDS


def named(originals: list[Original], most: int = 3) -> str:
    """The first few originals' ids, for a one-line message."""
    return ", ".join(o.id for o in originals[:most]) + (", ..." if len(originals) > most else "")
