"""audit.yaml -> AuditConfig, validated strictly: unknown keys and bad values name file, line and key."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Optional, overload
from urllib.parse import urlsplit

from .config_types import (AuditConfig, CrawlSettings, EmailConfig, HostCrawl, NotificationsConfig, OriginalsConfig,
                           PartnerConfig, WaiverConfig, WebhookConfig)
from .strict_yaml import ConfigError, YamlDoc, load_path

TOP_KEYS = ("license", "originals", "partners", "crawl", "check", "waivers", "storage", "reports", "notifications",
            "executor")
CHECK_KEYS = ("time_budget", "render")
ORIGINALS_KEYS = ("feeds", "sitemaps", "manifests", "window_days", "license")
PARTNER_KEYS = ("id", "name", "contacts", "feeds", "sitemaps", "urls", "start_pages", "crawl")
HOST_KEYS = ("delay", "concurrency", "timeout", "max_pages")
CRAWL_KEYS = ("user_agent", "concurrency", "delay", "host_concurrency", "connect_timeout", "timeout", "deadline",
              "max_bytes", "max_redirects", "retries", "retry_after_cap", "max_pages_per_partner", "obey_robots",
              "trust_lastmod_days", "allow_private_addresses", "max_crawl_delay", "hosts")
WAIVER_KEYS = ("partner", "url", "rule", "reason", "owner", "expires")
STORAGE_KEYS = ("database",)
REPORTS_KEYS = ("directory", "formats", "history_runs")
from .report import AUDIT_FORMATS as REPORT_FORMATS  # noqa: E402 (the report registry: checker/report)
NOTIFY_KEYS = ("enabled", "dry_run_dir", "email", "webhook")
EMAIL_KEYS = ("smtp_host", "smtp_port", "starttls", "username", "password_env", "sender", "licensing_team")
WEBHOOK_KEYS = ("url", "timeout", "secret_env")
EXECUTOR_KEYS = ("kind", "scheduler")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _number(doc: YamlDoc, path: tuple, default, *, minimum: float = 0, integer: bool = False, positive: bool = False):
    value = doc.typed(path, int if integer else (int, float), default=default)
    if value is None:
        return None
    if value < minimum or (positive and value <= 0):
        raise doc.error(path, f"must be {'greater than' if positive else 'at least'} {minimum}")
    return value


def _one_per_host(doc: YamlDoc, path: tuple) -> int:
    value = _number(doc, path, 1, integer=True, minimum=1)
    if value != 1:  # host batches fetch one URL at a time; parallel requests to one host are not offered
        raise doc.error(path, "only 1 is supported: syndicheck keeps one request in flight per host")
    return value


@overload
def _path(base: Path, value: str) -> str: ...
@overload
def _path(base: Path, value: None) -> None: ...
def _path(base: Path, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else (base / p))


def _url_list(doc: YamlDoc, path: tuple, base: Path) -> tuple[str, ...]:
    out = []
    for i, item in enumerate(doc.str_list(path)):
        if item.startswith("@"):  # a file listing URLs, one per line
            out.append("@" + _path(base, item[1:]))
        elif re.match(r"^https?://", item, re.I):
            out.append(_fetchable(doc, path + (i,), item))
        elif "://" in item:
            raise doc.error(path + (i,), f"unsupported URL scheme in '{item}' (http and https only)")
        else:
            out.append(_path(base, item))  # a local file (manifest, URL list)
    return tuple(out)


def _fetchable(doc: YamlDoc, path: tuple, url: str) -> str:
    """`url` when it can be requested at all; a typo here is the config's error, with its line, not an internal
    error (or a failed notification) in the middle of the run."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise doc.error(path, f"invalid URL '{url}': {exc}") from None
    if not parts.hostname:
        raise doc.error(path, f"invalid URL '{url}': it has no host")
    return url


def _host_crawl(doc: YamlDoc, path: tuple) -> HostCrawl:
    if doc.get(path[:-1]).get(path[-1]) is None:
        return HostCrawl()
    doc.check_keys(path, HOST_KEYS)
    return HostCrawl(
        delay=_number(doc, path + ("delay",), None),
        concurrency=_one_per_host(doc, path + ("concurrency",)) if doc.get(path).get("concurrency") is not None else None,
        timeout=_number(doc, path + ("timeout",), None, positive=True),
        max_pages=_number(doc, path + ("max_pages",), None, integer=True, minimum=1),
    )


