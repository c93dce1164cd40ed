"""Rule + parsed copy -> Finding: runs a rule's checks and folds their verdicts into one outcome."""
from __future__ import annotations

import logging
import time
import traceback
from typing import Callable, Optional

from .budget import BudgetExceeded
from .checks.context import CheckContext
from .checks.registry import CHECKS, Verdict
from .models import Finding, Outcome, Status
from .ruleset import LicensePack, Rule

log = logging.getLogger(__name__)


def evaluate_rule(rule: Rule, ctx: CheckContext) -> Finding:
    """All of a rule's checks must pass; the first fail decides, else a review, else pass."""
    verdicts: list[Verdict] = []
    for call in rule.checks:
        spec = CHECKS[call.id]
        try:
            verdict = spec.func(ctx, **call.kwargs)
        except BudgetExceeded as exc:  # the page's budget ran out inside the check (decoding images)
            verdict = Verdict(Outcome.REVIEW, str(exc), (), "Check this requirement by hand: the page is too "
                              "costly to check automatically.")
        except Exception as exc:  # a broken check must not end the run or pass silently
            log.debug("check %s crashed: %s", call.id, traceback.format_exc())
            verdict = Verdict(Outcome.REVIEW, f"check {call.id} could not run: {type(exc).__name__}: {exc}")
        verdicts.append(verdict)
    for wanted in (Outcome.FAIL, Outcome.REVIEW, Outcome.PASS):
        chosen = next((v for v in verdicts if v.outcome is wanted), None)
        if chosen is not None:
            break
    else:
        chosen = verdicts[0]
    fix = chosen.fix or (rule.fix if chosen.outcome in (Outcome.FAIL, Outcome.REVIEW) else None)
    return Finding(rule.id, chosen.outcome, rule.severity, chosen.message, chosen.evidence,
                   fix if chosen.outcome is not Outcome.PASS else None, rule.title)


def over_budget(rule: Rule, budget: float) -> Finding:
    """What a rule says when the page used up its time budget before the rule could run: never a pass."""
    return Finding(rule.id, Outcome.REVIEW, rule.severity,
                   f"page too complex to check within the time budget ({budget:g} s)", (),
                   "Check this requirement by hand: the page's markup is too large or too deeply nested "
                   "to check automatically.", rule.title)


def evaluate(pack: LicensePack, ctx: CheckContext, *, budget: Optional[float] = None,
             started: Optional[float] = None, clock: Callable[[], float] = time.thread_time) -> tuple[Finding, ...]:
    """Every rule of the pack, in order; once `budget` seconds of `clock` have passed since `started`
    (default: now), the remaining rules are `review` with the reason instead of being run."""
    if budget is None:
        return tuple(evaluate_rule(rule, ctx) for rule in pack.rules)
    start = clock() if started is None else started
    findings = []
    for rule in pack.rules:
        if clock() - start > budget:
            findings.append(over_budget(rule, budget))
        else:
            findings.append(evaluate_rule(rule, ctx))
    return tuple(findings)


def page_status(findings: tuple[Finding, ...]) -> Status:
    if any(f.outcome is Outcome.FAIL for f in findings):
        return Status.VIOLATION
    if any(f.outcome is Outcome.REVIEW for f in findings):
        return Status.REVIEW
    return Status.COMPLIANT
