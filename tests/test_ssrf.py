"""Untrusted URLs (SSRF): an audit may not reach private, loopback, link-local, multicast, reserved, unspecified
or cloud metadata addresses, nor any scheme but http/https, unless crawl.allow_private_addresses says so.

The policy is checked after DNS resolution and on every redirect hop, and the connection is pinned to the
address that was checked. No test sends a packet beyond 127.0.0.0/8 or ::1: every socket connect is watched
(`_only_loopback`), and forbidden addresses must be refused before any connection is attempted. Servers run on
127.0.0.50-53 (.53: HTTPS); a test-only allowlist lets the policy reach 127.0.0.50 while loopback stays forbidden
otherwise.
"""
from __future__ import annotations

import ipaddress
import socket
import time
from urllib.parse import quote, urlsplit

import pytest

from checker.audit import fetch_settings
from checker.config_types import CrawlSettings
from checker.crawl.addresses import AddressBlocked, AddressPolicy, is_blocked_error
from checker.crawl.fetcher import Fetcher, FetchSettings
from checker.crawl.hostbatch import HostBatch, crawl_batch
from checker.crawl.robots import RobotsCache
from checker.models import Status
from faultserver import FaultServer, TLSServer, make_certificate

HINT = "(set crawl.allow_private_addresses to allow)"
METADATA = "a cloud metadata address (never fetched)"
ALLOWED_IP = "127.0.0.50"  # the only loopback address the test policy lets through
FORBIDDEN_IP = "127.0.0.51"  # a live server the policy must never reach
SETTINGS = dict(connect_timeout=1, read_timeout=2, deadline=3, retries=0)