def load_audit_config(path: str | Path) -> AuditConfig:
    """Read and validate audit.yaml; relative paths are relative to the file."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", str(path)):  # Path() would fold "http://" into "http:/"
        raise ConfigError(str(path), None, "", "a URL, not a file: the audit's config is read from a local file "
                                                "(its relative paths are relative to it); download it first")
    path = Path(path)
    doc = load_path(path)
    if not isinstance(doc.data, dict):
        raise doc.error((), "expected a mapping (see README: audit.yaml)")
    base = path.resolve().parent
    doc.check_keys((), TOP_KEYS, required=("partners",))
    # Sections are read in this order so that a file with several mistakes reports the same one first as before.
    first, *more_originals = _originals(doc, base)
    partners = _partners(doc, base)
    crawl = _crawl(doc)
    waivers = _waivers(doc, {p.id for p in partners})
    database = _database(doc, base)
    reports_dir, formats, history_runs = _reports(doc, base)
    notifications = _notifications(doc, base)
    time_budget, render = _check(doc)
    executor, scheduler = _executor(doc)
    return AuditConfig(
        source=str(path), license=_pack_name(doc, ("license",)), originals=first,
        more_originals=tuple(more_originals),
        partners=partners, crawl=crawl, waivers=waivers, database=database, reports_dir=reports_dir,
        report_formats=formats, history_runs=history_runs, time_budget=time_budget, render=render,
        notifications=notifications, executor=executor, scheduler=scheduler)


def _originals(doc: YamlDoc, base: Path) -> tuple[OriginalsConfig, ...]:
    """originals: where the licensor's articles come from (required); a mapping, or a list of sources (one
    per licensor, each with its own `license` pack)."""
    if doc.data.get("originals") is None:
        raise doc.error((), "missing required key 'originals' (where the licensor's articles come from)")
    if not isinstance(doc.data["originals"], list):
        return (_originals_source(doc, ("originals",), base),)
    if not doc.data["originals"]:
        raise doc.error(("originals",), "list at least one originals source")
    return tuple(_originals_source(doc, ("originals", i), base) for i, _ in enumerate(doc.data["originals"]))


def _originals_source(doc: YamlDoc, o: tuple, base: Path) -> OriginalsConfig:
    doc.check_keys(o, ORIGINALS_KEYS)
    originals = OriginalsConfig(
        feeds=_url_list(doc, o + ("feeds",), base),
        sitemaps=_url_list(doc, o + ("sitemaps",), base),
        manifests=_url_list(doc, o + ("manifests",), base),
        window_days=_number(doc, o + ("window_days",), 14, integer=True, minimum=1),
        license=_pack_name(doc, o + ("license",)),
    )
    if not (originals.feeds or originals.sitemaps or originals.manifests):
        raise doc.error(o, "give at least one of feeds, sitemaps or manifests")
    return originals


def _pack_name(doc: YamlDoc, path: tuple) -> Optional[str]:
    """A source's license pack, found now so that a misspelt name is reported with its line."""
    name = doc.typed(path, str, default=None)
    if name is not None:
        from .ruleset import resolve_pack  # only when a source names a pack: keeps loading the config light

        try:
            resolve_pack(name)
        except ConfigError as exc:
            raise doc.error(path, exc.detail) from None
    return name


def _partners(doc: YamlDoc, base: Path) -> tuple[PartnerConfig, ...]:
    """partners: at least one, ids unique."""
    raw_partners = doc.typed(("partners",), list, required=True)
    if not raw_partners:
        raise doc.error(("partners",), "list at least one partner")
    seen: dict[str, Optional[int]] = {}  # id -> line of its first use
    return tuple(_partner(doc, ("partners", i), base, seen) for i, _ in enumerate(raw_partners))


def _partner(doc: YamlDoc, p: tuple, base: Path, seen: dict[str, Optional[int]]) -> PartnerConfig:
    doc.check_keys(p, PARTNER_KEYS, required=("id",))
    pid = _partner_id(doc, p + ("id",), seen)
    contacts = doc.str_list(p + ("contacts",))
    for j, c in enumerate(contacts):
        if "@" not in c:
            raise doc.error(p + ("contacts", j), f"'{c}' is not an email address")
    partner = PartnerConfig(
        id=pid, name=doc.typed(p + ("name",), str, default=pid), contacts=contacts,
        feeds=_url_list(doc, p + ("feeds",), base), sitemaps=_url_list(doc, p + ("sitemaps",), base),
        urls=_url_list(doc, p + ("urls",), base), start_pages=_url_list(doc, p + ("start_pages",), base),
        crawl=_host_crawl(doc, p + ("crawl",)),
    )
    if not (partner.feeds or partner.sitemaps or partner.urls or partner.start_pages):
        raise doc.error(p, f"partner '{pid}' has no discovery source (feeds, sitemaps, urls or start_pages)")
    return partner


