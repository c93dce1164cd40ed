"""Report formats: one registry of every format the check and the audit write, and the one way to write them."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal, TextIO

from checker.models import Run

Scope = Literal["check", "audit"]
Renderer = Callable[..., None]


@dataclass(frozen=True)
class ReportFormat:
    """One report format: what it renders, with which writer, into what kind of file."""

    name: str
    scope: Scope  # "check": a Run (`syndicheck check`); "audit": an AuditReport (`syndicheck audit`, reports.formats)
    module: str  # checker.report.<module>, imported only when a report is written in this format
    function: str  # the writer in it: (data, out: TextIO, **options) -> None
    extension: str  # of the file it writes
    streams: bool  # written page by page as the pages are read (an audit run is never held whole in memory)
    options: tuple[str, ...] = ()  # the keyword options its writer takes
    per_partner: bool = False  # one file per partner (the audit's digests)

    def writer(self) -> Renderer:
        # Imported when a run is written in this format: a text report needs no Jinja2 (html) and no XML
        # writer (junit), and `syndicheck check` starts sooner without them.
        found: Renderer = getattr(importlib.import_module(f"checker.report.{self.module}"), self.function)
        return found

    def write(self, data: Any, out: TextIO, **options: Any) -> None:
        """Render `data` to `out`; options this format's writer does not take are left out."""
        self.writer()(data, out, **{k: v for k, v in options.items() if k in self.options})


def _check(name: str, extension: str) -> ReportFormat:
    return ReportFormat(name, "check", name, "render", extension, streams=False, options=("color",))


REGISTRY: tuple[ReportFormat, ...] = (
    _check("text", ".txt"),
    _check("json", ".json"),
    _check("junit", ".xml"),
    _check("html", ".html"),
    _check("csv", ".csv"),
    _check("markdown", ".md"),
    _check("sarif", ".sarif"),
    _check("github", ".txt"),
    ReportFormat("html", "audit", "audit_html", "render_audit_html", ".html", streams=True, options=("root",)),
    ReportFormat("json", "audit", "audit_data", "render_audit_json", ".json", streams=True),
    ReportFormat("csv", "audit", "audit_data", "render_audit_csv", ".csv", streams=True),
    ReportFormat("digest", "audit", "digest", "write_digest", ".md", streams=False, options=("partner",),
                 per_partner=True),  # each partner's pages read alone, then its digest written
)
CHECK_FORMATS: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.scope == "check")
AUDIT_FORMATS: tuple[str, ...] = tuple(f.name for f in REGISTRY if f.scope == "audit")
FORMATS = CHECK_FORMATS  # the check's formats, by their historical name


def report_format(scope: Scope, name: str) -> ReportFormat:
    """The registered format; an unknown one raises ValueError naming the valid ones."""
    for fmt in REGISTRY:
        if fmt.scope == scope and fmt.name == name:
            return fmt
    valid = CHECK_FORMATS if scope == "check" else AUDIT_FORMATS
    raise ValueError(f"unknown report format {name!r}; valid formats: {', '.join(valid)}")


def render(fmt: str, run: Run, out: TextIO, *, color: bool = False) -> None:
    """Write `run` to `out` in format `fmt`; an unknown format raises ValueError."""
    report_format("check", fmt).write(run, out, color=color)


def write_report_file(fmt: ReportFormat, data: Any, path: Path, **options: Any) -> None:
    """Write one report file atomically (checker/report/files.py): the check's and the audit's files alike."""
    from checker.report.files import write_atomic

    write_atomic(path, lambda fh: fmt.write(data, fh, **options))
