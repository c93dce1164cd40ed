"""Defer a third-party module's import until one of its attributes is first read."""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

_lock = threading.Lock()


class _Deferred(types.ModuleType):
    """Stands in sys.modules for a module that is imported but not yet used; the first attribute read imports it.

    Unlike importlib.util.LazyLoader (whose first use is not thread-safe before Python 3.12), the real
    module is imported once, under a lock, and then lives in sys.modules under its own name; whoever
    bound this stand-in (`import soupsieve` at the top of bs4.css) reads through it to the real module."""

    def __getattr__(self, attr: str):  # only called for what the stand-in lacks: everything the module has
        real = self.__dict__.get("_deferred_real")
        if real is None:
            with _lock:
                real = self.__dict__.get("_deferred_real")
                if real is None:
                    if sys.modules.get(self.__name__) is self:
                        del sys.modules[self.__name__]
                    real = importlib.import_module(self.__name__)
                    self.__dict__["_deferred_real"] = real
        return getattr(real, attr)


def defer_import(name: str) -> None:
    """Let `import name` succeed at once and import the module at its first use.

    A no-op when it is imported already or not installed (then `import name` raises as it would)."""
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return
    sys.modules[name] = _Deferred(name)
