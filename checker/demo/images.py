"""The demo sites' images, drawn with Pillow: the licensor's logo, another organisation's logo, and photos."""
from __future__ import annotations

import hashlib
import io
from functools import lru_cache


def _dcnf_logo():
    """Red square with a white triangle, then four navy blocks (like the pack's reference logo)."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (240, 80), "white")
    d = ImageDraw.Draw(im)
    d.rectangle([0, 0, 79, 79], fill=(200, 30, 40))
    d.polygon([(12, 70), (40, 12), (68, 70)], fill="white")
    for i in range(4):
        d.rectangle([96 + i * 36, 24, 120 + i * 36, 56], fill=(20, 30, 70))
    return im


def _dailycaller_logo():
    """Navy field, white "DC" bars, orange rule: a different organisation's logo."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (240, 80), (15, 35, 75))
    d = ImageDraw.Draw(im)
    d.rectangle([20, 14, 34, 62], fill="white")
    d.ellipse([20, 14, 80, 62], outline="white", width=10)
    d.arc([96, 14, 146, 62], 40, 320, fill="white", width=10)
    d.rectangle([0, 70, 239, 79], fill=(240, 130, 20))
    return im


def _photo(seed: int):
    """A "photo": a soft two-colour gradient with a horizon."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (160, 90))
    d = ImageDraw.Draw(im)
    a = ((seed * 53) % 200 + 30, (seed * 97) % 180 + 40, (seed * 31) % 160 + 60)
    b = ((seed * 17) % 120 + 20, (seed * 71) % 140 + 60, (seed * 13) % 100 + 30)
    for y in range(90):
        t = y / 89
        d.line([(0, y), (159, y)], fill=tuple(int(a[i] * (1 - t) + b[i] * t) for i in range(3)))
    d.rectangle([0, 58, 159, 60], fill=tuple(max(0, c - 40) for c in b))
    return im


_LOGOS = {"dcnf": _dcnf_logo, "dailycaller": _dailycaller_logo}


@lru_cache(maxsize=None)
def png(kind: str, width: int, height: int, seed: int = 0) -> bytes:
    """A PNG of `kind` (dcnf, dailycaller, or anything else: a photo from `seed`) at width x height."""
    im = _LOGOS[kind]() if kind in _LOGOS else _photo(seed)
    if im.size != (width, height):
        im = im.resize((width, height))
    out = io.BytesIO()
    im.save(out, "PNG", optimize=True)
    return out.getvalue()


def photo_seed(key: str) -> int:
    return int(hashlib.sha1(key.encode()).hexdigest()[:6], 16) % 997