def _partner_id(doc: YamlDoc, path: tuple, seen: dict[str, Optional[int]]) -> str:
    """A partner's id: a safe file and row name, not used before (`seen` records it)."""
    pid = str(doc.typed(path, (str, int), required=True))
    if not _ID.match(pid):
        raise doc.error(path, "use letters, digits, '.', '_' or '-' (it names files and database rows)")
    if pid in seen:
        raise doc.error(path, f"duplicate partner id '{pid}' (first at line {seen[pid]})")
    seen[pid] = doc.line(path)
    return pid


def _crawl(doc: YamlDoc) -> CrawlSettings:
    """crawl: politeness and limits; per-host overrides under hosts."""
    if doc.data.get("crawl") is None:
        return CrawlSettings()
    c = ("crawl",)
    doc.check_keys(c, CRAWL_KEYS)
    hosts = []
    if doc.get(c).get("hosts") is not None:
        raw_hosts = doc.typed(c + ("hosts",), dict)
        for host in raw_hosts:
            hosts.append((str(host).lower(), _host_crawl(doc, c + ("hosts", host))))
    d = CrawlSettings()
    return CrawlSettings(
        user_agent=doc.typed(c + ("user_agent",), str, default=None),
        concurrency=_number(doc, c + ("concurrency",), d.concurrency, integer=True, minimum=1),
        delay=_number(doc, c + ("delay",), d.delay),
        host_concurrency=_one_per_host(doc, c + ("host_concurrency",)),
        connect_timeout=_number(doc, c + ("connect_timeout",), d.connect_timeout, positive=True),
        timeout=_number(doc, c + ("timeout",), d.timeout, positive=True),
        deadline=_number(doc, c + ("deadline",), d.deadline, positive=True),
        max_bytes=_number(doc, c + ("max_bytes",), d.max_bytes, integer=True, minimum=1),
        max_redirects=_number(doc, c + ("max_redirects",), d.max_redirects, integer=True),
        retries=_number(doc, c + ("retries",), d.retries, integer=True),
        retry_after_cap=_number(doc, c + ("retry_after_cap",), d.retry_after_cap),
        max_pages_per_partner=_number(doc, c + ("max_pages_per_partner",), d.max_pages_per_partner, integer=True,
                                      minimum=1),
        obey_robots=doc.typed(c + ("obey_robots",), bool, default=True),
        trust_lastmod_days=_number(doc, c + ("trust_lastmod_days",), d.trust_lastmod_days),
        allow_private_addresses=doc.typed(c + ("allow_private_addresses",), bool, default=False),
        max_crawl_delay=_number(doc, c + ("max_crawl_delay",), d.max_crawl_delay, positive=True),
        hosts=tuple(hosts),
    )


def _waivers(doc: YamlDoc, partner_ids: set[str]) -> tuple[WaiverConfig, ...]:
    return tuple(_waiver(doc, ("waivers", i), partner_ids)
                 for i, _ in enumerate(doc.typed(("waivers",), list, default=[])))


def _waiver(doc: YamlDoc, w: tuple, partner_ids: set[str]) -> WaiverConfig:
    doc.check_keys(w, WAIVER_KEYS, required=("url", "reason", "owner", "expires"))
    expires = doc.typed(w + ("expires",), str, required=True)
    try:
        date.fromisoformat(expires)
    except ValueError:
        raise doc.error(w + ("expires",), f"'{expires}' is not a date (YYYY-MM-DD)") from None
    partner = doc.typed(w + ("partner",), (str, int), default=None)
    if partner is not None and str(partner) not in partner_ids:
        raise doc.error(w + ("partner",), f"no partner with id '{partner}'")
    rule = doc.typed(w + ("rule",), str, default=None)
    return WaiverConfig(
        partner=str(partner) if partner is not None else None, url=doc.typed(w + ("url",), str, required=True),
        rule=None if rule in (None, "*") else rule, reason=doc.typed(w + ("reason",), str, required=True),
        owner=doc.typed(w + ("owner",), str, required=True), expires=expires, line=doc.line(w))


