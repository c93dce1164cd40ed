"""A fault-injection HTTP server for tests: one raw-socket HTTP/1.1 server per loopback address, each path a fault.

Raw sockets rather than http.server, so that a response can break HTTP on purpose: reset the connection halfway,
drip its status line, never end. Every response carries `Connection: close`; every connection has its own
daemon thread; `stop()` closes the listening socket and every open connection, which also ends the handlers that
stall or drip. Nothing is allocated per byte sent (bodies are cut from one shared buffer), so the server adds
next to nothing to a tracemalloc measurement of the client in the same process.

Paths (GET):

  /ok/<anything>           200 text/html, the page set with `pages[path]`, else a small HTML page naming the path
  /reset                   200, Content-Length 100000, 2000 bytes, then TCP RST
  /reset-early             TCP RST before any response
  /drip                    200, Content-Length 1000, one body byte a second
  /drip-headers            the status line and headers one byte a second (each byte well within read_timeout)
  /stall                   accepts the request, never answers
  /endless                 200 without Content-Length, body never ends (as fast as the client reads)
  /endless-slow            200 without Content-Length, 1 KiB every 0.1 s forever
  /retry-after/<key>/<n>/<secs>   429 with Retry-After: <secs> for the first <n> requests of <key>, then 200
  /burst/<key>/<n>         503 for the first <n> requests of <key>, then 200
  /loop/a, /loop/b         redirect to each other
  /chain/<i>               redirect to /chain/<i+1>, forever
  /to-scheme/<name>        302 to ftp://…, file:///etc/passwd, javascript:alert(1), data:…, gopher://…
  /redirect?to=<url>       302 to <url> (SSRF tests)
  /gzip-bomb               200 text/html, Content-Encoding gzip, 1 GiB of zeros in ~1 MB, no Content-Length
  /charset/lying           header charset=utf-8, body cp1252 bytes (`pages` can serve any body under any header)
  /charset/bogus           header charset=x-no-such-charset
  /big                     200 text/html, Content-Length 50 MiB, 50 MiB body
  /big-chunked             200 text/html, chunked, 50 MiB body
  /binary                  PNG bytes served as text/html
  /binary-noise            bytes with NULs served as text/html
  /robots.txt              per `robots` mode: "ok" (allow all), "500", "stall", "drip", "missing" (404), or any
                           other text: served as the robots.txt body ("User-agent: *\nCrawl-delay: 86400\n")
  /set-cookie/<name>       200 HTML setting cookie <name> (120 bytes); answers 431 when the request's Cookie
                           header is over 8 KiB, as many servers do
  any path in `raw`        the bytes given, sent verbatim (a status line, headers and body that break HTTP or
                           carry escape sequences); a list is served in turn, its last response repeating
"""
from __future__ import annotations

import socket
import struct
import threading
import time
import zlib
from typing import Optional
from urllib.parse import parse_qs, unquote, urlsplit

_ZEROS = bytes(64 * 1024)
_FILLER = (b"<p>" + b"lorem ipsum dolor sit amet " * 2427 + b"</p>\n")[: 64 * 1024]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 8

SCHEME_TARGETS = {
    "ftp": "ftp://127.0.0.1/pub/story.html",
    "file": "file:///etc/passwd",
    "javascript": "javascript:alert(document.cookie)",
    "data": "data:text/html,<script>alert(1)</script>",
    "gopher": "gopher://127.0.0.1:25/_HELO",
}


def gzip_bomb(inflated: int = 1 << 30, block: int = 1 << 20) -> bytes:
    """A single-member gzip stream of `inflated` zero bytes (1 GiB -> about 1 MB), made without holding the
    inflated data: one `block` of zeros is deflated once with a full flush, which resets the compressor, so
    every further block compresses to the very same bytes and is repeated; the CRC is computed block by block."""
    count = inflated // block
    assert count * block == inflated
    zeros = bytes(block)
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate: the gzip framing is written here
    first = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    again = deflater.compress(zeros) + deflater.flush(zlib.Z_FULL_FLUSH)
    assert first == again, "a full flush must make every block compress alike"
    tail = deflater.flush(zlib.Z_FINISH)
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # magic, deflate, no flags, mtime 0, max compression
    return header + first * count + tail + struct.pack("<II", crc, inflated & 0xFFFFFFFF)


