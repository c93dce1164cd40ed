"""The demo's audit configuration: the AuditConfig for the sample sites, and the same as commented audit.yaml."""
from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Sequence

from checker.config_types import (
    AuditConfig,
    CrawlSettings,
    EmailConfig,
    HostCrawl,
    NotificationsConfig,
    OriginalsConfig,
    PartnerConfig,
    WaiverConfig,
    WebhookConfig,
)

from .clock import demo_today
from .pages import LICENSOR, LICENSORS, PARTNERS, all_pages

if TYPE_CHECKING:
    from .sites import Site


def _bases(sites: Sequence[Site], url_for: Optional[Callable[[str], str]]) -> Callable[[str], str]:
    if url_for is not None:
        return url_for
    by_name = {s.name: s for s in sites}
    return lambda name: by_name[name].base_url


def demo_config(sites: Sequence[Site], workdir: Path, url_for: Optional[Callable[[str], str]] = None,
                *, today: Optional[date] = None) -> AuditConfig:
    """The demo's audit configuration (the same as `demo_config_yaml`, which is what a user would write).

    `sites` must have ports (DemoServers.sites), or pass the server's `url_for`. Paths live under
    `workdir`: syndicheck.db, reports/, outbox/ (dry-run notifications); `source` is workdir/audit.yaml.
    """
    today = demo_today(today)
    base = _bases(sites, url_for)
    workdir = Path(workdir)
    partners = []
    explicit: dict[str, list] = {p.site: [] for p in all_pages(today)}
    for p in all_pages(today):
        if p.listed == "urls":
            explicit[p.site].append(p.path)
    civic = base("civic-review")
    overrides = {"valley-courier": HostCrawl(timeout=5.0), "liberty-monthly": HostCrawl(max_pages=50)}
    for spec in PARTNERS:
        b = base(spec.id)
        partners.append(PartnerConfig(
            id=spec.id, name=spec.name, contacts=spec.contacts,
            feeds=tuple(b + f for f in spec.feeds), sitemaps=tuple(b + s for s in spec.sitemaps),
            urls=tuple(b + u for u in explicit.get(spec.id, [])),
            start_pages=tuple(b + s for s in spec.start_pages),
            crawl=overrides.get(spec.id, HostCrawl())))
    waivers = (
        WaiverConfig(partner="civic-review", url=civic + "/opinion/*", rule="logo",
                     reason="The opinion template cannot show partner logos until the CMS upgrade; "
                            "agreed with the editor-in-chief, who credits the DCNF in the byline meanwhile.",
                     owner="licensing@dcnf.example", expires=(today + timedelta(days=60)).isoformat()),
        WaiverConfig(partner="civic-review", url=civic + "/news/*", rule="byline",
                     reason="Byline field was broken during the Drupal 10 migration.",
                     owner="licensing@dcnf.example", expires=(today - timedelta(days=30)).isoformat()),
    )
    crawl = CrawlSettings(
        user_agent=None, concurrency=16, delay=0.2, host_concurrency=1, connect_timeout=2.0, timeout=5.0,
        deadline=10.0, max_bytes=5 * 1024 * 1024, max_redirects=5, retries=1, retry_after_cap=5.0,
        max_pages_per_partner=200, obey_robots=True, allow_private_addresses=True,
        # keyed like the crawler's politeness unit: host, plus :port when it is not the default
        hosts=((civic.split("://", 1)[1], HostCrawl(delay=0.3)),))
    config = AuditConfig(
        source=str(workdir / "audit.yaml"), license="dcnf",
        originals=OriginalsConfig(feeds=(base(LICENSOR) + "/feed.xml",), window_days=14),
        # The other licensors, each judged by its own license pack (a pack per originals source).
        more_originals=tuple(OriginalsConfig(feeds=(base(lic.id) + "/feed.xml",), window_days=14, license=lic.license)
                             for lic in LICENSORS[1:]),
        partners=tuple(partners), crawl=crawl, waivers=waivers,
        database=str(workdir / "syndicheck.db"), reports_dir=str(workdir / "reports"),
        report_formats=("html", "json", "csv", "digest"), history_runs=30,
        notifications=NotificationsConfig(
            enabled=True, dry_run_dir=str(workdir / "outbox"),
            email=EmailConfig(smtp_host="localhost", smtp_port=2525, sender="syndicheck@dcnf.example",
                              licensing_team=("licensing@dcnf.example",)),
            webhook=WebhookConfig(url=base(LICENSOR) + "/hooks/syndicheck", timeout=5.0)),
        executor="local", scheduler=None)
    lines = _waiver_lines(_yaml_text(config))
    return replace(config, waivers=tuple(replace(w, line=n) for w, n in zip(config.waivers, lines)))


def demo_config_yaml(sites: Sequence[Site], workdir: Path, url_for: Optional[Callable[[str], str]] = None,
                     *, today: Optional[date] = None) -> str:
    """`demo_config` as audit.yaml text, with comments, for the user to read (and for `--config`)."""
    return _yaml_text(demo_config(sites, workdir, url_for, today=today))


def write_demo_config(sites: Sequence[Site], workdir: Path, url_for: Optional[Callable[[str], str]] = None,
                      *, today: Optional[date] = None) -> Path:
    """Write workdir/audit.yaml and return its path."""
    path = Path(workdir) / "audit.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(demo_config_yaml(sites, workdir, url_for, today=today), encoding="utf-8")
    return path


