"""Parsed manifests saved by their bytes: a later run over the same archive manifest skips the parse."""
from __future__ import annotations

import hashlib
import logging
import marshal
import os
import sys
from pathlib import Path
from typing import Callable, Optional

from .models import Original
from .text_digest import remember, texts_digest

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
# Smaller manifests parse in less time than hashing and reading a cache file takes.
MIN_BYTES = 4 * 1024 * 1024
KEEP_FILES = 4
_FIELDS = 6  # id, url, title, authors, published, text


def load(path: Path, cache_dir: Optional[Path], parse: Callable[[], list[Original]]) -> list[Original]:
    """parse()'s originals for the manifest at `path`, from `<cache dir>/originals/` when the same bytes were
    parsed before. Only a manifest that parsed without error is saved, so errors always come from parse()."""
    try:
        if path.stat().st_size < MIN_BYTES or os.environ.get("SYNDICHECK_INDEX_CACHE") == "off":
            return parse()
        digest = hashlib.blake2b(path.read_bytes(), digest_size=20)
    except OSError:
        return parse()  # parse() reports the unreadable file with its usual message
    digest.update(repr((FORMAT_VERSION, sys.version_info[:2])).encode())  # marshal's format is per version
    if cache_dir is None:
        from .paths import user_cache_dir
        cache_dir = user_cache_dir()
    file = Path(cache_dir) / "originals" / f"{digest.hexdigest()}.marshal"
    found = _read(file)
    if found is not None:
        return found
    originals = parse()
    _write(file, originals)
    return originals


def _read(file: Path) -> Optional[list[Original]]:
    try:
        data = file.read_bytes()
    except OSError:
        return None
    try:
        payload = marshal.loads(data)  # plain data only: marshal builds no class instances and runs nothing
        if not (isinstance(payload, tuple) and len(payload) == 2 and isinstance(payload[0], str)
                and isinstance(payload[1], list)):
            raise ValueError("not a (digest, originals) pair")
        digest, rows = payload
        out = []
        for row in rows:
            if not (isinstance(row, tuple) and len(row) == _FIELDS and all(isinstance(row[i], str) for i in (0, 1, 2, 5))
                    and isinstance(row[3], tuple) and all(isinstance(a, str) for a in row[3])
                    and (row[4] is None or isinstance(row[4], str))):
                raise ValueError("an entry of the wrong shape")
            out.append(Original(*row))
    except (ValueError, EOFError, TypeError) as exc:
        log.warning("parsed-manifest cache %s is damaged (%s); parsing the manifest again", file, exc)
        try:
            file.unlink()
        except OSError:
            pass
        return None
    try:
        os.utime(file)
    except OSError:
        pass
    remember([o.text for o in out], digest)  # the index's key then needs no second pass over the texts
    return out


def _write(file: Path, originals: list[Original]) -> None:
    rows = [(o.id, o.url, o.title, tuple(o.authors), o.published, o.text) for o in originals]
    digest = texts_digest([o.text for o in originals])
    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(marshal.dumps((digest, rows)))
        os.replace(tmp, file)
    except (OSError, ValueError) as exc:
        log.warning("cannot save the parsed manifest in %s: %s", file.parent, getattr(exc, "strerror", None) or exc)
        try:
            tmp.unlink()
        except OSError:
            pass
        return
    try:
        files = sorted(file.parent.glob("*.marshal"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in files[KEEP_FILES:]:
            old.unlink()
    except OSError:
        pass
