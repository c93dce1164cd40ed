"""The CPU budget of the page being checked, for work deep inside a check (decoding images) that must stop in time.

The pipeline opens `page_budget(...)` around a page's checks; code far down (logo_image.py) calls
`charge()` before each costly step, which raises BudgetExceeded once the page's budget is spent. The engine
turns that into `review` for the rule, never a pass or a fail made on half the evidence. A context variable
rather than a parameter: each thread (and each page) has its own, and no check signature changes.
"""
from __future__ import annotations

import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Iterator, Optional

DEFAULT_TIME_BUDGET = 20.0  # CPU seconds to check one page; why 20: see checker/pipeline.py


class BudgetExceeded(Exception):
    """The page's budget ran out in the middle of a check; str() says which budget, for the finding."""


@dataclass(frozen=True)
class PageBudget:
    seconds: Optional[float]  # None: no time limit
    started: float
    clock: Callable[[], float] = time.thread_time

    def exceeded(self) -> bool:
        return self.seconds is not None and self.clock() - self.started > self.seconds


_current: ContextVar[Optional[PageBudget]] = ContextVar("syndicheck_page_budget", default=None)


@contextmanager
def page_budget(seconds: Optional[float], started: float,
                clock: Callable[[], float] = time.thread_time) -> Iterator[PageBudget]:
    budget = PageBudget(seconds, started, clock)
    token = _current.set(budget)
    try:
        yield budget
    finally:
        _current.reset(token)


def charge() -> None:
    """Raise BudgetExceeded if the current page's time budget is spent (no page budget: never)."""
    budget = _current.get()
    if budget is not None and budget.exceeded():
        raise BudgetExceeded(f"page too complex to check within the time budget ({budget.seconds:g} s)")
