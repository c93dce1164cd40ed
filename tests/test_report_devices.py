"""Reports sent to a device or a pipe: written into it, never replaced by a regular file (as root, `-o /dev/null`
put a file in place of /dev/null); standard output on a full disk is an error line, not an internal error.

The FIFO stands in for /dev/null and /dev/stdout: a test must not risk the machine's own devices."""
from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from checker.cli import main
from conftest import write_manifest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def page(tmp_path, original, make_page) -> tuple[Path, Path]:
    manifest = tmp_path / "originals.yaml"
    write_manifest(manifest, original)
    copy = tmp_path / "copy.html"
    copy.write_text(make_page('<p class="byline">By Staff</p>'))
    return copy, manifest


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_report_into_a_pipe_is_written_into_it(tmp_path, page, capsys):
    copy, manifest = page
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    time.sleep(0.2)
    code = main(["check", str(copy), "--originals", str(manifest), "--render", "never", "--format", "json",
                 "-o", str(fifo), "--report", f"csv={tmp_path / 'r.csv'}"])
    reader.join(10)
    assert code == 1, capsys.readouterr().err
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode), "the pipe was replaced by a regular file"
    assert got and json.loads(got[0])["summary"]["violation"] == 1
    assert (tmp_path / "r.csv").is_file()  # the other reports as before


def test_standard_output_on_a_full_disk_is_an_error_line(page, tmp_path):
    """/dev/full is only written to here, through the shell's redirection: never renamed over."""
    copy, manifest = page
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "checker", "check", str(copy), "--originals", str(manifest),
                               "--render", "never", "--format", "json"], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=120, cwd=tmp_path)
    assert proc.returncode == 1  # the violation stands; the lost report is said
    assert proc.stderr.strip() == ("syndicheck: error: the json report could not be written to standard output: "
                                   "No space left on device"), proc.stderr


@pytest.mark.parametrize("command", [["rules"], ["rules", "byline"]])
def test_any_command_on_a_full_disk_is_an_error_line_not_a_bug(tmp_path, command):
    """Before: `syndicheck rules > /dev/full` was 'internal error: OSError' (exit 70), as if syndicheck had a bug."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "checker", *command], stdout=full, stderr=subprocess.PIPE,
                              text=True, env=env, timeout=120, cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip() == "syndicheck: error: cannot write the output: No space left on device"
