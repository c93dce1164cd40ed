"""`syndicheck scan-warc`: every HTML response in WARC files (a web archive crawl, say) checked against the originals.

One WARC file is one executor task (`WarcFile`, its own lane: files run in parallel, the biggest first), so the
same executors run it: threads locally, or one dask task per file. Workers read the files themselves: on a
cluster the paths must be visible to every worker (a shared filesystem), or be fsspec URLs (s3://..., gs://...)
with the matching fsspec backend installed on the workers. Only the results travel back: by default the copies
found and the records that could not be checked, not the thousands of pages that are not copies.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import BinaryIO, Iterator, Optional, Sequence

from .crawl.executor import Executor
from .crawl.fetcher import HTML_TYPES
from .models import Fetched, PageResult, Status
from .shipped_checker import ShippedChecker

log = logging.getLogger("syndicheck.scan_warc")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class WarcFile:
    """One WARC file to scan: an executor task (checker/crawl/executor.py Task) whose lane is the file itself."""

    path: str  # absolute, or an fsspec URL
    bytes: int = 0  # the file's size when known: big files start first

    @property
    def lane(self) -> str:
        return self.path

    @property
    def seq(self) -> int:
        return 0

    @property
    def size(self) -> int:
        return self.bytes


@dataclass(frozen=True)
class WarcFileResult:
    """What scanning one WARC file gave: counts, and the results worth reporting."""

    path: str
    records: int = 0  # WARC records read
    html: int = 0  # HTML response records checked
    results: tuple[PageResult, ...] = ()  # copies and errors (every HTML page with include_all)
    error: Optional[str] = None  # the file could not be read (to the end)


def _open(path: str) -> BinaryIO:
    if "://" in path and not path.startswith("file://"):
        try:
            import fsspec
        except ImportError:
            raise OSError(f"{path}: reading URLs needs fsspec (pip install fsspec and its backend)") from None
        return fsspec.open(path, "rb").open()
    return open(path[len("file://"):] if path.startswith("file://") else path, "rb")


def _content_type(value: Optional[str]) -> tuple[Optional[str], Optional[str]]:
    if not value:
        return None, None
    parts = value.split(";")
    mime = parts[0].strip().lower() or None
    charset = None
    for p in parts[1:]:
        k, _, v = p.partition("=")
        if k.strip().lower() == "charset":
            charset = v.strip().strip('"\'').lower() or None
    return mime, charset


class WarcDamaged(ValueError):
    """The file is not a WARC file, or it ends inside a record: what it holds cannot all be read."""


class _EndWatch:
    """The file under warcio's reader; notes a gzip member still open when the file ends (a cut-off archive).

    warcio ends its iteration quietly at such a member, so without this the records in it would be lost unsaid."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.reader, self.cut, self.count = raw, None, False, 0

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.count += len(data)
        if not data and self.reader is not None:
            decompressor = getattr(self.reader, "decompressor", None)
            if decompressor is not None and not getattr(decompressor, "eof", True):
                self.cut = True
        return data

    def tell(self) -> int:
        return self.count  # bytes read so far: a pipe (/dev/stdin) cannot tell, and files are read from the start


def _whole(record, n: int) -> None:
    """Read what is left of the record's block: a block shorter than its Content-Length means the file was cut."""
    stream = record.raw_stream
    while stream.read(1 << 16):
        pass
    if getattr(stream, "limit", 0) > 0:
        uri = record.rec_headers.get_header("WARC-Target-URI") or record.rec_type
        raise WarcDamaged(f"the file ends inside record {n} ({uri}): {stream.limit} bytes of it are missing "
                          "(a truncated or partly copied archive)")


def _readable(records: Iterator) -> Iterator:
    """warcio's records; its 'unknown archive format' (which quotes the file's first line, binary noise) said short."""
    from warcio.exceptions import ArchiveLoadFailed

    n = 0
    try:
        for n, record in enumerate(records, 1):
            yield record
    except ArchiveLoadFailed as exc:
        reason = _clip(str(exc).split(",")[0]).lower()
        raise WarcDamaged(f"record {n + 1} cannot be read ({reason}): the file is damaged after record {n}" if n
                          else f"not a WARC file ({reason})") from None


