"""Which network addresses an untrusted URL may reach (SSRF policy), checked after DNS resolution.

URLs an audit meets in partner feeds, sitemaps, start pages and redirects are chosen by other people. Left
unchecked they could make the crawler fetch http://169.254.169.254/ (cloud credentials), an admin page on the
foundation's own network or a service on the crawler's loopback. `AddressPolicy.vet(host, port)` resolves a host
once with getaddrinfo and refuses it when ANY of its addresses is forbidden; the fetcher then connects to exactly
the addresses it vetted (see fetcher._PinnedConnection), so a DNS answer that changes between check and connect
(DNS rebinding) cannot slip through.

Forbidden unless `allow_private` (crawl.allow_private_addresses): loopback, private (RFC 1918, fc00::/7),
link-local, shared (100.64.0.0/10), multicast, unspecified, reserved and other special-purpose addresses, also
when embedded in IPv6 (IPv4-mapped ::ffff:a.b.c.d, IPv4-compatible, NAT64 64:ff9b::/96, 6to4 2002::/16, Teredo).
Cloud metadata endpoints stay forbidden even with `allow_private`: no partner page lives there. Literal forms
such as http://2130706433/ or http://0177.0.0.1/ need no special parsing: getaddrinfo turns them into the
address they denote (127.0.0.1), and that address is what gets checked.

The policy applies in full to fetches marked untrusted (FetchSettings.untrusted, set for audits); the URLs a user gives
`syndicheck check` may be private or loopback, but not cloud metadata addresses, and a redirect from a public
host to a non-public one is not followed without `--allow-private-redirects` (fetcher.Fetcher._vet_redirect).
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Callable, Iterable, Optional, Union

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
Resolver = Callable[..., list]  # the signature of socket.getaddrinfo

# Every error message of a blocked fetch starts with this (robots.py tells a policy block from an outage by it).
BLOCKED_PREFIX = "blocked: "
HINT = "set crawl.allow_private_addresses to allow"

# Instance metadata services: AWS/GCP/Azure/OpenStack/DigitalOcean (169.254.169.254), AWS IPv6 (fd00:ec2::254),
# GCP IPv6 (fd20:ce::254), AWS ECS task metadata (169.254.170.2), Alibaba (100.100.100.200), Oracle
# (192.0.0.192), Azure WireServer (168.63.129.16, a public address, hence listed by name).
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "fd00:ec2::254", "fd20:ce::254", "100.100.100.200", "192.0.0.192",
    "168.63.129.16",
))

_PRIVATE = tuple(ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"))
_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class AddressBlocked(Exception):
    """A URL's host is (or resolves to) an address the policy forbids; str() is the reason for the report."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def is_blocked_error(error: Optional[str]) -> bool:
    """True when a Fetched.error says the address policy refused the request (nothing was sent)."""
    return bool(error) and error.startswith(BLOCKED_PREFIX)  # type: ignore[union-attr]