def _q(value: object) -> str:
    """A YAML scalar: JSON is valid YAML for strings, numbers, booleans."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _list(items: Sequence[object]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _host_crawl(hc: HostCrawl) -> str:
    parts = [f"{k}: {_q(getattr(hc, k))}" for k in ("delay", "concurrency", "timeout", "max_pages")
             if getattr(hc, k) is not None]
    return "{" + ", ".join(parts) + "}"


def _originals_yaml(sources: Sequence[OriginalsConfig]) -> list[str]:
    """`originals:` as a list of sources, one per licensor, each with the pack that judges copies of it."""
    out = ["originals:                      # each licensor's recent stories, the copies we look for"]
    for o in sources:
        pack = (f"    license: {_q(o.license)}          # copies of these originals are judged by this pack"
                if o.license else "    # license: the top-level one")
        out += [
            f"  - feeds: {_list(o.feeds)}",
            f"    sitemaps: {_list(o.sitemaps)}",
            f"    manifests: {_list(o.manifests)}",
            f"    window_days: {o.window_days}              # originals published in the last two weeks",
            pack,
        ]
    return out


def _yaml_text(c: AuditConfig) -> str:
    cr, n = c.crawl, c.notifications
    out = [
        "# syndicheck demo audit: two licensors and six partner sites served on loopback by `syndicheck demo`.",
        "# Every URL points at the demo servers; ports are chosen when they start.",
        f"license: {_q(c.license)}                  # the default pack, for sources that name none",
        "",
        *_originals_yaml(c.originals_sources),
        "",
        "partners:",
    ]
    for p in c.partners:
        out += [
            f"  - id: {_q(p.id)}",
            f"    name: {_q(p.name)}",
            f"    contacts: {_list(p.contacts)}",
            f"    feeds: {_list(p.feeds)}",
            f"    sitemaps: {_list(p.sitemaps)}",
            f"    urls: {_list(p.urls)}",
            f"    start_pages: {_list(p.start_pages)}",
        ]
        if p.crawl != HostCrawl():
            out.append(f"    crawl: {_host_crawl(p.crawl)}")
    out += [
        "",
        "crawl:                          # politeness: robots.txt and its Crawl-delay always win when stricter",
    ]
    if cr.user_agent:
        out.append(f"  user_agent: {_q(cr.user_agent)}")
    for key in ("concurrency", "delay", "host_concurrency", "connect_timeout", "timeout", "deadline", "max_bytes",
                "max_redirects", "retries", "retry_after_cap", "max_pages_per_partner", "obey_robots",
                "allow_private_addresses"):
        comment = {"delay": "                       # seconds between requests to one host",
                   "allow_private_addresses": "     # the demo sites live on 127.0.0.x"}.get(key, "")
        out.append(f"  {key}: {_q(getattr(cr, key))}{comment}")
    if cr.hosts:
        out.append("  hosts:")
        for host, hc in cr.hosts:
            out.append(f"    {_q(host)}: {_host_crawl(hc)}")
    out += ["", "waivers:                        # agreed exceptions: reason, owner, expiry"]
    for w in c.waivers:
        out += [
            f"  - partner: {_q(w.partner)}",
            f"    url: {_q(w.url)}",
            f"    rule: {_q(w.rule)}",
            f"    reason: {_q(w.reason)}",
            f"    owner: {_q(w.owner)}",
            f"    expires: {_q(w.expires)}",
        ]
    out += [
        "",
        "storage:",
        f"  database: {_q(c.database)}",
        "",
        "reports:",
        f"  directory: {_q(c.reports_dir)}",
        f"  formats: {_list(c.report_formats)}",
        f"  history_runs: {c.history_runs}",
        "",
        "notifications:                  # dry run: messages are written to files, nothing is sent",
        f"  enabled: {_q(n.enabled)}",
    ]
    if n.dry_run_dir:
        out.append(f"  dry_run_dir: {_q(n.dry_run_dir)}")
    if n.email:
        e = n.email
        out += ["  email:", f"    smtp_host: {_q(e.smtp_host)}", f"    smtp_port: {e.smtp_port}",
                f"    starttls: {_q(e.starttls)}", f"    sender: {_q(e.sender)}",
                f"    licensing_team: {_list(e.licensing_team)}"]
        if e.username:
            out.append(f"    username: {_q(e.username)}")
        if e.password_env:
            out.append(f"    password_env: {_q(e.password_env)}")
    if n.webhook:
        out += ["  webhook:", f"    url: {_q(n.webhook.url)}", f"    timeout: {_q(n.webhook.timeout)}"]
        if n.webhook.secret_env:
            out.append(f"    secret_env: {_q(n.webhook.secret_env)}")
    out += ["", "executor:", f"  kind: {_q(c.executor)}"]
    if c.scheduler:
        out.append(f"  scheduler: {_q(c.scheduler)}")
    return "\n".join(out) + "\n"


def _waiver_lines(text: str) -> list[int]:
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("waivers:"))
    return [i + 1 for i, ln in enumerate(lines) if i > start and ln.startswith("  - partner:")]
