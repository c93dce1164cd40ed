"""Perceptual-hash comparison of a page image with the pack's reference logos, when the image can be read locally."""
from __future__ import annotations

import base64
import io
import warnings
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional
from urllib.parse import unquote, urljoin, urlparse

from .budget import BudgetExceeded, charge

if TYPE_CHECKING:
    from .parse import Image
    from .article.images import ImageContext

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_DISTANCE = 10  # of 64 bits: survives rescaling and recompression, not a different picture
# Decompression bombs: a 20 KB PNG can declare 13,000 x 13,000 pixels (169 MP, 1 GiB decoded). The header is
# read first and an image over MAX_IMAGE_PIXELS is not decoded (not comparable); a page may have images decoded
# for at most MAX_PAGE_PIXELS in all, and each decode is charged to the page's time budget (budget.charge).
MAX_IMAGE_PIXELS = 4096 * 4096
MAX_PAGE_PIXELS = 4 * MAX_IMAGE_PIXELS
_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP", "ICO")  # what logos are published as; no other decoder runs


@lru_cache(maxsize=1)
def _pillow():  # type: ignore[no-untyped-def]
    try:
        from PIL import Image as PILImage
    except ImportError:
        return None
    return PILImage


def dhash(data: bytes, pixels: Optional[list] = None) -> Optional[int]:
    """64-bit difference hash of an image, or None if Pillow cannot read it or it is over MAX_IMAGE_PIXELS.

    `pixels`: [pixels left to decode for this page], reduced by this image's size; past it, BudgetExceeded."""
    PILImage = _pillow()
    if PILImage is None:  # Pillow is optional: without it only names and alt text identify a logo
        return None
    try:
        with warnings.catch_warnings():
            # Pillow warns on stderr about images over 89 MP as it opens them; we refuse far smaller ones ourselves.
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            with PILImage.open(io.BytesIO(data), formats=_FORMATS) as im:  # reads the header only
                width, height = im.size
                if width * height > MAX_IMAGE_PIXELS:
                    return None  # a bomb, or no logo: never decoded
                if pixels is not None:
                    if width * height > pixels[0]:
                        raise BudgetExceeded(f"page too complex to check: its images hold more than "
                                             f"{MAX_PAGE_PIXELS:,} pixels to compare with the reference logo")
                    pixels[0] -= width * height
                charge()
                im.draft("L", (64, 64))
                # Palette images with transparency go through RGBA so the transparent colour is not noise.
                base = im.convert("RGBA") if im.mode in ("P", "PA") else im
                px = base.convert("L").resize((9, 8)).tobytes()
    except BudgetExceeded:
        raise
    except Exception:  # any undecodable image is simply not comparable
        return None
    value = 0
    for row in range(8):
        for col in range(8):
            value = (value << 1) | (px[row * 9 + col] > px[row * 9 + col + 1])
    return value


@lru_cache(maxsize=64)
def _reference_hashes(paths: tuple) -> tuple:
    out = []
    for p in paths:
        h = dhash(Path(p).read_bytes())
        if h is not None:
            out.append(h)
    return tuple(out)


def _read(url: str, page_url: str, site_root: Optional[str] = None) -> Optional[bytes]:
    """Image bytes from a data: URI or a file of a local page's site; remote images are not fetched.

    A root-relative path ("/img/logo.png", as most site generators write) is looked up under
    `site_root`, never above it; without a site root it cannot be found on disk."""
    if url.startswith("data:"):
        header, _, payload = url.partition(",")
        try:
            return base64.b64decode(payload) if ";base64" in header else unquote(payload).encode("latin-1")
        except (ValueError, UnicodeEncodeError):
            return None
    # Only a local page's own files: a fetched page naming file:///etc/... must not make us read the disk.
    if not page_url.lower().startswith("file:"):
        return None
    if site_root and url.startswith("/") and not url.startswith("//"):
        return _read_under(Path(site_root), unquote(urlparse(url).path))
    try:
        parsed = urlparse(urljoin(page_url, url))
    except ValueError:  # not a URL ("http://[")
        return None
    if parsed.scheme != "file":
        return None
    path = Path(unquote(parsed.path))
    try:
        if path.is_file() and path.stat().st_size <= MAX_IMAGE_BYTES:
            return path.read_bytes()
    except OSError:
        return None
    return None


def _read_under(root: Path, path: str) -> Optional[bytes]:
    try:
        base = root.resolve()
        target = (base / path.lstrip("/")).resolve()
        if target != base and base not in target.parents:  # "/../../etc/x" stays inside the site
            return None
        if target.is_file() and target.stat().st_size <= MAX_IMAGE_BYTES:
            return target.read_bytes()
    except (OSError, ValueError, RuntimeError):  # RuntimeError: a symlink loop, on Python before 3.13
        return None
    return None


def reference_match(img: "Image", ctx: "ImageContext") -> Optional[str]:
    """A description of the match when the image looks like a reference logo."""
    refs = _reference_hashes(tuple(ctx.pack.logo.reference_images))
    if not refs:
        return None
    pixels = ctx.memo.setdefault("logo_image_pixels", [MAX_PAGE_PIXELS])  # shared by the page's images
    for url in img.urls[:4]:
        charge()
        data = _read(url, ctx.page.url, ctx.site_root)
        if not data:
            continue
        h = dhash(data, pixels)
        if h is None:
            continue
        best = min(bin(h ^ r).count("1") for r in refs)
        if best <= MAX_DISTANCE:
            return f"{url} (image matches the reference logo, distance {best}/64)"
    return None