# ---------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(autouse=True)
def _only_loopback(monkeypatch):
    """Fail the test on any connection attempt beyond loopback; `attempts` lists every address tried."""
    attempts: list[str] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex

    def check(address) -> None:
        host = address[0] if isinstance(address, tuple) else str(address)
        attempts.append(host)
        ip = ipaddress.ip_address(host.split("%", 1)[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        if not (ip.is_loopback or (mapped is not None and mapped.is_loopback)):
            raise AssertionError(f"connection attempted to {host}: traffic must stay on loopback")

    def connect(self, address):
        check(address)
        return real_connect(self, address)

    def connect_ex(self, address):
        check(address)
        return real_connect_ex(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy", "NO_PROXY",
                "no_proxy"):
        monkeypatch.delenv(var, raising=False)
    return attempts


@pytest.fixture(scope="module")
def _servers():
    made = {ip: FaultServer(ip).start() for ip in (ALLOWED_IP, FORBIDDEN_IP, "127.0.0.52")}
    yield made
    for s in made.values():
        s.stop()


@pytest.fixture
def allowed(_servers) -> FaultServer:
    _servers[ALLOWED_IP].reset()
    return _servers[ALLOWED_IP]


@pytest.fixture
def forbidden(_servers) -> FaultServer:
    _servers[FORBIDDEN_IP].reset()
    return _servers[FORBIDDEN_IP]


def policy_fetcher(**policy) -> Fetcher:
    """An untrusted fetcher whose policy allows 127.0.0.50 only (plus whatever `policy` adds)."""
    allowed_nets = policy.pop("allowed", (f"{ALLOWED_IP}/32",))
    return Fetcher(FetchSettings(untrusted=True, **SETTINGS), policy=AddressPolicy.build(allowed=allowed_nets,
                                                                                        **policy))


def fake_dns(answers: dict[str, list[str]], calls: list[str] | None = None):
    """A getaddrinfo that knows only `answers` (name -> addresses) and numeric hosts (2130706433), never asking
    a DNS server; records each name asked in `calls`."""
    real = socket.getaddrinfo

    def resolve(host, port, family=0, type=0, proto=0, flags=0):
        if calls is not None:
            calls.append(host)
        if host not in answers:
            return real(host, port, family, type, proto, socket.AI_NUMERICHOST)  # gaierror for any name
        out = []
        for a in answers[host]:
            fam = socket.AF_INET6 if ":" in a else socket.AF_INET
            out.append((fam, socket.SOCK_STREAM, 6, "", (a, port, 0, 0) if fam == socket.AF_INET6 else (a, port)))
        return out
    return resolve


# ---------------------------------------------------------------------------------------------- the policy itself


@pytest.mark.parametrize("address, kind", [
    ("10.0.0.5", "a private address"),
    ("172.16.3.4", "a private address"),
    ("192.168.1.1", "a private address"),
    ("127.0.0.1", "a loopback address"),
    ("127.255.255.254", "a loopback address"),
    ("169.254.1.1", "a link-local address"),
    ("100.64.0.1", "a shared (carrier-grade NAT) address"),
    ("224.0.0.1", "a multicast address"),
    ("239.255.255.250", "a multicast address"),
    ("0.0.0.0", "an unspecified address"),
    ("240.0.0.1", "a reserved address"),
    ("255.255.255.255", "a reserved address"),
    ("192.0.2.10", "a special-purpose (non-public) address"),
    ("198.18.0.1", "a special-purpose (non-public) address"),
    ("::1", "a loopback address"),
    ("::", "an unspecified address"),
    ("fd12:3456::1", "a private address"),
    ("fe80::1", "a link-local address"),
    ("ff02::1", "a multicast address"),
    ("::ffff:127.0.0.1", "an IPv6 address embedding 127.0.0.1, a loopback address"),
    ("::ffff:10.0.0.5", "an IPv6 address embedding 10.0.0.5, a private address"),
    ("64:ff9b::a00:5", "an IPv6 address embedding 10.0.0.5, a private address"),
    ("2002:c0a8:101::1", "an IPv6 address embedding 192.168.1.1, a private address"),
])
def test_non_public_addresses_are_forbidden(address, kind):
    policy = AddressPolicy()
    ip = ipaddress.ip_address(address)
    assert policy.why_forbidden(ip) == f"{ip} is {kind} {HINT}"
    assert policy.why_forbidden(ip, "intranet.example") == f"intranet.example resolves to {ip}, {kind} {HINT}"
    assert AddressPolicy(allow_private=True).why_forbidden(ip) is None


@pytest.mark.parametrize("address", ["169.254.169.254", "fd00:ec2::254", "100.100.100.200", "169.254.170.2",
                                     "fd20:ce::254", "192.0.0.192", "168.63.129.16", "::ffff:169.254.169.254"])
def test_cloud_metadata_is_forbidden_even_with_allow_private(address):
    for policy in (AddressPolicy(), AddressPolicy(allow_private=True)):
        why = policy.why_forbidden(ipaddress.ip_address(address))
        assert why is not None and why.endswith(METADATA), why


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "1.1.1.1", "2606:2800:220:1::1",
                                     "2001:4860:4860::8888"])
def test_public_addresses_are_allowed(address):
    assert AddressPolicy().why_forbidden(ipaddress.ip_address(address)) is None


def test_vet_rejects_a_name_if_any_of_its_addresses_is_forbidden():
    dns = fake_dns({"mixed.example": ["93.184.216.34", "10.0.0.5"], "public.example": ["93.184.216.34",
                                                                                        "2606:2800:220:1::1"]})
    policy = AddressPolicy(resolver=dns)
    with pytest.raises(AddressBlocked) as caught:
        policy.vet("mixed.example", 80)
    assert str(caught.value) == f"blocked: mixed.example resolves to 10.0.0.5, a private address {HINT}"
    assert policy.vet("public.example", 80) == [(socket.AF_INET, "93.184.216.34"),
                                                (socket.AF_INET6, "2606:2800:220:1::1")]
    with pytest.raises(socket.gaierror):
        policy.vet("nowhere.example", 80)


def test_allowlist_is_exact():
    policy = AddressPolicy.build(allowed=[ALLOWED_IP])
    assert policy.why_forbidden(ipaddress.ip_address(ALLOWED_IP)) is None
    assert policy.why_forbidden(ipaddress.ip_address(FORBIDDEN_IP)) == f"{FORBIDDEN_IP} is a loopback address {HINT}"


