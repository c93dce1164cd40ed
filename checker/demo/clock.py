"""The demo's calendar: its "today", and when each original and copy was published, as datetimes and HTTP dates."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime
from typing import Optional

from .content import HARBOR_ORIGINALS, ORIGINALS, Story

_TODAY: Optional[date] = None


def demo_today(today: Optional[date] = None) -> date:
    """The demo's reference day: `today` if given, else the UTC date at the first call in this process."""
    global _TODAY
    if today is not None:
        return today
    if _TODAY is None:
        _TODAY = datetime.now(timezone.utc).date()
    return _TODAY


def at(today: date, days_ago: float, hour: float = 0.0) -> datetime:
    """`days_ago` days before `today` at midnight UTC, plus `hour` hours."""
    base = datetime.combine(today, time(0, 0), tzinfo=timezone.utc)
    return base - timedelta(days=days_ago) + timedelta(hours=hour)


def http_date(dt: datetime) -> str:
    return format_datetime(dt.astimezone(timezone.utc).replace(microsecond=0), usegmt=True)


def rfc822(dt: datetime) -> str:
    """A feed's pubDate / lastBuildDate."""
    return format_datetime(dt, usegmt=True)


def original_time(today: date, story: Story) -> datetime:
    """When the licensor published `story` (spread over the day so that no two originals share a time)."""
    index = (ORIGINALS + HARBOR_ORIGINALS).index(story)
    return at(today, story.days_ago, 9 + (index % 5) + 0.25 * index)


def original_path(today: date, story: Story) -> str:
    """The path of `story` on the licensor's site (WordPress date permalinks)."""
    return f"/{original_time(today, story):%Y/%m/%d}/{story.slug}/"
