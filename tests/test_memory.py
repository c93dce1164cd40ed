"""checker.memory: the audit caps glibc's malloc arenas, unless the operator set MALLOC_ARENA_MAX."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from checker.memory import limit_malloc_arenas

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt is Linux-only")
def test_arenas_are_capped_on_glibc():
    # In a child process, so the cap does not change this test process.
    code = "from checker.memory import limit_malloc_arenas; print(limit_malloc_arenas())"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_the_operators_setting_wins(monkeypatch):
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
