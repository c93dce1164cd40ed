"""The audit configuration as frozen dataclasses (validated from audit.yaml by config.py)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from .budget import DEFAULT_TIME_BUDGET  # noqa: F401 (defined in budget, which `check` imports without this module)
from .report import AUDIT_FORMATS

# The longest robots.txt Crawl-delay obeyed: `Crawl-delay: 86400` would hold one partner's pages for a year.
DEFAULT_MAX_CRAWL_DELAY = 30.0


@dataclass(frozen=True)
class HostCrawl:
    """Per-host (or per-partner) politeness overrides; None means: use the global value."""

    delay: Optional[float] = None  # seconds between requests to one host
    concurrency: Optional[int] = None  # requests in flight to one host
    timeout: Optional[float] = None
    max_pages: Optional[int] = None


@dataclass(frozen=True)
class CrawlSettings:
    user_agent: Optional[str] = None  # default: syndicheck/<version> (+contact URL)
    concurrency: int = 16  # requests in flight across all hosts
    delay: float = 1.0  # per host, seconds between requests (robots Crawl-delay wins when larger)
    host_concurrency: int = 1
    connect_timeout: float = 10.0
    timeout: float = 20.0  # read timeout
    deadline: float = 60.0  # per response, headers to last byte
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 2
    retry_after_cap: float = 30.0
    max_pages_per_partner: int = 500
    obey_robots: bool = True
    # Trust sitemap/feed dates: a page whose <lastmod> is not newer than its last fetch is not requested
    # (its stored verdict is reused) until that fetch is this many days old. 0: every page is requested.
    trust_lastmod_days: float = 0
    allow_private_addresses: bool = False  # loopback/private/link-local targets (the demo allows them)
    max_crawl_delay: float = DEFAULT_MAX_CRAWL_DELAY  # a longer robots.txt Crawl-delay is capped to this (the host is reported as slowed)
    hosts: tuple = ()  # ((host, HostCrawl), ...)

    def for_host(self, host: str) -> HostCrawl:
        return dict(self.hosts).get(host.lower(), HostCrawl())


@dataclass(frozen=True)
class OriginalsConfig:
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    manifests: tuple[str, ...] = ()
    window_days: int = 14  # originals published within this many days are audited
    # The license pack that judges copies of this source's originals (name or path); None: the audit's `license`.
    license: Optional[str] = None


@dataclass(frozen=True)
class PartnerConfig:
    id: str
    name: str
    contacts: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()  # explicit URLs (or a file of URLs: @path)
    start_pages: tuple[str, ...] = ()  # same-site links followed one level
    crawl: HostCrawl = HostCrawl()


@dataclass(frozen=True)
class WaiverConfig:
    partner: Optional[str]  # partner id; None = any partner
    url: str  # URL glob, e.g. https://example.com/opinion/*
    rule: Optional[str]  # rule id; None = every rule
    reason: str
    owner: str
    expires: str  # ISO date (YYYY-MM-DD); the waiver stops applying after this day
    line: Optional[int] = None  # where it is declared, for reports


@dataclass(frozen=True)
class EmailConfig:
    smtp_host: str = "localhost"
    smtp_port: int = 25
    starttls: bool = False
    username: Optional[str] = None
    password_env: Optional[str] = None  # name of the environment variable holding the password
    sender: str = "syndicheck@localhost"
    licensing_team: tuple[str, ...] = ()  # receives the run summary


@dataclass(frozen=True)
class WebhookConfig:
    url: str
    timeout: float = 10.0
    secret_env: Optional[str] = None  # HMAC-SHA256 signature header when set


@dataclass(frozen=True)
class NotificationsConfig:
    enabled: bool = False
    email: Optional[EmailConfig] = None
    webhook: Optional[WebhookConfig] = None
    dry_run_dir: Optional[str] = None  # write messages here instead of sending


@dataclass(frozen=True)
class AuditConfig:
    source: str  # the config file path
    license: Optional[str] = None  # pack name or path
    originals: OriginalsConfig = OriginalsConfig()
    partners: tuple[PartnerConfig, ...] = ()
    crawl: CrawlSettings = CrawlSettings()
    waivers: tuple[WaiverConfig, ...] = ()
    database: str = "syndicheck.db"
    reports_dir: str = "reports"
    report_formats: tuple[str, ...] = AUDIT_FORMATS  # every audit format of the report registry
    history_runs: int = 30  # runs shown in the report's trend chart
    time_budget: Optional[float] = DEFAULT_TIME_BUDGET  # CPU seconds to check one page (then `review`); None: unlimited
    notifications: NotificationsConfig = NotificationsConfig()
    # check.render: never | auto | always; None: auto where a browser is installed (checker/render)
    render: Optional[str] = None
    executor: str = "local"
    scheduler: Optional[str] = None
    # Further originals sources (other licensors), each judged by its own pack (OriginalsConfig.license).
    more_originals: tuple[OriginalsConfig, ...] = ()

    @property
    def originals_sources(self) -> tuple[OriginalsConfig, ...]:
        """Every originals source, the first (`originals`) judged by `license` unless it names its own pack."""
        return (self.originals,) + self.more_originals
