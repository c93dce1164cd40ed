"""Report formats: one module per format, chosen by name through `render`."""
from __future__ import annotations

from typing import Callable, TextIO

from checker.models import Run
from checker.report import csv, github, html, json, junit, markdown, sarif, text

# Every format module exposes the same signature so the CLI can treat them alike;
# only `text` uses `color`.
Renderer = Callable[..., None]

FORMATS: dict[str, Renderer] = {
    "text": text.render,
    "json": json.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
    "csv": csv.render,
    "html": html.render,
    "github": github.render,
}


def render(fmt: str, run: Run, out: TextIO, *, color: bool = False) -> None:
    """Write `run` to `out` in format `fmt`; an unknown format raises ValueError."""
    try:
        renderer = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown report format {fmt!r}; valid formats: {', '.join(FORMATS)}") from None
    renderer(run, out, color=color)
