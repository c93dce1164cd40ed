"""JSON report: the schema_version 1 document of DESIGN.md."""
from __future__ import annotations

import json
from typing import TextIO

from checker.models import Run

SCHEMA_VERSION = 1
TOOL_NAME = "syndicheck"


def document(run: Run) -> dict:
    """The report as plain data; `run` (timestamps, null when unknown) is the one key beyond DESIGN.md."""
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": TOOL_NAME, "version": run.tool_version},
        "license": run.license,
        "summary": run.summary,
        "pages": [r.as_dict() for r in run.results],
        "run": {"started": run.started or None, "finished": run.finished or None},
    }


def render(run: Run, out: TextIO, *, color: bool = False) -> None:
    out.write(json.dumps(document(run), indent=2, ensure_ascii=False) + "\n")