def _database(doc: YamlDoc, base: Path) -> str:
    """storage: the history database (default syndicheck.db beside the file)."""
    if doc.data.get("storage") is None:
        return str(base / "syndicheck.db")
    doc.check_keys(("storage",), STORAGE_KEYS)
    return _path(base, doc.typed(("storage", "database"), str, default="syndicheck.db"))


def _reports(doc: YamlDoc, base: Path) -> tuple[str, tuple[str, ...], int]:
    """reports: directory, formats and how many runs the history charts show."""
    if doc.data.get("reports") is None:
        return str(base / "reports"), REPORT_FORMATS, 30
    doc.check_keys(("reports",), REPORTS_KEYS)
    reports_dir = _path(base, doc.typed(("reports", "directory"), str, default="reports"))
    formats = REPORT_FORMATS
    if doc.get(("reports",)).get("formats") is not None:
        formats = doc.str_list(("reports", "formats"))
        for j, f in enumerate(formats):
            if f not in REPORT_FORMATS:
                raise doc.error(("reports", "formats", j), f"unknown report format '{f}' (known: {', '.join(REPORT_FORMATS)})")
    history_runs = _number(doc, ("reports", "history_runs"), 30, integer=True, minimum=1)
    return reports_dir, tuple(formats), history_runs


def _notifications(doc: YamlDoc, base: Path) -> NotificationsConfig:
    if doc.data.get("notifications") is None:
        return NotificationsConfig()
    n = ("notifications",)
    doc.check_keys(n, NOTIFY_KEYS)
    email = _email(doc, n + ("email",)) if doc.get(n).get("email") is not None else None
    webhook = _webhook(doc, n + ("webhook",)) if doc.get(n).get("webhook") is not None else None
    return NotificationsConfig(
        enabled=doc.typed(n + ("enabled",), bool, default=False), email=email, webhook=webhook,
        dry_run_dir=_path(base, doc.typed(n + ("dry_run_dir",), str, default=None)))


def _email(doc: YamlDoc, e: tuple) -> EmailConfig:
    doc.check_keys(e, EMAIL_KEYS)
    return EmailConfig(
        smtp_host=doc.typed(e + ("smtp_host",), str, default="localhost"),
        smtp_port=_number(doc, e + ("smtp_port",), 25, integer=True, minimum=1),
        starttls=doc.typed(e + ("starttls",), bool, default=False),
        username=doc.typed(e + ("username",), str, default=None),
        password_env=doc.typed(e + ("password_env",), str, default=None),
        sender=doc.typed(e + ("sender",), str, default="syndicheck@localhost"),
        licensing_team=doc.str_list(e + ("licensing_team",)),
    )


def _webhook(doc: YamlDoc, h: tuple) -> WebhookConfig:
    doc.check_keys(h, WEBHOOK_KEYS, required=("url",))
    url = doc.typed(h + ("url",), str, required=True)
    if not re.match(r"^https?://", url):
        raise doc.error(h + ("url",), "must be an http(s) URL")
    _fetchable(doc, h + ("url",), url)
    return WebhookConfig(url, _number(doc, h + ("timeout",), 10.0, positive=True),
                         doc.typed(h + ("secret_env",), str, default=None))


def _check(doc: YamlDoc) -> tuple[Optional[float], Optional[str]]:
    """check: the per-page time budget and the render mode."""
    if doc.data.get("check") is None:
        return AuditConfig.time_budget, None
    doc.check_keys(("check",), CHECK_KEYS)
    # 0 turns the budget off (a trusted, known-good site list); the default keeps hostile pages bounded
    time_budget = _number(doc, ("check", "time_budget"), AuditConfig.time_budget) or None
    render = doc.typed(("check", "render"), str, default=None)
    if render is not None and render not in ("never", "auto", "always"):
        raise doc.error(("check", "render"), f"'{render}' is not a render mode (never, auto or always)")
    return time_budget, render


def _executor(doc: YamlDoc) -> tuple[str, Optional[str]]:
    if doc.data.get("executor") is None:
        return "local", None
    doc.check_keys(("executor",), EXECUTOR_KEYS)
    executor = doc.typed(("executor", "kind"), str, default="local")
    if executor not in ("local", "dask"):
        raise doc.error(("executor", "kind"), "must be 'local' or 'dask'")
    return executor, doc.typed(("executor", "scheduler"), str, default=None)