# ---------------------------------------------------------------------------------------------- literal URLs


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1/", f"127.0.0.1 is a loopback address {HINT}"),
    ("http://127.0.0.51/", f"127.0.0.51 is a loopback address {HINT}"),
    ("http://2130706433/", f"2130706433 resolves to 127.0.0.1, a loopback address {HINT}"),  # decimal
    ("http://0177.0.0.1/", f"0177.0.0.1 resolves to 127.0.0.1, a loopback address {HINT}"),  # octal
    ("http://0x7f.0.0.1/", f"0x7f.0.0.1 resolves to 127.0.0.1, a loopback address {HINT}"),  # hex
    ("http://127.1/", f"127.1 resolves to 127.0.0.1, a loopback address {HINT}"),  # short form
    ("http://0/", f"0 resolves to 0.0.0.0, an unspecified address {HINT}"),
    ("http://[::1]/", f"::1 is a loopback address {HINT}"),
    ("http://[::ffff:127.0.0.1]/", "is an IPv6 address embedding 127.0.0.1, a loopback address"),
    ("http://[::ffff:7f00:1]/", "is an IPv6 address embedding 127.0.0.1, a loopback address"),
    ("http://[::ffff:a9fe:a9fe]/latest/meta-data/", "embedding 169.254.169.254, " + METADATA),
    ("http://169.254.169.254/latest/meta-data/iam/", f"169.254.169.254 is {METADATA}"),
    ("http://[fd00:ec2::254]/latest/meta-data/", f"fd00:ec2::254 is {METADATA}"),
    ("http://100.100.100.200/latest/meta-data/", f"100.100.100.200 is {METADATA}"),
    ("https://10.0.0.5/admin", f"10.0.0.5 is a private address {HINT}"),
    ("http://192.168.1.1:8080/", f"192.168.1.1 is a private address {HINT}"),
    ("http://[fe80::1]/", f"fe80::1 is a link-local address {HINT}"),
    ("http://224.0.0.1/", f"224.0.0.1 is a multicast address {HINT}"),
    ("http://0.0.0.0:80/", f"0.0.0.0 is an unspecified address {HINT}"),
])
def test_forbidden_literal_urls_are_refused_before_connecting(url, reason, _only_loopback):
    with Fetcher(FetchSettings(untrusted=True, **SETTINGS)) as f:
        result, took = _timed(f.fetch, url)
    assert result.error is not None and result.error.startswith("blocked: ") and reason in result.error, result.error
    assert is_blocked_error(result.error)
    assert _only_loopback == []  # refused before any connect()
    assert took < 0.5


def test_host_name_resolving_to_loopback_is_refused(allowed, _only_loopback):
    with Fetcher(FetchSettings(untrusted=True, **SETTINGS)) as f:
        result = f.fetch(f"http://localhost:{allowed.port}/ok/1")
    assert result.error.startswith("blocked: localhost resolves to ")
    assert "a loopback address" in result.error and result.error.endswith(HINT)
    assert _only_loopback == [] and allowed.paths() == []


def test_host_name_resolving_to_a_private_address_is_refused(_only_loopback):
    dns = fake_dns({"intranet.partner.example": ["10.1.2.3"], "twofaced.partner.example": ["127.0.0.50", "10.1.2.3"]})
    with policy_fetcher(resolver=dns) as f:
        one = f.fetch("http://intranet.partner.example/story")
        two = f.fetch("http://twofaced.partner.example/story")
    assert one.error == f"blocked: intranet.partner.example resolves to 10.1.2.3, a private address {HINT}"
    assert two.error == f"blocked: twofaced.partner.example resolves to 10.1.2.3, a private address {HINT}"
    assert _only_loopback == []


# ---------------------------------------------------------------------------------------------- redirects


