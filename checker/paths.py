"""Paths the tool creates: directories made with restricted modes (evidence, reports, digests)."""
from __future__ import annotations

import os
from pathlib import Path

DIRECTORY_MODE = 0o750  # the umask can only take more away


def make_dirs(directory: Path, mode: int = DIRECTORY_MODE) -> None:
    """mkdir -p, but every directory it creates gets `mode` (Path.mkdir gives parents the default)."""
    missing = []
    while not directory.exists() and directory != directory.parent:
        missing.append(directory)
        directory = directory.parent
    for d in reversed(missing):
        try:
            os.mkdir(d, mode)
        except FileExistsError:  # made meanwhile by another process
            pass


def user_cache_dir() -> Path:
    """$SYNDICHECK_CACHE_DIR, else $XDG_CACHE_HOME/syndicheck, else ~/.cache/syndicheck."""
    if os.environ.get("SYNDICHECK_CACHE_DIR"):
        return Path(os.environ["SYNDICHECK_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "syndicheck"
