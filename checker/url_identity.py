"""URL identity: the one normal form of a page's URL, shared by discovery, the audit, history, waivers and reports.

Everything that compares, de-duplicates or stores URLs goes through this module, so a page found
through a sitemap, stored in the history and named in a waiver is the same page whatever its
spelling: scheme and host case, default port, trailing dot of the host, percent-escapes, dot
segments, tracking parameters, query parameter order and the fragment do not count.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

__all__ = ["normalize_url", "url_key", "host_of"]

# Parameters that only say where a click came from; the page is the same without them.
# (The union of the two lists the history and discovery used to keep apart.)
_TRACKING_EXACT = frozenset({
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid",
    "ref_src", "_ga", "_hsenc", "_hsmi",
})
_TRACKING_PREFIXES = ("utm_",)

_DEFAULT_PORTS = {"http": 80, "https": 443}

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_SUB_DELIMS = frozenset("!$&'()*+,;=")
# Characters left literal in each component (RFC 3986 section 3); everything else is percent-encoded.
_PATH_SAFE = _UNRESERVED | _SUB_DELIMS | frozenset(":@/")
# In a query key or value, "&" and "=" are separators, so a literal one must stay encoded.
_QUERY_SAFE = (_UNRESERVED | _SUB_DELIMS | frozenset(":@/?")) - frozenset("&=")
_HEX = re.compile(r"[0-9A-Fa-f]{2}")


def _normalize_escapes(text: str, safe: frozenset[str]) -> str:
    """Decode escapes of unreserved characters, upper-case the others, encode what must be encoded."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "%" and _HEX.fullmatch(text[i + 1:i + 3]):
            decoded = chr(int(text[i + 1:i + 3], 16))
            # Only unreserved characters mean the same encoded or not (RFC 3986 6.2.2.2).
            out.append(decoded if decoded in _UNRESERVED else "%" + text[i + 1:i + 3].upper())
            i += 3
            continue
        if ch == "%":
            out.append("%25")  # a stray percent sign is data, not an escape
        elif ch in safe:
            out.append(ch)
        else:
            out.append("".join(f"%{b:02X}" for b in ch.encode("utf-8")))
        i += 1
    return "".join(out)


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 5.2.4: /a/./b/../c -> /a/c."""
    if "." not in path:
        return path
    out: list[str] = []
    segments = path.split("/")
    for n, seg in enumerate(segments):
        last = n == len(segments) - 1
        if seg == ".":
            if last:
                out.append("")
        elif seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
        else:
            out.append(seg)
    result = "/".join(out)
    return result if result.startswith("/") or not path.startswith("/") else "/" + result


def _is_tracking(key: str) -> bool:
    k = key.lower()
    return k in _TRACKING_EXACT or k.startswith(_TRACKING_PREFIXES)


def _normalize_query(query: str) -> str:
    pairs: list[tuple[str, str]] = []
    for part in query.split("&"):
        if not part:
            continue
        key, eq, value = part.partition("=")
        key = _normalize_escapes(key, _QUERY_SAFE)
        # Decide on the decoded key so that utm%5Fsource is recognised too.
        if _is_tracking(_decode_unreserved(key)):
            continue
        pairs.append((key, eq + _normalize_escapes(value, _QUERY_SAFE)))
    # Sort by key only: a stable sort keeps the order of repeated keys, which some sites rely on.
    pairs.sort(key=lambda p: p[0])
    return "&".join(k + v for k, v in pairs)


def _decode_unreserved(text: str) -> str:
    return re.sub(r"%([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)), text)


def _host(hostname: str) -> str:
    host = hostname.lower().rstrip(".")
    if host.startswith("["):
        return host
    try:
        # Internationalised names in their ASCII (punycode) form, as they go over the wire.
        return host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        return _normalize_escapes(host, _UNRESERVED)


def _split(url: str):
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises ValueError for a non-numeric or out-of-range port
    except ValueError as exc:
        raise ValueError(f"invalid URL {url!r}: {exc}") from None
    return parts, port


def _netloc(scheme: str, parts, port) -> str:
    host = _host(parts.hostname or "")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"  # urlsplit strips the brackets of an IPv6 literal
    userinfo = parts.netloc.rpartition("@")[0] if "@" in parts.netloc else ""
    netloc = f"{userinfo}@{host}" if userinfo else host
    if port is not None and _DEFAULT_PORTS.get(scheme) != port:
        netloc += f":{port}"
    return netloc


def normalize_url(url: str) -> str:
    """The canonical spelling of an http(s) `url`; raises ValueError for one that cannot be parsed.

    Anything that is not an http(s) URL (a file URI, a local path, "-") is returned stripped and
    otherwise unchanged: its identity is not a web address's. Idempotent."""
    if not _is_http(url):
        return url.strip()
    parts, port = _split(url)
    scheme = parts.scheme.lower()
    netloc = _netloc(scheme, parts, port) if parts.netloc else ""
    path = _remove_dot_segments(_normalize_escapes(parts.path, _PATH_SAFE))
    if not path and netloc:
        path = "/"
    query = _normalize_query(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_key(url: str) -> str:
    """The identity under which a page is stored and compared: `normalize_url`, or the stripped text when
    it cannot be parsed (an unparseable target is still a page, with an error, and must be keyed). Never raises."""
    try:
        return normalize_url(url)
    except ValueError:
        return url.strip()


def _is_http(url: str) -> bool:
    return url.lstrip()[:8].lower().startswith(("http://", "https://"))


def host_of(url: str) -> str:
    """The politeness unit of a URL: lower-case host, plus ":port" when the port is not the default."""
    parts, port = _split(url)
    netloc = _netloc(parts.scheme.lower(), parts, port)
    return netloc.rpartition("@")[2]
