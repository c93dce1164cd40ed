"""Process-wide memory settings for a long audit: fewer glibc malloc arenas for its many crawl threads."""
from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import sys

log = logging.getLogger(__name__)

M_ARENA_MAX = -8  # glibc <malloc.h>
AUDIT_ARENAS = 2


def limit_malloc_arenas(arenas: int = AUDIT_ARENAS) -> bool:
    """Cap glibc's malloc arenas (as MALLOC_ARENA_MAX does, but settable after start-up); True if applied.

    glibc gives threads up to 8 arenas per core, and each keeps its own high-water mark of freed memory:
    an audit's hundred-odd host threads, all allocating response bodies and parse trees, made RSS creep up
    with the number of pages although live objects stayed constant (bench/bench_load.py). Under the GIL the
    threads gain nothing from separate arenas. Must run before the threads start; a no-op off glibc, and
    when the environment already sets MALLOC_ARENA_MAX (the operator's choice wins)."""
    if not sys.platform.startswith("linux") or "MALLOC_ARENA_MAX" in os.environ:
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    applied = mallopt(M_ARENA_MAX, arenas) == 1
    if not applied:
        log.debug("mallopt(M_ARENA_MAX, %d) refused", arenas)
    return applied
