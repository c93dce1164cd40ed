"""--changed-only REV: keep only the file targets that git reports as changed since a revision.

A file counts as changed when it was added, copied, modified or changed type between REV and the
working tree (committed, staged or not), or when it is untracked and not ignored: a new page.
Each file is compared in the git work tree that contains it, wherever syndicheck runs from, so
a build directory that is a repository of its own (the snapshot recipe in docs/ci.md) works.

A file that git ignores (typical of build output) cannot be said to have changed or not; it is
checked anyway, with a warning, rather than silently skipped. A file outside any git work tree
is a usage error. URLs and targets that could not be resolved pass through unchanged.
"""
from __future__ import annotations

import logging
import os
import subprocess
from dataclasses import dataclass
from typing import Iterable, Iterator, Optional

from ..strict_yaml import ConfigError

log = logging.getLogger("syndicheck")

_OPTION = "--changed-only"


def _git(args: list[str], cwd: str, rev: str) -> str:
    # quotepath off and -z below: file names with spaces or non-ASCII letters come back verbatim.
    cmd = ["git", "-c", "core.quotepath=off", *args]
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, encoding="utf-8",
                              errors="surrogateescape", check=True).stdout
    except FileNotFoundError:
        raise ConfigError(_OPTION, None, "", "git is not installed") from None
    except subprocess.CalledProcessError as exc:
        detail = (exc.stderr or "").strip().splitlines()
        raise ConfigError(_OPTION, None, "",
                          f"git could not compare {cwd} with '{rev}': {detail[-1] if detail else exc}") from None


def _split_z(out: str) -> list[str]:
    return [p for p in out.split("\0") if p]


def _check_rev(rev: str) -> None:
    # `git diff --output=FILE` exists: a revision must never be read as an option.
    if not rev or rev.startswith("-") or "\0" in rev:
        raise ConfigError(_OPTION, None, "", f"'{rev}' is not a git revision")


@dataclass
class _Repo:
    top: str  # real path of the work tree's top level
    changed: set[str]  # absolute paths: changed since REV, or untracked and not ignored
    tracked: set[str]  # absolute paths of every tracked file


def _abs(top: str, rel: str) -> str:
    return os.path.normpath(os.path.join(top, rel))


def _load_repo(top: str, rev: str) -> _Repo:
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top, rev).strip()
    except ConfigError:
        commit = ""
    if not commit:
        raise ConfigError(_OPTION, None, "", f"'{rev}' is not a commit in the git repository {top} "
                          "(in CI, fetch it first: a shallow clone has only the newest commit)")
    # --no-renames: a rename is a deletion plus an addition whatever diff.renames says, so the new
    # name is always listed; --no-ext-diff and --no-textconv keep user diff drivers out of it.
    diff = _git(["diff", "--name-only", "-z", "--no-renames", "--no-ext-diff", "--no-textconv",
                 "--diff-filter=ACMT", commit, "--"], top, rev)
    untracked = _git(["ls-files", "-z", "--others", "--exclude-standard"], top, rev)
    tracked = _git(["ls-files", "-z", "--cached"], top, rev)
    changed = {_abs(top, p) for p in _split_z(diff) + _split_z(untracked)}
    return _Repo(top=top, changed=changed, tracked={_abs(top, p) for p in _split_z(tracked)})


def _real_file_path(path: str) -> str:
    """The path with its directories resolved but not the file itself: git tracks a symlink as a link."""
    directory, name = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(directory), name)


class _Repos:
    """The git work tree of each directory, found once; one set of git calls per work tree."""

    def __init__(self, rev: str):
        self.rev = rev
        self._key_of_dir: dict[str, str] = {}
        self._top_of_dir: dict[str, Optional[str]] = {}
        self._repos: dict[str, _Repo] = {}

    def _marker_dir(self, directory: str) -> str:
        """The nearest directory at or above `directory` holding `.git`, else `directory` itself."""
        if directory not in self._key_of_dir:
            d = directory
            while not os.path.exists(os.path.join(d, ".git")):
                parent = os.path.dirname(d)
                if parent == d:  # none: let git decide from the directory itself (GIT_DIR and the like)
                    d = directory
                    break
                d = parent
            self._key_of_dir[directory] = d
        return self._key_of_dir[directory]

    def _top(self, directory: str) -> Optional[str]:
        # One `git rev-parse` per work tree, not per directory: a large site has thousands of them.
        key = self._marker_dir(directory)
        if key not in self._top_of_dir:
            top: Optional[str] = None
            if os.path.isdir(key):
                proc = subprocess.run(["git", "rev-parse", "--show-toplevel"], cwd=key, capture_output=True,
                                      text=True, encoding="utf-8", errors="surrogateescape")
                out = proc.stdout.strip()
                if proc.returncode == 0 and out:
                    top = os.path.realpath(out)
            self._top_of_dir[key] = top
        return self._top_of_dir[key]

    def repo_for(self, real_path: str) -> Optional[_Repo]:
        try:
            top = self._top(os.path.dirname(real_path))
        except FileNotFoundError:
            raise ConfigError(_OPTION, None, "", "git is not installed") from None
        if top is None:
            return None
        if top not in self._repos:
            self._repos[top] = _load_repo(top, self.rev)
        return self._repos[top]


def changed_files(rev: str, cwd: str = ".") -> set[str]:
    """Absolute paths of files changed since `rev` (see the module doc) in the work tree holding `cwd`."""
    _check_rev(rev)
    top = _Repos(rev)._top(os.path.realpath(cwd))
    if top is None:
        raise ConfigError(_OPTION, None, "", f"{os.path.abspath(cwd)} is not inside a git work tree")
    return _load_repo(top, rev).changed


def changed_since(targets: Iterable, rev: str) -> Iterator:
    """Targets that are URLs (or unresolved) pass through; files pass only if changed since `rev`."""
    _check_rev(rev)
    repos = _Repos(rev)
    kept = skipped = 0
    unknown: list[str] = []
    try:
        for t in targets:
            if t.kind != "file":
                yield t
                continue
            path = _real_file_path(t.location)
            repo = repos.repo_for(path)
            if repo is None:
                raise ConfigError(_OPTION, None, "",
                                  f"{t.given} is not inside a git work tree, so it has no changes since '{rev}'")
            if path in repo.changed:
                kept += 1
                yield t
            elif path in repo.tracked:
                skipped += 1
            else:  # ignored by git: whether it changed is unknown, so it is checked
                unknown.append(t.given)
                yield t
    finally:
        if unknown:
            log.warning("%d file(s) ignored by git were checked anyway, since git cannot tell whether they "
                        "changed since '%s' (first: %s); see docs/ci.md for checking only changed build output",
                        len(unknown), rev, unknown[0])
        log.info("--changed-only %s: %d changed file(s) checked, %d unchanged skipped", rev, kept, skipped)
