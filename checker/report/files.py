"""Report files written atomically: a temporary file renamed into place, never a half-written report."""
from __future__ import annotations

import errno
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Callable, TextIO

from checker.paths import make_dirs


class ReportWriteError(OSError):
    """The reports directory could not be written: the run is stored, its files are not."""


REPORT_MODE = 0o644  # reports are for reading, by the team's web server too; never writable by others


def write_atomic(path: Path, render: Callable[[TextIO], None]) -> None:
    """Render into a temporary file, then rename: never a half-written report.

    The temporary file is created exclusively (no following a symlink planted under its name) with
    REPORT_MODE; on any failure (unwritable directory, full disk) it is removed, the previous report
    at `path`, if any, stays as it was, and ReportWriteError says which file and why. A kill -9 cannot
    clean up: the temporary files of writers no longer running are removed before each write.
    """
    try:
        if _write_to_device(path, render):
            return
        if path.name in ("", ".", ".."):  # `-o .`: no file name to put a temporary one beside
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        make_dirs(path.parent)
        remove_stale_temporaries(path.parent)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), REPORT_MODE)
        try:
            # Rendered straight into the temporary file, not into memory first: a 20,000-page run's reports
            # are tens of MB, and a StringIO, its value and the encoded bytes were three copies at once.
            with open(fd, "w", encoding="utf-8", newline="") as fh:
                render(fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportWriteError(f"cannot write the report {path}: {exc.strerror or exc}") from exc


def _write_to_device(path: Path, render: Callable[[TextIO], None]) -> bool:
    """Write into `path` when it names a device or a pipe (`-o /dev/null`, `/dev/stdout`, a FIFO), and say so.

    Renaming a temporary file over such a path would put a regular file in its place: as root, /dev/null itself
    would become a report. A regular file or a path that does not exist is left to the atomic write (False),
    except under /dev and /proc: `-o /dev/stdout` with standard output sent to a file is written through."""
    special = str(path.absolute()).startswith(("/dev/", "/proc/"))
    try:
        if not special and (stat.S_ISREG(os.stat(path).st_mode) or path.is_dir()):
            return False
    except OSError:
        return False  # no such path: the atomic write creates it (or says why it cannot)
    # No O_CREAT: nothing is created through a symlink. A FIFO waits for its reader, as a shell's `>` does.
    fd = os.open(path, os.O_WRONLY | os.O_NOCTTY)
    if not special and stat.S_ISREG(os.fstat(fd).st_mode):  # a regular file now: the atomic write after all
        os.close(fd)
        return False
    with open(fd, "w", encoding="utf-8", newline="") as fh:
        render(fh)
    return True


_TEMPORARY = re.compile(r"\..+\.(\d+)\.[0-9a-f]{8}\.tmp")  # write_atomic's names: .<name>.<pid>.<random>.tmp


def remove_stale_temporaries(directory: Path) -> None:
    """Remove the temporary files that writers killed between create and rename (kill -9, power loss) left in
    `directory`, so they do not pile up night after night. A file is stale when the process named in it is
    no longer running; a live writer's is left alone. (The reports are written from one machine, as the
    history database must be: its WAL mode does not work on a network filesystem.)"""
    if os.name != "posix":  # os.kill(pid, 0) is a liveness probe on POSIX only
        return
    try:
        entries = [e.name for e in os.scandir(directory) if e.is_file(follow_symlinks=False)]
    except OSError:
        return
    for name in entries:
        m = _TEMPORARY.fullmatch(name)
        if m is None or int(m.group(1)) == os.getpid() or _running(int(m.group(1))):
            continue
        try:
            (directory / name).unlink()
        except FileNotFoundError:  # another writer cleaned it first
            pass


def _running(pid: int) -> bool:
    if pid <= 0:
        return True  # not a pid write_atomic wrote: leave the file alone
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # another user's process, or no such pid at all
        return True
    return True