def html_responses(stream: BinaryIO, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[tuple[int, Optional[Fetched]]]:
    """(record number, Fetched) for each 2xx HTML response record; (n, None) for every other record.

    gzip (per-record) or plain WARC, chunked / Content-Encoding undone by warcio; a body over `max_bytes`
    comes back as an error rather than being read into memory. A file that is not a WARC (or ARC) file, or
    that ends inside a record, raises WarcDamaged after the records before the damage: a cut-off record is
    never checked as if it were the whole page.
    """
    from warcio.archiveiterator import ArchiveIterator

    watch = _EndWatch(stream)
    records = ArchiveIterator(watch)
    watch.reader = records.reader
    n = 0
    for n, record in enumerate(_readable(records), 1):
        if n == 1 and record.format == "arc" and not str(record.rec_headers.get_header("uri") or "").startswith(
                "filedesc:"):  # warcio reads any first line as an ARC header; a real ARC file starts with filedesc:
            raise WarcDamaged("not a WARC file (its first line is not a WARC record header)")
        if record.rec_type != "response" or record.http_headers is None:
            _whole(record, n)
            yield n, None
            continue
        uri = record.rec_headers.get_header("WARC-Target-URI") or ""
        mime, charset = _content_type(record.http_headers.get_header("Content-Type"))
        try:
            status = int(record.http_headers.get_statuscode() or 0)
        except ValueError:
            status = 0
        if mime not in HTML_TYPES or not 200 <= status < 300 or not uri.startswith(("http://", "https://")):
            yield n, None
            continue
        body = record.content_stream().read(max_bytes + 1)
        if len(body) > max_bytes:
            yield n, Fetched(target=uri, url=uri, status_code=status, content_type=mime,
                             error=f"larger than the size cap ({max_bytes} bytes)")
            continue
        _whole(record, n)
        yield n, Fetched(target=uri, url=uri, body=body, content_type=mime, charset=charset, status_code=status)
    if not watch.count:
        raise WarcDamaged("empty file")
    if watch.cut:
        raise WarcDamaged(f"the file ends inside a gzip member after record {n} (a truncated or partly copied "
                          "archive): the records in it are lost")
    if n == 0:
        raise WarcDamaged("not a WARC file (it holds no record)")


def _clip(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class WarcScan:
    """The work for one WARC file: picklable, for any executor."""

    def __init__(self, checker: ShippedChecker, *, include_all: bool = False, max_bytes: int = DEFAULT_MAX_BYTES):
        self.checker, self.include_all, self.max_bytes = checker, include_all, max_bytes

    def __call__(self, task: WarcFile) -> Iterator[WarcFileResult]:
        yield self.scan(task.path)

    def scan(self, path: str) -> WarcFileResult:
        checker = self.checker.get()
        results: list[PageResult] = []
        records = html = 0
        error = None
        try:
            with _open(path) as stream:
                for records, fetched in html_responses(stream, max_bytes=self.max_bytes):
                    if fetched is None:
                        continue
                    html += 1
                    result = checker.check(fetched)
                    if self.include_all or result.status is not Status.NOT_A_COPY:
                        results.append(result)
        except WarcDamaged as exc:
            error = f"cannot read WARC file {path}: {exc}"
            results.append(PageResult(target=path, url=path, status=Status.ERROR, error=error))
        except Exception as exc:  # noqa: BLE001 - a broken archive is reported, the others still scanned
            # warcio quotes the first line of a file it cannot read: binary noise, kept short
            error = f"cannot read WARC file {path}: {type(exc).__name__}: {_clip(str(exc))}"
            results.append(PageResult(target=path, url=path, status=Status.ERROR, error=error))
        return WarcFileResult(path, records, html, tuple(results), error)


def warc_files(paths: Sequence[str]) -> list[WarcFile]:
    """One task per file; local paths made absolute (workers may run elsewhere), with their sizes."""
    tasks = []
    for path in paths:
        if "://" in path:
            tasks.append(WarcFile(path))
            continue
        full = os.path.abspath(path)
        try:
            size = os.path.getsize(full)
        except OSError:
            size = 0
        tasks.append(WarcFile(full, size))
    return tasks


def scan_warcs(paths: Sequence[str], checker: ShippedChecker, executor: Executor, *, include_all: bool = False,
               max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[WarcFileResult]:
    """Scan every file on `executor`; results per file, as files finish."""
    work = WarcScan(checker, include_all=include_all, max_bytes=max_bytes)
    # Not isfile(): a pipe (/dev/stdin, <(zcat ...)) is an archive to read too
    missing = [p for p in paths if "://" not in p and (not os.path.exists(p) or os.path.isdir(p))]
    for path in missing:
        error = f"cannot read WARC file {path}: {'is a directory' if os.path.isdir(path) else 'no such file'}"
        # The file's error names it: the CLI logs it as one line of its own (it said "warning: no such file").
        yield WarcFileResult(path, results=(PageResult(target=path, url=path, status=Status.ERROR, error=error),),
                             error=error)
    present = [p for p in paths if p not in missing]
    if present:
        yield from executor.run(warc_files(present), work)