@pytest.mark.parametrize("target, reason", [
    (f"http://{FORBIDDEN_IP}:{{port}}/ok/secret", f"{FORBIDDEN_IP} is a loopback address {HINT}"),
    ("http://169.254.169.254/latest/meta-data/", f"169.254.169.254 is {METADATA}"),
    ("http://[fd00:ec2::254]/latest/meta-data/", f"fd00:ec2::254 is {METADATA}"),
    ("http://100.100.100.200/latest/meta-data/", f"100.100.100.200 is {METADATA}"),
    ("http://[::ffff:10.0.0.5]/", "embedding 10.0.0.5, a private address"),
    ("http://2130706433:{port}/ok/secret", "2130706433 resolves to 127.0.0.1, a loopback address"),
    ("http://localhost:{port}/ok/secret", "localhost resolves to"),
    ("http://internal.partner.example/", f"internal.partner.example resolves to 10.9.8.7, a private address {HINT}"),
])
def test_redirect_from_an_allowed_server_to_a_forbidden_address_is_refused(allowed, forbidden, target, reason,
                                                                           _only_loopback):
    dns = fake_dns({"internal.partner.example": ["10.9.8.7"], "localhost": ["127.0.0.1"]})
    target = target.replace("{port}", str(forbidden.port))
    start = allowed.url("/redirect?to=" + quote(target, safe=""))
    with policy_fetcher(resolver=dns) as f:
        result = f.fetch(start)
    assert result.error.startswith("blocked: ") and reason in result.error, result.error
    assert result.redirects == (target,) and result.url == target
    assert allowed.paths() == ["/redirect"] and forbidden.paths() == []
    assert set(_only_loopback) == {ALLOWED_IP}  # the first hop only


def test_every_hop_is_checked_along_a_chain(allowed, _only_loopback):
    # allowed -> allowed -> forbidden: the first two hops pass, the third is refused.
    hop2 = allowed.url("/redirect?to=" + quote("http://169.254.169.254/", safe=""))
    with policy_fetcher() as f:
        result = f.fetch(allowed.url("/redirect?to=" + quote(hop2, safe="")))
    assert result.error == f"blocked: 169.254.169.254 is {METADATA}"
    assert result.redirects == (hop2, "http://169.254.169.254/")
    assert allowed.paths() == ["/redirect", "/redirect"]


def test_allowed_redirect_still_works(allowed, _only_loopback):
    with policy_fetcher() as f:
        result = f.fetch(allowed.url("/redirect?to=/ok/landing"))
    assert result.ok and result.url == allowed.url("/ok/landing")


# ---------------------------------------------------------------------------------------------- pinning


def test_connection_is_pinned_to_the_vetted_address(allowed, monkeypatch, _only_loopback):
    """DNS rebinding: the policy's lookup says 127.0.0.50 (allowed), any later lookup would say 169.254.169.254.
    The connection must go to the address that was checked, with the host name kept for the Host header."""
    calls: list[str] = []
    vetted = fake_dns({"rebind.example": [ALLOWED_IP]}, calls)
    real = socket.getaddrinfo

    def rebound(host, *args, **kwargs):  # what a second, system lookup would answer now
        if host == "rebind.example":
            return fake_dns({"rebind.example": ["169.254.169.254"]})(host, *args, **kwargs)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    with policy_fetcher(resolver=vetted) as f:
        result = f.fetch(f"http://rebind.example:{allowed.port}/ok/pinned")
    assert result.ok, result.error
    assert calls == ["rebind.example"]  # one lookup, the one that was checked
    assert _only_loopback == [ALLOWED_IP]
    assert allowed.hits[-1][2]["host"] == f"rebind.example:{allowed.port}"


def test_each_new_connection_is_vetted_again(allowed, _only_loopback):
    answers = {"flip.example": [ALLOWED_IP]}
    with policy_fetcher(resolver=fake_dns(answers)) as f:
        first = f.fetch(f"http://flip.example:{allowed.port}/ok/1")
        answers["flip.example"] = ["169.254.169.254"]  # the name now points at the metadata service
        second = f.fetch(f"http://flip.example:{allowed.port}/ok/2")
    assert first.ok
    assert second.error == f"blocked: flip.example resolves to 169.254.169.254, {METADATA}"
    assert _only_loopback == [ALLOWED_IP]


# ---------------------------------------------------------------------------------------------- schemes


