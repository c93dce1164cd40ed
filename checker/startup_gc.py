"""Python's cyclic garbage collector paused while the command line starts (issue 14, quick starts).

Start-up makes tens of thousands of objects that live until the process ends: modules, classes, compiled
regular expressions, the rule pack, the originals and their index. The collector looks at new objects every
700 allocations and moves the survivors on to be looked at again; none of these is garbage, and in
`syndicheck check one.html --originals m.json` (100 originals) that was ~15 ms of ~0.25 s of CPU. So
`python -m checker` / `syndicheck` pauses it before importing the command line, and a command resumes it
once its set-up is done: what exists then is frozen (`gc.freeze()`: never examined again) and the collector
runs as usual for the pages, whose parse trees (parent <-> child) are cycles that need it.

What the collector would have freed during start-up (cyclic garbage made while importing or loading: an
exception's traceback, a parser's scratch) is frozen with the rest and stays until exit; start-up is short
and bounded, so that is a little memory, not a growing leak. Library callers (checker.api) never pause it."""
from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Pause the collector for the start-up (a no-op when it is off already: someone else's choice)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Start-up is over: freeze what exists and collect from here on. A no-op unless pause() paused it."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
