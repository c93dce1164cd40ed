"""The page's images as the licensor's logo, a look-alike (another organisation's) or anything else."""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Optional
from urllib.parse import urlparse

from ..logo_image import reference_match
from ..parse import Image

if TYPE_CHECKING:
    from ..ruleset import LicensePack
    from ..parse import ParsedPage

# The pack's patterns are regexes from a YAML file: they run on at most this many characters of an
# alt text or an image path, so a pattern that backtracks badly cannot meet a megabyte attribute.
PATTERN_INPUT_LIMIT = 500


@lru_cache(maxsize=4096)
def url_part(url: str) -> str:
    """The path and fragment of an image URL, lower-cased: an image hosted on the licensor's domain is not therefore its logo."""
    try:
        parsed = urlparse(url)
    except ValueError:  # "http://[" (an unclosed IPv6 host) is no URL; match on what it says
        return url.split("?", 1)[0].lower()[:PATTERN_INPUT_LIMIT]
    return (parsed.path + ("#" + parsed.fragment if parsed.fragment else "")).lower()[:PATTERN_INPUT_LIMIT]


class ImageContext:
    """What the reference-image comparison reads: the pack, the page, the site root, and a per-page
    memo (the pixels the page may still decode are shared by all its images)."""

    def __init__(self, pack: "LicensePack", page: "ParsedPage", site_root: Optional[str] = None) -> None:
        self.pack, self.page, self.site_root = pack, page, site_root
        self.memo: dict = {}


def classify_image(img: Image, ictx: ImageContext) -> tuple[str, str]:
    """('logo' | 'lookalike' | 'other', the text or URL that decided)."""
    spec = ictx.pack.logo
    texts = [t[:PATTERN_INPUT_LIMIT] for t in img.texts]
    for text, clipped in zip(img.texts, texts):
        if any(p.search(clipped) for p in spec.text_patterns):
            return "logo", text
    for url in img.urls:
        part = url_part(url)
        if any(p.search(part) for p in spec.file_patterns):
            return "logo", url
    for text, clipped in zip(img.texts, texts):
        if any(p.search(clipped) for p in spec.not_patterns):
            return "lookalike", text
    for url in img.urls:
        if any(p.search(url_part(url)) for p in spec.not_patterns):
            return "lookalike", url
    if spec.reference_images:
        hit = reference_match(img, ictx)
        if hit:
            return "logo", hit
    return "other", ""
