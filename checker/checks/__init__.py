"""Registered check functions; importing this package registers every built-in check."""
from . import affiliation, byline, credit, generic, logo, pixel, unedited  # noqa: F401  (registration side effects)
from .registry import CHECKS, CheckSpec, Verdict, register

__all__ = ["CHECKS", "CheckSpec", "Verdict", "register"]