def parse_ip(text: str) -> Optional[IPAddress]:
    """'127.0.0.1', '[::1]', 'fe80::1%eth0' -> an address; None for a host name (and for forms only
    getaddrinfo understands, such as '2130706433', which are checked after resolution)."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    text = text.split("%", 1)[0]  # IPv6 zone index
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> Optional[ipaddress.IPv4Address]:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo client), if any."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in net for net in _NAT64) or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _category(ip: IPAddress) -> Optional[str]:
    """What kind of non-public address `ip` is ("a loopback address"), or None for a public one."""
    if ip.is_unspecified:
        return "an unspecified address"
    if ip.is_loopback:
        return "a loopback address"
    if ip.is_link_local:
        return "a link-local address"
    if ip.is_multicast:
        return "a multicast address"
    if any(ip in net for net in _PRIVATE if net.version == ip.version):
        return "a private address"
    if ip.version == 4 and ip in _SHARED:
        return "a shared (carrier-grade NAT) address"
    if ip.version == 6 and ip.is_site_local:
        return "a site-local address"
    if ip.is_reserved:
        return "a reserved address"
    if ip.is_private or not ip.is_global:
        return "a special-purpose (non-public) address"
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Decides which addresses untrusted URLs may reach; `vet` resolves a host and enforces it.

    allow_private: reach non-public addresses too (crawl.allow_private_addresses; the demo sets it), except the
      cloud metadata endpoints.
    allowed: networks always allowed whatever the rest says (for tests: a server on 127.0.0.2 while loopback
      stays forbidden otherwise); not exposed in the configuration.
    resolver: getaddrinfo-compatible function (tests inject one to simulate DNS answers).
    """

    allow_private: bool = False
    allowed: tuple[Network, ...] = ()
    resolver: Optional[Resolver] = field(default=None, compare=False, repr=False)  # None: socket.getaddrinfo

    @classmethod
    def build(cls, *, allow_private: bool = False, allowed: Iterable[str] = (),
              resolver: Optional[Resolver] = None) -> "AddressPolicy":
        nets = tuple(ipaddress.ip_network(a, strict=False) for a in allowed)
        return cls(allow_private=allow_private, allowed=nets, resolver=resolver)

    def verdict(self, ip: IPAddress) -> Optional[tuple[str, str]]:
        """(what `ip` is, what to do about it), e.g. ("a private address", "set … to allow"), or None if allowed."""
        if any(ip.version == net.version and ip in net for net in self.allowed):
            return None
        metadata = "never fetched"
        if ip in METADATA_ADDRESSES:
            return "a cloud metadata address", metadata
        inner = _embedded_ipv4(ip) if ip.version == 6 else None
        if inner is not None:
            if inner in METADATA_ADDRESSES:
                return f"an IPv6 address embedding {inner}, a cloud metadata address", metadata
            kind = _category(inner)
            if kind and not self.allow_private:
                return f"an IPv6 address embedding {inner}, {kind}", HINT
        if self.allow_private:
            return None
        kind = _category(ip)
        return (kind, HINT) if kind else None

    def why_forbidden(self, ip: IPAddress, host: Optional[str] = None) -> Optional[str]:
        """"10.0.0.5 is a private address (set … to allow)", or with `host` "x.example resolves to 10.0.0.5, a
        private address (…)"; None when `ip` may be reached."""
        found = self.verdict(ip)
        if found is None:
            return None
        kind, hint = found
        if host is None or parse_ip(host) == ip:
            return f"{ip} is {kind} ({hint})"
        return f"{host} resolves to {ip}, {kind} ({hint})"

    def vet(self, host: str, port: int) -> list[tuple[int, str]]:
        """Resolve `host` once; [(family, address)] to connect to, in resolver order, all of them allowed.

        Raises AddressBlocked if any resolved address is forbidden (a host that answers with one public and one
        private address is refused: the crawler must not let the resolver pick), socket.gaierror if the name
        does not resolve.
        """
        host = host.strip()
        literal = parse_ip(host)
        if literal is not None:
            why = self.why_forbidden(literal)
            if why:
                raise AddressBlocked(BLOCKED_PREFIX + why)
            family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
            return [(family, host.strip("[]"))]  # as written: keeps an IPv6 zone index
        infos = (self.resolver or socket.getaddrinfo)(host, port, socket.AF_UNSPEC, socket.SOCK_STREAM)
        out: list[tuple[int, str]] = []
        for family, _type, _proto, _canon, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            ip = parse_ip(str(sockaddr[0]))
            if ip is None:
                continue
            why = self.why_forbidden(ip, host)
            if why:
                raise AddressBlocked(BLOCKED_PREFIX + why)
            if (family, str(sockaddr[0])) not in out:
                out.append((family, str(sockaddr[0])))
        if not out:
            raise socket.gaierror(socket.EAI_NONAME, f"no IPv4 or IPv6 address for {host}")
        return out
