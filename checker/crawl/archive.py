"""WARC evidence: a fetched page's request and response, appended to per-run, per-host .warc.gz files."""
from __future__ import annotations

import hashlib
import http
import io
import os
import re
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional, Sequence, Union
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date
from warcio.warcwriter import WARCWriter

from checker.paths import make_dirs
from checker import __version__
from checker.models import Fetched, WarcRef
from checker.url_identity import host_of

DEFAULT_MAX_BYTES = 100 * 1024 * 1024
WARC_VERSION = "WARC/1.1"

Headers = tuple[tuple[str, str], ...]

# The body handed to us is already decoded (the fetcher undoes Content-Encoding and chunking), so headers
# that describe the wire encoding would make WARC readers decode it a second time.
_WIRE_HEADERS = frozenset({"content-encoding", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class ArchivedResponse:
    """What a WARC record pair needs: `Fetched` carries no headers, so the caller supplies them.

    `headers` are the response headers as received (or as reconstructed by `from_fetched`); `body` is
    the decoded entity body; `request_headers` are the headers sent with the GET.
    """

    url: str
    status: int
    headers: Headers
    body: bytes
    request_headers: Headers = ()
    fetched_at: Optional[datetime] = None  # when the response arrived; default: when it is written
    headers_reconstructed: bool = False

    @property
    def sha256(self) -> str:
        """Hex sha256 of the body, as the history database stores it."""
        return hashlib.sha256(self.body).hexdigest()

    @classmethod
    def from_fetched(cls, fetched: Fetched, *, user_agent: Optional[str] = None,
                     request_headers: Sequence[tuple[str, str]] = (),
                     fetched_at: Optional[datetime] = None) -> "ArchivedResponse":
        """Best effort from a Fetched: headers rebuilt from what it kept (type, charset, validators)."""
        if fetched.body is None or fetched.status_code is None:
            raise ValueError(f"{fetched.url}: nothing to archive ({fetched.error or 'no body'})")
        headers: list[tuple[str, str]] = []
        if fetched.content_type:
            ctype = fetched.content_type + (f"; charset={fetched.charset}" if fetched.charset else "")
            headers.append(("Content-Type", ctype))
        if fetched.etag:
            headers.append(("ETag", fetched.etag))
        if fetched.last_modified:
            headers.append(("Last-Modified", fetched.last_modified))
        req = list(request_headers)
        if user_agent and not any(k.lower() == "user-agent" for k, _ in req):
            req.insert(0, ("User-Agent", user_agent))
        return cls(url=fetched.url, status=fetched.status_code, headers=tuple(headers), body=fetched.body,
                   request_headers=tuple(req), fetched_at=fetched_at, headers_reconstructed=True)


def safe_name(text: str, *, limit: int = 80) -> str:
    """A file-name fragment with no separators, dots-only names or other surprises: [a-z0-9._-] only."""
    cleaned = re.sub(r"[^a-z0-9._-]+", "_", text.lower()).strip("._-")
    return cleaned[:limit] or "unknown"


def _status_line(status: int) -> str:
    try:
        return f"{status} {http.HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


class WarcWriter:
    """Appends request/response record pairs to `<directory>/syndicheck-<run>-<host>-NNNNN.warc.gz`.

    One lock serialises writes; a file past `max_bytes` is closed and the next serial number started.
    Each record pair is written in one go and flushed, so a killed run leaves whole records behind,
    and a resumed run (same run id) appends to the newest file of each host.
    """

    def __init__(self, directory: Union[str, Path], run_id: Union[str, int], *,
                 max_bytes: int = DEFAULT_MAX_BYTES, prefix: str = "syndicheck"):
        self.directory = Path(directory)
        self.run_id = safe_name(str(run_id), limit=40)
        self.prefix = safe_name(prefix, limit=20)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._serial: dict[str, int] = {}  # host -> serial number of its current file

    def _file_name(self, host: str, serial: int) -> str:
        return f"{self.prefix}-{self.run_id}-{host}-{serial:05d}.warc.gz"

    def _current_file(self, host: str) -> Path:
        serial = self._serial.get(host)
        if serial is None:
            # Resume: carry on with the newest file this run already has for the host.
            pattern = re.compile(re.escape(f"{self.prefix}-{self.run_id}-{host}-") + r"(\d{5})\.warc\.gz$")
            existing = [int(m.group(1)) for p in self.directory.glob(f"{self.prefix}-{self.run_id}-*.warc.gz")
                        if (m := pattern.match(p.name))]
            serial = max(existing, default=0)
        path = self.directory / self._file_name(host, serial)
        if path.exists() and path.stat().st_size >= self.max_bytes:
            serial += 1
            path = self.directory / self._file_name(host, serial)
        self._serial[host] = serial
        return path

    def write(self, response: ArchivedResponse) -> WarcRef:
        """Archive one page; returns the WARC file (relative to the directory) and the response record id."""
        parts = urlsplit(response.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {response.url!r}")
        # The host only: never a URL path in a file name, and nothing that could climb out of the directory.
        host = safe_name(host_of(response.url))
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION)
        when = (response.fetched_at or datetime.now(timezone.utc)).astimezone(timezone.utc)
        warc_date = datetime_to_iso_date(when.replace(tzinfo=None), use_micros=True)

        resp_headers = [(k, v) for k, v in response.headers if k.lower() not in _WIRE_HEADERS]
        resp_headers.append(("Content-Length", str(len(response.body))))
        resp_record = writer.create_warc_record(
            response.url, "response", payload=io.BytesIO(response.body), length=len(response.body),
            http_headers=StatusAndHeaders(_status_line(response.status), resp_headers, protocol="HTTP/1.1"),
            warc_headers_dict={"WARC-Date": warc_date},
        )
        if response.headers_reconstructed:
            # Tell a reader of the evidence that these headers were not captured verbatim.
            resp_record.rec_headers.add_header("WARC-Syndicheck-Headers", "reconstructed")

        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        req_headers = [("Host", parts.netloc.rpartition("@")[2])]
        req_headers += [(k, v) for k, v in response.request_headers if k.lower() != "host"]
        req_record = writer.create_warc_record(
            response.url, "request", payload=io.BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(f"GET {target} HTTP/1.1", req_headers, protocol="HTTP/1.1",
                                          is_http_request=True),
            warc_headers_dict={"WARC-Date": warc_date},
        )
        writer.write_request_response_pair(req_record, resp_record)
        record_id = resp_record.rec_headers.get_header("WARC-Record-ID")

        with self._lock:
            make_dirs(self.directory)
            path = self._current_file(host)
            # Evidence files are readable reports, never writable by others (whatever the umask).
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
            with os.fdopen(fd, "ab") as fh:
                if fh.tell() == 0:
                    fh.write(self._warcinfo(path.name))
                fh.write(buffer.getvalue())  # one write: no half-written record pair is left behind
                fh.flush()
        return WarcRef(file=path.name, record_id=record_id)

    def _warcinfo(self, filename: str) -> bytes:
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version=WARC_VERSION)
        writer.write_record(writer.create_warcinfo_record(filename, {
            "software": f"syndicheck/{__version__}",
            "format": "WARC File Format 1.1",
            "description": f"syndicheck audit run {self.run_id}: evidence of license violations",
        }))
        return buffer.getvalue()