class _Closed(Exception):
    """The client went away (or the server is stopping): end the handler quietly."""


class FaultServer:
    """One loopback address: `FaultServer("127.0.0.2").start()`; `url("/drip")`; `stop()`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, *, robots: str = "ok",
                 bomb: Optional[bytes] = None):
        self.host = host
        self.robots = robots
        self.pages: dict[str, tuple[bytes, str]] = {}  # path -> (body, content type header)
        self.raw: dict[str, list[bytes]] = {}  # path -> whole responses, sent verbatim in turn
        self.hits: list[tuple[float, str, dict]] = []  # (monotonic time, path, request headers)
        self.counters: dict[str, int] = {}
        self._bomb = bomb
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._conns: set[socket.socket] = set()
        self._listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, port))
        self._listener.listen(128)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept_loop, name=f"faultserver-{host}", daemon=True)

    # ------------------------------------------------------------------------------------ life cycle

    def start(self) -> "FaultServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            _abort(conn)

    def __enter__(self) -> "FaultServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        with self._lock:
            return [p for _, p, _ in self.hits]

    def reset(self) -> None:
        with self._lock:
            self.hits.clear()
            self.counters.clear()
        self.pages.clear()
        self.raw.clear()
        self.robots = "ok"

    # ------------------------------------------------------------------------------------ plumbing

    def _accept_loop(self) -> None:
        self._listener.settimeout(0.1)  # closing a socket does not wake accept(): poll the stop flag instead
        while not self._stopping.is_set():
            try:
                conn, _addr = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            conn.settimeout(None)
            with self._lock:
                self._conns.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(30)
            request = _read_request(conn)
            if request is None:
                return
            method, target, headers = request
            path = urlsplit(target).path
            with self._lock:
                self.hits.append((time.monotonic(), path, headers))
            self._dispatch(conn, target, headers)
        except (_Closed, OSError):
            pass
        finally:
            with self._lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def _count(self, key: str) -> int:
        with self._lock:
            self.counters[key] = self.counters.get(key, 0) + 1
            return self.counters[key]

    def _sleep(self, seconds: float) -> None:
        if self._stopping.wait(seconds):
            raise _Closed()

    def _send(self, conn: socket.socket, data: bytes) -> None:
        if self._stopping.is_set():
            raise _Closed()
        conn.sendall(data)

    def _respond(self, conn: socket.socket, status: str, body: bytes = b"", content_type: str = "text/html",
                 headers: tuple[tuple[str, str], ...] = ()) -> None:
        head = [f"HTTP/1.1 {status}", f"Content-Type: {content_type}", f"Content-Length: {len(body)}",
                "Connection: close", *(f"{k}: {v}" for k, v in headers)]
        self._send(conn, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)

    def _redirect(self, conn: socket.socket, location: str, status: str = "302 Found") -> None:
        self._respond(conn, status, b"", headers=(("Location", location),))

    def _head(self, conn: socket.socket, status: str, *lines: str) -> None:
        self._send(conn, ("\r\n".join([f"HTTP/1.1 {status}", *lines, "Connection: close"]) + "\r\n\r\n").encode())

    # ------------------------------------------------------------------------------------ faults

    def _dispatch(self, conn: socket.socket, target: str, headers: dict) -> None:
        parts = urlsplit(target)
        path = parts.path
        segs = [unquote(s) for s in path.strip("/").split("/")]
        if path == "/robots.txt":
            return self._robots(conn)
        if path in self.pages:
            body, ctype = self.pages[path]
            return self._respond(conn, "200 OK", body, ctype)
        if path in self.raw:
            responses = self.raw[path]
            return self._send(conn, responses[min(self._count("raw" + path), len(responses)) - 1])
        head = segs[0]
        if head == "set-cookie" and len(segs) == 2:
            if len(headers.get("cookie", "")) > 8192:
                return self._respond(conn, "431 Request Header Fields Too Large", b"", "text/plain")
            body = f"<html><body><p>cookie {segs[1]}</p></body></html>".encode()
            return self._respond(conn, "200 OK", body, headers=(("Set-Cookie", f"{segs[1]}={'v' * 120}; Path=/"),))
        if head == "ok":
            body = f"<!doctype html><html><head><title>{path}</title></head><body><p>page {path}</p></body></html>"
            return self._respond(conn, "200 OK", body.encode(), "text/html; charset=utf-8")
        if head == "reset":
            self._head(conn, "200 OK", "Content-Type: text/html", "Content-Length: 100000")
            self._send(conn, _FILLER[:2000])
            time.sleep(0.05)  # let the client read what came before the reset
            return _abort(conn)
        if head == "reset-early":
            return _abort(conn)
        if head == "drip":
            self._head(conn, "200 OK", "Content-Type: text/html", "Content-Length: 1000")
            for i in range(1000):
                self._send(conn, b"p")
                self._sleep(1.0)
            return None
        if head == "drip-headers":
            for byte in b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 1000:
                self._send(conn, bytes([byte]))
                self._sleep(1.0)
            return None
        if head == "stall":
            return self._sleep(3600)
        if head == "endless":
            self._head(conn, "200 OK", "Content-Type: text/html")
            view = memoryview(_FILLER)
            while True:
                self._send(conn, view)
        if head == "endless-slow":
            self._head(conn, "200 OK", "Content-Type: text/html")
            view = memoryview(_FILLER)[:1024]
            while True:
                self._send(conn, view)
                self._sleep(0.1)
        if head == "retry-after" and len(segs) == 4:
            key, n, secs = segs[1], int(segs[2]), segs[3]
            if self._count("retry-after/" + key) <= n:
                return self._respond(conn, "429 Too Many Requests", b"slow down", "text/plain",
                                     (("Retry-After", secs),))
            return self._respond(conn, "200 OK", f"<html><body>finally {key}</body></html>".encode())
        if head == "burst" and len(segs) == 3:
            key, n = segs[1], int(segs[2])
            if self._count("burst/" + key) <= n:
                return self._respond(conn, "503 Service Unavailable", b"busy", "text/plain")
            return self._respond(conn, "200 OK", f"<html><body>after the burst {key}</body></html>".encode())
        if head == "loop":
            return self._redirect(conn, "/loop/b" if segs[-1] == "a" else "/loop/a")
        if head == "chain" and len(segs) == 2:
            return self._redirect(conn, f"/chain/{int(segs[1]) + 1}")
        if head == "to-scheme" and len(segs) == 2 and segs[1] in SCHEME_TARGETS:
            return self._redirect(conn, SCHEME_TARGETS[segs[1]])
        if head == "redirect":
            to = parse_qs(parts.query).get("to", ["/"])[0]
            return self._redirect(conn, to)
        if head == "gzip-bomb":
            bomb = self._bomb if self._bomb is not None else gzip_bomb()
            self._head(conn, "200 OK", "Content-Type: text/html", "Content-Encoding: gzip")
            view = memoryview(bomb)
            for start in range(0, len(view), 64 * 1024):
                self._send(conn, view[start:start + 64 * 1024])
            return None
        if head == "charset" and len(segs) == 2:
            body = "<!doctype html><html><body><p>\u201cCaf\u00e9\u201d \u2013 na\u00efve</p></body></html>".encode(
                "cp1252")
            label = {"lying": "utf-8", "bogus": "x-no-such-charset"}.get(segs[1], segs[1])
            return self._respond(conn, "200 OK", body, f"text/html; charset={label}")
        if head == "big":
            size = 50 * 1024 * 1024
            self._head(conn, "200 OK", "Content-Type: text/html", f"Content-Length: {size}")
            return self._stream(conn, size, chunked=False)
        if head == "big-chunked":
            self._head(conn, "200 OK", "Content-Type: text/html", "Transfer-Encoding: chunked")
            return self._stream(conn, 50 * 1024 * 1024, chunked=True)
        if head == "binary":
            return self._respond(conn, "200 OK", PNG, "text/html")
        if head == "binary-noise":
            return self._respond(conn, "200 OK", b"<html>" + bytes(range(256)) * 64, "text/html")
        return self._respond(conn, "404 Not Found", b"not here", "text/plain")

    def _stream(self, conn: socket.socket, size: int, *, chunked: bool) -> None:
        view = memoryview(_FILLER)
        sent = 0
        while sent < size:
            n = min(len(view), size - sent)
            if chunked:
                self._send(conn, f"{n:x}\r\n".encode())
            self._send(conn, view[:n])
            if chunked:
                self._send(conn, b"\r\n")
            sent += n
        if chunked:
            self._send(conn, b"0\r\n\r\n")

    def _robots(self, conn: socket.socket) -> None:
        mode = self.robots
        if mode == "500":
            return self._respond(conn, "500 Internal Server Error", b"oops", "text/plain")
        if mode == "stall":
            return self._sleep(3600)
        if mode == "drip":
            return self._dispatch(conn, "/drip-headers", {})
        if mode == "missing":
            return self._respond(conn, "404 Not Found", b"", "text/plain")
        if mode != "ok":
            return self._respond(conn, "200 OK", mode.encode("latin-1"), "text/plain")
        return self._respond(conn, "200 OK", b"User-agent: *\nDisallow: /private/\n", "text/plain")


def _abort(conn: socket.socket) -> None:
    """Close with a TCP RST (SO_LINGER 0) instead of an orderly FIN."""
    try:
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    except OSError:
        pass
    try:
        conn.close()
    except OSError:
        pass


def _read_request(conn: socket.socket) -> Optional[tuple[str, str, dict]]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return None
        data += chunk
        if len(data) > 65536:
            return None
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    lines = head.split("\r\n")
    try:
        method, target, _version = lines[0].split(" ", 2)
    except ValueError:
        return None
    headers = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        headers[key.strip().lower()] = value.strip()
    return method, target, headers


def free_port(host: str = "127.0.0.1") -> int:
    """A port nothing listens on (bound, then released): connecting to it is refused."""
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]



# ---------------------------------------------------------------------------------------------- TLS


def make_certificate(directory, *names: str) -> Optional[tuple[str, str]]:
    """A self-signed certificate (and key) for DNS names and IP addresses, made with the openssl command;
    None when there is no openssl. Trust it with REQUESTS_CA_BUNDLE=<cert> (that variable overrides
    session.verify)."""
    import ipaddress
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("openssl") is None:
        return None
    cert, key = Path(directory) / "cert.pem", Path(directory) / "key.pem"

    def san(name: str) -> str:
        try:
            ipaddress.ip_address(name)
            return f"IP:{name}"
        except ValueError:
            return f"DNS:{name}"

    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={names[0]}",
                    "-addext", "subjectAltName=" + ",".join(san(n) for n in names)], check=True,
                   capture_output=True)
    return str(cert), str(key)


class TLSServer:
    """A small HTTPS server on a loopback address: answers every GET with a short HTML page, and records the
    SNI name and Host header of each request (`sni`, `hosts`)."""

    def __init__(self, host: str, cert: str, key: str):
        import http.server
        import ssl

        self.sni: list[Optional[str]] = []
        self.hosts: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                outer.hosts.append(self.headers.get("Host", ""))
                body = b"<!doctype html><html><body><p>over tls</p></body></html>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda sock, name, ctx: self.sni.append(name)
        self.host = host
        self._server = http.server.ThreadingHTTPServer((host, 0), Handler)
        self._server.daemon_threads = True
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "TLSServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class DripRelay:
    """A TCP relay on `host` to `target`: what the client sends goes through at once, what the server answers
    comes back one byte every `interval` seconds (a TLS handshake dripped below any socket timeout)."""

    def __init__(self, host: str, target: tuple[str, int], interval: float):
        self.target, self.interval = target, interval
        self._stopping = threading.Event()
        self._listener = socket.socket()
        self._listener.bind((host, 0))
        self._listener.listen(16)
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]
        self._socks: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> "DripRelay":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
        for s in self._socks:
            _abort(s)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            client.settimeout(None)
            upstream = socket.create_connection(self.target)
            self._socks += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream, 0.0), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, self.interval), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, interval: float) -> None:
        try:
            while not self._stopping.is_set():
                data = src.recv(4096)
                if not data:
                    return
                if not interval:
                    dst.sendall(data)
                    continue
                for i in range(len(data)):
                    dst.sendall(data[i:i + 1])
                    if self._stopping.wait(interval):
                        return
        except OSError:
            return
