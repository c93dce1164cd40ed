"""The shared checker as it travels to executor workers: the rule pack and the originals, rebuilt once per process."""
from __future__ import annotations

import hashlib
import os
import tempfile
import threading
from pathlib import Path
from typing import Optional, Sequence

__all__ = ["ShippedChecker"]


class ShippedChecker:
    """The rule pack and the originals as they travel to workers; the Checker is rebuilt once per process.

    Why not ship the Checker itself: a small OriginalIndex holds word shingles as Python `hash()` values,
    salted per process (PYTHONHASHSEED), so it would match nothing in a worker; rebuilding it takes
    milliseconds. A large one (an archive) is saved by the client under the cache directory, keyed by
    the originals' texts (checker/shingle_index.py): a worker on the same machine memory-maps that file
    (the processes share its pages) instead of building it; elsewhere the first worker builds and saves it.
    The pack's reference logo images travel as bytes: a worker machine may have the pack elsewhere.
    """

    def __init__(self, pack, originals: Sequence, *, forced: Optional[str] = None, checker=None):
        self.pack = pack
        self.originals = tuple(originals)
        self.forced = forced
        self.images: dict[str, bytes] = {}
        for p in pack.logo.reference_images:
            try:
                self.images[str(p)] = Path(p).read_bytes()
            except OSError:
                pass  # unreadable on the client too: the check treats it the same way on both sides
        # The client's Checker settings other than the index (time budget, ...), applied to the rebuilt one.
        self.settings: dict = {}
        if checker is not None:
            from dataclasses import fields
            self.settings = {f.name: getattr(checker, f.name) for f in fields(checker)
                             if f.name not in ("pack", "index", "forced")}
        self._checker = checker  # the client's own, when it runs the work itself (local executor)
        self._lock = threading.Lock()

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state["_checker"] = None
        state.pop("_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def get(self):
        """The Checker, built on first use in this process."""
        if self._checker is None:
            with self._lock:
                if self._checker is None:
                    from dataclasses import replace

                    from checker.pipeline import Checker
                    built = Checker.build(self._local_pack(), self.originals, forced=self.forced)
                    self._checker = replace(built, **self.settings) if self.settings else built
        return self._checker

    def _local_pack(self):
        """The pack with reference images at paths that exist here, with the bytes the client read."""
        from dataclasses import replace

        paths, changed = [], False
        for p in self.pack.logo.reference_images:
            data = self.images.get(str(p))
            local = Path(p)
            try:
                same = data is None or (local.is_file() and local.read_bytes() == data)
            except OSError:
                same = False
            if same:
                paths.append(p)
                continue
            digest = hashlib.sha256(data).hexdigest()[:16]
            copy = Path(tempfile.gettempdir()) / f"syndicheck-pack-{os.getuid() if hasattr(os, 'getuid') else 0}" \
                / f"{digest}{local.suffix}"
            if not copy.is_file():
                copy.parent.mkdir(parents=True, exist_ok=True)
                tmp = copy.with_name(f".{copy.name}.{os.getpid()}")
                tmp.write_bytes(data)
                os.replace(tmp, copy)
            paths.append(str(copy))
            changed = True
        if not changed:
            return self.pack
        return replace(self.pack, logo=replace(self.pack.logo, reference_images=tuple(paths)))
