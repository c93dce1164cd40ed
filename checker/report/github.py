"""GitHub Actions workflow commands (annotations), plus the Markdown report in the step summary."""
from __future__ import annotations

import os
import re
from typing import Optional, TextIO

from checker.models import Finding, Outcome, PageResult, Run, Severity, Status
from checker.report import markdown

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


# Other control characters (an ANSI escape copied from a page) would be interpreted by the log viewer.
_CONTROL = re.compile("[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def escape_data(s: str) -> str:
    """GitHub's escaping for a command's message; % first so the others are not double-escaped."""
    s = _CONTROL.sub("\ufffd", s)
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(s: str) -> str:
    """GitHub's escaping for a property value (file=, title=): also : and , which delimit them."""
    return escape_data(s).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, *, file: Optional[str] = None, line: Optional[int] = None,
            title: Optional[str] = None) -> str:
    props = []
    if file is not None:
        props.append(f"file={escape_property(file)}")
        if line is not None:  # without a known line the annotation is the file's, not a made-up line 1
            props.append(f"line={line}")
    if title:
        props.append(f"title={escape_property(title)}")
    return f"::{name} {','.join(props)}::{escape_data(message)}" if props else f"::{name}::{escape_data(message)}"


def _where(r: PageResult, message: str) -> str:
    # Without a file in the workspace the annotation has no anchor, so the page goes in the text.
    return message if r.path is not None else f"{r.url or r.target}: {message}"


def _finding_command(r: PageResult, f: Finding) -> Optional[str]:
    if f.outcome is Outcome.FAIL:
        name, text = _COMMAND[f.severity], f.message
    elif f.outcome is Outcome.REVIEW:
        name, text = "warning", f"review: {f.message}"
    else:
        return None
    lines = [_where(r, text)]
    for ev in f.evidence:
        seen = " ".join(x for x in (ev.selector, f"“{ev.snippet}”" if ev.snippet else "") if x)
        if seen:
            lines.append(f"found: {seen}")
    if f.fix:
        lines.append(f"fix: {f.fix}")
    return command(name, "\n".join(lines), file=_workspace_relative(r.path), line=f.line,
                   title=f"syndicheck {f.title or f.rule}")


def _commands(run: Run) -> list[str]:
    cmds = []
    for r in run.results:
        if r.status is Status.ERROR:
            text = _where(r, f"could not be checked: {r.error or 'unknown error'}")
            cmds.append(command("error", text, file=_workspace_relative(r.path), title="syndicheck fetch error"))
            continue
        cmds += [c for c in (_finding_command(r, f) for f in r.findings) if c is not None]
    return cmds


def render(run: Run, out: TextIO, *, color: bool = False) -> None:
    for c in _commands(run):
        out.write(c + "\n")
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as fh:
                markdown.render(run, fh)
        except OSError as exc:  # a missing summary must not cost the annotations already written
            out.write(command("warning", f"syndicheck could not write the step summary: {exc}") + "\n")


def _workspace_relative(path):
    """GitHub attaches annotations to repository-relative paths: strip $GITHUB_WORKSPACE from absolute ones."""
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if path and workspace and os.path.isabs(path):
        try:
            rel = os.path.relpath(path, workspace)
        except ValueError:  # another drive on Windows
            return path
        if not rel.startswith(".."):
            return rel
    return path
