"""Perceptual-hash comparison of a page image with the pack's reference logos, when the image can be read locally."""
from __future__ import annotations

import base64
import io
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Optional
from urllib.parse import unquote, urljoin, urlparse

if TYPE_CHECKING:
    from ..parse import Image
    from .checks.context import CheckContext

MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_DISTANCE = 10  # of 64 bits: survives rescaling and recompression, not a different picture


def dhash(data: bytes) -> Optional[int]:
    """64-bit difference hash of an image, or None if Pillow cannot read it."""
    try:
        from PIL import Image as PILImage
    except ImportError:  # Pillow is optional: without it only names and alt text identify a logo
        return None
    try:
        with PILImage.open(io.BytesIO(data)) as im:
            im.draft("L", (64, 64))
            # Palette images with transparency go through RGBA so the transparent colour is not noise.
            base = im.convert("RGBA") if im.mode in ("P", "PA") else im
            px = base.convert("L").resize((9, 8)).tobytes()
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
    except (OSError, ValueError):
        return None
    return None


def reference_match(img: "Image", ctx: "CheckContext") -> Optional[str]:
    """A description of the match when the image looks like a reference logo."""
    refs = _reference_hashes(tuple(ctx.pack.logo.reference_images))
    if not refs:
        return None
    for url in img.urls[:4]:
        data = _read(url, ctx.page.url, ctx.site_root)
        if not data:
            continue
        h = dhash(data)
        if h is None:
            continue
        best = min(bin(h ^ r).count("1") for r in refs)
        if best <= MAX_DISTANCE:
            return f"{url} (image matches the reference logo, distance {best}/64)"
    return None
