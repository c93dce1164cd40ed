"""The check registry: checks are small Python functions registered by id, with declared parameters."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from ..models import Evidence, Outcome


@dataclass(frozen=True)
class Verdict:
    """What one check concluded; the engine turns it into a Finding with the rule's severity."""

    outcome: Outcome
    message: str
    evidence: tuple[Evidence, ...] = ()
    fix: Optional[str] = None


@dataclass(frozen=True)
class CheckSpec:
    id: str
    func: Callable
    params: dict  # name -> (type, default)
    doc: str


CHECKS: dict[str, CheckSpec] = {}


def register(check_id: str, params: Optional[dict] = None) -> Callable:
    """Register `func(ctx, **params) -> Verdict` under `check_id`."""
    def wrap(func: Callable) -> Callable:
        CHECKS[check_id] = CheckSpec(check_id, func, dict(params or {}), (func.__doc__ or "").strip().split("\n")[0])
        return func
    return wrap
