"""One live audit per history database: an exclusive lock on `<database>.lock`, held for the whole run.

Without it, `audit --resume` started while the same run was still going joined that run: two processes crawled
the same hosts (two requests in flight per host) and both wrote the run's reports. The lock is an flock(2)
on a file beside the database, so the kernel releases it when its process ends in any way (kill -9 included):
a stale lock file never blocks the next night. The file records the holder's pid, for the message.
"""
from __future__ import annotations

import os
from typing import Optional

from .history import HistoryError

try:
    import fcntl
except ImportError:  # not on POSIX: no lock (syndicheck's audits run on Linux)
    fcntl = None  # type: ignore[assignment]


class RunLocked(HistoryError):
    """Another process holds the database's run lock (the CLI exits 3 with this message)."""


class RunLock:
    """`with RunLock(database):` — raises RunLocked when another live process holds it."""

    def __init__(self, database: str):
        self.path = os.fspath(database) + ".lock"
        self._fd: Optional[int] = None

    def __enter__(self) -> "RunLock":
        return self.acquire()

    def acquire(self) -> "RunLock":
        if fcntl is None or self.path == ":memory:.lock":
            return self
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), mode=0o700, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise HistoryError(f"{self.path}: cannot create the run lock: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read_pid(fd)
            os.close(fd)
            who = f" (pid {holder})" if holder else ""
            raise RunLocked(f"another syndicheck audit{who} is running on {self.path[:-5]}; wait for it to end "
                            "(or stop it) before starting or resuming a run") from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing releases the flock; the file stays (removing it would race a waiter)
            self._fd = None


def _read_pid(fd: int) -> Optional[int]:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isascii() and text.isdigit() else None