@pytest.mark.parametrize("url", ["ftp://127.0.0.50/x", "file:///etc/passwd", "javascript:alert(1)",
                                 "gopher://127.0.0.50:70/_x", "data:text/html,hi", "//127.0.0.50/x"])
def test_non_http_schemes_are_refused(url, _only_loopback):
    with policy_fetcher() as f:
        result = f.fetch(url)
    assert result.error and ("unsupported scheme" in result.error or "not an http(s) URL" in result.error)
    assert _only_loopback == []


@pytest.mark.parametrize("name", ["ftp", "file", "javascript", "gopher", "data"])
def test_redirect_to_non_http_schemes_is_refused(allowed, name, _only_loopback):
    with policy_fetcher() as f:
        result = f.fetch(allowed.url(f"/to-scheme/{name}"))
    assert result.error == f"redirect to unsupported scheme {name}:"
    assert set(_only_loopback) == {ALLOWED_IP}


# ---------------------------------------------------------------------------------------------- switches


def test_allow_private_addresses_allows_loopback_but_not_metadata(allowed, _only_loopback):
    with Fetcher(FetchSettings(untrusted=True, allow_private_addresses=True, **SETTINGS)) as f:
        ok = f.fetch(allowed.url("/ok/1"))
        meta = f.fetch(allowed.url("/redirect?to=" + quote("http://169.254.169.254/latest/", safe="")))
        named = f.fetch(f"http://localhost:{allowed.port}/ok/2")
    assert ok.ok
    assert meta.error == f"blocked: 169.254.169.254 is {METADATA}"
    # localhost may resolve to ::1 first, where nothing listens: either way it was allowed to try.
    assert named.ok or "blocked" not in (named.error or "")


def test_trusted_fetches_reach_private_addresses_but_not_metadata(allowed, _only_loopback):
    """`syndicheck check URL`: the user typed the address, loopback included (the FetchSettings default);
    cloud metadata addresses stay refused (tests/test_hostile_responses.py has the redirects)."""
    with Fetcher(FetchSettings(**SETTINGS)) as f:
        assert f.policy == AddressPolicy(allow_private=True)
        assert f.fetch("http://169.254.169.254/latest/meta-data/").error == f"blocked: 169.254.169.254 is {METADATA}"
        assert f.fetch(allowed.url("/ok/1")).ok
        assert f.fetch(f"http://2130706433:{allowed.port}/ok/2").error is not None  # 127.0.0.1: nothing listens
    assert "127.0.0.1" in _only_loopback


def test_audit_fetch_settings_enable_the_policy():
    default = fetch_settings(CrawlSettings())
    assert default.untrusted and not default.allow_private_addresses
    assert Fetcher(default).policy == AddressPolicy(allow_private=False)
    relaxed = fetch_settings(CrawlSettings(allow_private_addresses=True))
    assert relaxed.untrusted and relaxed.allow_private_addresses
    assert Fetcher(relaxed).policy == AddressPolicy(allow_private=True)


def test_proxied_requests_are_vetted_before_reaching_the_proxy(allowed, monkeypatch, _only_loopback):
    # The proxy resolves and connects for us, so the target is checked on our side first.
    monkeypatch.setenv("HTTP_PROXY", allowed.base)
    with policy_fetcher() as f:
        meta = f.fetch("http://169.254.169.254/latest/meta-data/")
        private = f.fetch("http://10.0.0.5/")
    assert meta.error == f"blocked: 169.254.169.254 is {METADATA}"
    assert private.error == f"blocked: 10.0.0.5 is a private address {HINT}"
    assert allowed.paths() == [] and _only_loopback == []


# ---------------------------------------------------------------------------------------------- robots, audit


def test_robots_of_a_forbidden_origin_reports_the_policy_reason(forbidden, _only_loopback):
    with Fetcher(FetchSettings(untrusted=True, **SETTINGS)) as f:
        urls = (forbidden.url("/ok/1"), forbidden.url("/ok/2"))
        results = list(crawl_batch(HostBatch(urlsplit(urls[0]).netloc, urls), fetcher=f, robots=RobotsCache(f),
                                   delay=0))
    for r in results:
        assert r.error == f"blocked: {FORBIDDEN_IP} is a loopback address {HINT}"
    assert forbidden.paths() == [] and _only_loopback == []


