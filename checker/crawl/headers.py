"""Defensive readers of HTTP header values: any bytes a server sends give a number or None, never an exception.

Header values arrive as latin-1 text, so `str.isdigit()` and `int()`/`float()` meet characters such as "²"
(byte 0xB2: isdigit() is true, float() raises) or Arabic-Indic digits (int() accepts them, no server means
them). Only ASCII digits count here, and every number is bounded before it reaches time.sleep() or a size check.
"""
from __future__ import annotations

import email.utils
import re
from datetime import datetime, timezone
from typing import Optional

_ASCII_DIGITS = re.compile(r"[0-9]+")
_SATURATED = 10 ** 18  # what a longer run of digits reads as: bigger than any cap, and int() is never asked
# A wait or delay is capped by the caller (retry_after_cap, crawl.max_crawl_delay); this bound only keeps
# the arithmetic on ordinary floats (no OverflowError from time.sleep or datetime).
MAX_SECONDS = 10 * 365 * 24 * 3600.0


def ascii_int(value: Optional[str]) -> Optional[int]:
    """'1024' -> 1024; None for anything but ASCII digits (surrounding whitespace allowed); saturates at 10**18."""
    if value is None:
        return None
    value = value.strip()
    if not _ASCII_DIGITS.fullmatch(value):
        return None
    return int(value) if len(value) <= 18 else _SATURATED


def content_length(value: Optional[str]) -> Optional[int]:
    """The declared body size, or None when absent or unreadable (then the size cap is applied while reading)."""
    return ascii_int(value)


def seconds(value: object) -> Optional[float]:
    """A finite, non-negative number of seconds no larger than MAX_SECONDS, from a number or text; else None.

    For robots.txt Crawl-delay / Request-rate values, which arrive parsed by protego (a float that may be
    inf, nan or 1e10) or as text."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None
    if number != number or number < 0:  # nan, negative
        return None
    return min(number, MAX_SECONDS)


def retry_after(value: Optional[str], now: Optional[datetime] = None) -> Optional[float]:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    delta = ascii_int(value)
    if delta is not None:
        return min(float(delta), MAX_SECONDS)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    try:
        wait = (when - (now or datetime.now(timezone.utc))).total_seconds()
    except (OverflowError, ValueError):
        return None
    return min(max(0.0, wait), MAX_SECONDS)


_VALIDATOR = re.compile(r"[\x20-\x7e\x80-\xff]{1,1024}")


def validator(value: Optional[str]) -> Optional[str]:
    """An ETag or Last-Modified value fit to be stored and sent back (If-None-Match, If-Modified-Since); None
    otherwise. A folded or control-character value sent back would make every later request of the page fail."""
    if value is None:
        return None
    value = value.strip()
    return value if _VALIDATOR.fullmatch(value) else None


def content_codings(value: Optional[str]) -> tuple[str, ...]:
    """'gzip, br' -> ('gzip', 'br'): the codings applied to the body, in order, lower case, identity left out."""
    if not value:
        return ()
    return tuple(c for c in (part.strip().lower() for part in value.split(",")) if c and c != "identity")
