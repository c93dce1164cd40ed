"""The demo's templates and data travel in the wheel: an installed package builds the sample sites from them."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "checker" / "demo"


def _demo_files() -> set[str]:
    return {p.relative_to(ROOT).as_posix() for sub in ("templates", "data") for p in (DEMO / sub).iterdir()}


@pytest.mark.slow
def test_wheel_carries_the_demo_templates_and_data_and_builds_the_sites(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path / "dist"),
                            str(ROOT)], capture_output=True, text=True, timeout=600)
    if built.returncode != 0:
        pytest.skip(f"the wheel could not be built here (its build backend is fetched from PyPI):\n{built.stderr[-1500:]}")
    (wheel,) = (tmp_path / "dist").glob("syndicheck-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        missing = _demo_files() - names
        assert not missing, f"not in the wheel: {sorted(missing)}"
        zf.extractall(tmp_path / "installed")
    # Run from elsewhere with only the unpacked wheel on the path first: the sites come from package data.
    code = ("import checker, checker.demo.sites as s; print(checker.__file__); "
            "print(sum(len(site.routes) for n in (1, 2) for site in s.build_sites(n)))")
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(tmp_path / "installed"), "PATH": "/usr/bin:/bin"})
    assert run.returncode == 0, run.stderr
    where, routes = run.stdout.split()
    assert where.startswith(str(tmp_path / "installed")), where
    assert int(routes) > 100


def test_every_demo_template_and_data_file_is_package_data():
    """The globs in pyproject.toml cover every file the demo reads (the slow test above builds the wheel)."""
    import tomllib

    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["checker.demo"]
    for rel in _demo_files():
        inner = Path(rel).relative_to("checker/demo")
        assert any(inner.match(g) for g in globs), f"{rel} is not matched by package-data {globs}"
