"""Report formats: one module per format, chosen by name through `render`."""
from __future__ import annotations

import importlib
from typing import Callable, TextIO

from checker.models import Run

# Every format module exposes the same signature so the CLI can treat them alike;
# only `text` uses `color`.
Renderer = Callable[..., None]

# Format name -> its module, imported when a run is written in that format: a text report needs no
# Jinja2 (html) and no XML writer (junit), and `syndicheck check` starts sooner without them.
FORMATS: dict[str, str] = {
    "text": "text",
    "json": "json",
    "junit": "junit",
    "markdown": "markdown",
    "sarif": "sarif",
    "csv": "csv",
    "html": "html",
    "github": "github",
}


def render(fmt: str, run: Run, out: TextIO, *, color: bool = False) -> None:
    """Write `run` to `out` in format `fmt`; an unknown format raises ValueError."""
    try:
        module = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; valid formats: {', '.join(FORMATS)}") from None
    renderer: Renderer = importlib.import_module(f"checker.report.{module}").render
    renderer(run, out, color=color)