def test_audit_refuses_loopback_partners_unless_allowed(tmp_path, monkeypatch, pack, _servers, _only_loopback):
    from checker.audit import run_audit
    from checker.config import load_audit_config

    monkeypatch.setenv("SYNDICHECK_CACHE_DIR", str(tmp_path / "cache"))
    site = _servers["127.0.0.52"]
    site.reset()
    original = pack.example_original
    manifest = tmp_path / "originals.yaml"
    manifest.write_text(f"- id: o1\n  url: {original.url}\n  title: {original.title!r}\n  authors: ['A B']\n"
                        f"  published: '{time.strftime('%Y-%m-%d')}'\n  text: {original.text[:400]!r}\n",
                        encoding="utf-8")

    def audit(allow: bool, name: str):
        path = tmp_path / name / "audit.yaml"
        path.parent.mkdir()
        path.write_text(
            f"originals:\n  manifests: ['{manifest}']\n"
            "partners:\n  - id: p\n    name: P\n"
            f"    urls: ['{site.url('/ok/1')}', '{site.url('/redirect?to=http%3A%2F%2F169.254.169.254%2F')}']\n"
            f"    feeds: ['{site.url('/feed.xml')}']\n"
            f"crawl:\n  allow_private_addresses: {'true' if allow else 'false'}\n  delay: 0\n  retries: 0\n"
            "storage:\n  database: audit.db\nreports:\n  directory: reports\n", encoding="utf-8")
        return run_audit(load_audit_config(str(path)), quiet=True)

    refused = audit(False, "strict")
    assert refused.complete
    errors = {p.result.target: p.result.error for p in refused.report.pages}
    assert errors == {u: f"blocked: 127.0.0.52 is a loopback address {HINT}" for u in errors} and len(errors) == 2
    assert all(p.result.status is Status.ERROR for p in refused.report.pages)
    problems = refused.report.partners[0].errors
    assert any(e.startswith(f"feed {site.url('/feed.xml')}: blocked: 127.0.0.52 is a loopback address")
               for e in problems), problems
    assert site.paths() == [] and _only_loopback == []  # not even robots.txt was asked for

    relaxed = audit(True, "relaxed")
    by_path = {urlsplit(p.result.target).path: p.result for p in relaxed.report.pages}
    assert by_path["/ok/1"].status is Status.NOT_A_COPY
    assert by_path["/redirect"].error == f"blocked: 169.254.169.254 is {METADATA}"
    assert "/robots.txt" in site.paths() and set(_only_loopback) == {"127.0.0.52"}


def _timed(fn, *args):
    started = time.monotonic()
    result = fn(*args)
    return result, time.monotonic() - started



def test_https_is_pinned_with_sni_and_certificate_for_the_host_name(tmp_path, monkeypatch, _only_loopback):
    """Pinning changes only where the TCP connection goes: TLS still sends the host name (SNI) and checks the
    certificate against it, and the Host header still names it."""
    made = make_certificate(tmp_path, "pinned.example")
    if made is None:
        pytest.skip("no openssl command to make a test certificate")
    cert, key = made
    for var in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # they would override session.verify
        monkeypatch.setenv(var, cert)
    dns = fake_dns({"pinned.example": ["127.0.0.53"], "other.example": ["127.0.0.53"]})
    with TLSServer("127.0.0.53", cert, key) as tls, \
            policy_fetcher(resolver=dns, allowed=("127.0.0.53/32",)) as f:
        result = f.fetch(f"https://pinned.example:{tls.port}/story")
        wrong = f.fetch(f"https://other.example:{tls.port}/story")  # same address, name not in the certificate
    assert result.ok, result.error
    assert tls.sni == ["pinned.example", "other.example"]  # the second fails the certificate check
    assert tls.hosts == [f"pinned.example:{tls.port}"]
    assert wrong.error == "TLS/SSL error talking to other.example"
    assert set(_only_loopback) == {"127.0.0.53"}
