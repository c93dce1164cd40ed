"""Screenshots of rendered pages: into files beside the audit's WARC evidence, and back into reports as data: URIs."""
from __future__ import annotations

import base64
import hashlib
import logging
import re
from dataclasses import replace
from pathlib import Path
from typing import Optional

from ..models import PageResult

log = logging.getLogger("syndicheck.render")

PNG_URI = re.compile(r"^data:image/png;base64,[A-Za-z0-9+/]+={0,2}$")
MAX_PICTURE = 4 * 1024 * 1024  # bytes of one stored screenshot read back into a report


def store_screenshots(result: PageResult, root: Path, subdir: str) -> PageResult:
    """Each data: URI screenshot written once to root/subdir/<sha256>.png; the evidence then names that path
    (relative to `root`, the reports directory). A picture that cannot be written is dropped with a warning."""
    findings = []
    for f in result.findings:
        evidence = []
        for ev in f.evidence:
            if ev.screenshot and PNG_URI.match(ev.screenshot):
                png = base64.b64decode(ev.screenshot.split(",", 1)[1])
                name = f"{subdir}/{hashlib.sha256(png).hexdigest()[:32]}.png"
                try:
                    path = root / name
                    path.parent.mkdir(parents=True, exist_ok=True)
                    if not path.exists():
                        path.write_bytes(png)
                    ev = replace(ev, screenshot=name)
                except OSError as exc:
                    log.warning("%s: screenshot not stored: %s", result.url, exc)
                    ev = replace(ev, screenshot=None)
            evidence.append(ev)
        findings.append(replace(f, evidence=tuple(evidence)))
    return replace(result, findings=tuple(findings))


def picture_src(value: Optional[str], root: Optional[Path] = None) -> Optional[str]:
    """A screenshot as an <img src> a self-contained report may carry: a PNG data: URI as is, a stored file
    (a relative path inside `root`) read back into one; anything else None."""
    if not value:
        return None
    if value.startswith("data:"):
        return value if PNG_URI.match(value) else None
    if root is None or not re.match(r"^[\w./-]+\.png$", value) or ".." in value.split("/"):
        return None
    path = (root / value)
    try:
        if not path.resolve().is_relative_to(root.resolve()) or path.stat().st_size > MAX_PICTURE:
            return None
        return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop, on Python before 3.13
        return None
