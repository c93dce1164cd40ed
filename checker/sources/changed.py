"""--changed-only REV: keep only the file targets that git reports as changed since a revision."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Iterable, Iterator

from ..strict_yaml import ConfigError


def changed_files(rev: str, cwd: str = ".") -> set[str]:
    """Absolute paths of files added, copied, modified or renamed since `rev` (committed or not)."""
    try:
        top = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=cwd, capture_output=True, text=True,
                             check=True).stdout.strip()
        out = subprocess.run(["git", "diff", "--name-only", "--diff-filter=ACMR", rev, "--"], cwd=cwd,
                             capture_output=True, text=True, check=True).stdout
        untracked = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], cwd=cwd,
                                   capture_output=True, text=True, check=True).stdout
    except FileNotFoundError:
        raise ConfigError("--changed-only", None, "", "git is not installed") from None
    except subprocess.CalledProcessError as exc:
        raise ConfigError("--changed-only", None, "", f"git could not diff against '{rev}': {exc.stderr.strip()}") from None
    rel_top = Path(top)
    # `git ls-files --others` is relative to cwd; `git diff --name-only` to the top level.
    files = {str((rel_top / line).resolve()) for line in out.splitlines() if line}
    files |= {str((Path(cwd) / line).resolve()) for line in untracked.splitlines() if line}
    return files


def changed_since(targets: Iterable, rev: str) -> Iterator:
    """Targets that are URLs pass through; files pass only if changed since `rev`."""
    changed = changed_files(rev)
    for t in targets:
        if t.kind != "file" or os.path.realpath(t.location) in changed:
            yield t
