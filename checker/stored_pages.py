"""One audit run's pages read back from the history database a batch at a time, for reports of flat memory."""
from __future__ import annotations

import os
import sqlite3
from collections.abc import Collection
from typing import Any, Iterator, Optional

from .history import HistoryError, finding_from_row, page_from_row
from .models import AuditPage, Finding

BATCH = 500  # pages read (and rebuilt) at a time: a few MiB, whatever the size of the run


class StoredPages(Collection):
    """The pages of run `run_id` in the history database at `path`, in the order they were recorded.

    Each iteration reads them afresh in batches over its own connection, so a report can walk a
    20,000-page run several times (numbers, then cards, then rows) while only one batch is in memory;
    the database may be closed by its `History` meanwhile (the audit's outcome outlives it).
    `memo` keeps what one pass computed (the report's tally) for the other reports of the same run.
    """

    def __init__(self, path: str, run_id: int):
        # Absolute: the audit's outcome is read after run_audit returns, maybe from another working directory.
        self.path, self.run_id = os.path.abspath(path), run_id
        self.memo: dict[str, Any] = {}
        self._len: Optional[int] = None

    def __iter__(self) -> Iterator[AuditPage]:
        return self.select()

    def __len__(self) -> int:
        if self._len is None:
            with self._connect() as conn:
                self._len = conn.execute("SELECT COUNT(*) FROM pages WHERE run_id = ?", (self.run_id,)).fetchone()[0]
        return self._len

    def __contains__(self, page: object) -> bool:
        return any(p == page for p in self)

    def __repr__(self) -> str:
        return f"StoredPages({self.path!r}, run {self.run_id})"

    def select(self, partner: Optional[str] = None) -> Iterator[AuditPage]:
        """The run's pages (one partner's when `partner` is given), in the order they were recorded."""
        where, params = ("run_id = ? AND partner = ?", (self.run_id, partner)) if partner is not None \
            else ("run_id = ?", (self.run_id,))
        with self._connect() as conn:
            last = -1
            while True:  # keyset pagination on rowid: each batch is a fresh, short query
                rows = conn.execute(f"SELECT rowid AS rid, * FROM pages WHERE {where} AND rowid > ? ORDER BY rowid "
                                    f"LIMIT {BATCH}", params + (last,)).fetchall()
                if not rows:
                    return
                last = rows[-1]["rid"]
                findings = self._findings(conn, [r["url"] for r in rows])
                for row in rows:
                    yield page_from_row(row, findings.get(row["url"], ()))

    def _findings(self, conn: sqlite3.Connection, urls: list[str]) -> dict[str, list[Finding]]:
        marks = ", ".join("?" * len(urls))
        out: dict[str, list[Finding]] = {}
        for f in conn.execute(f"SELECT * FROM findings WHERE run_id = ? AND url IN ({marks}) ORDER BY id",
                              (self.run_id, *urls)):
            out.setdefault(f["url"], []).append(finding_from_row(f))
        return out

    def _connect(self) -> "_Reader":
        return _Reader(self.path)


class _Reader:
    """A read-only connection for one pass, closed at the end of it (also when the pass is abandoned)."""

    def __init__(self, path: str):
        try:
            self.conn = sqlite3.connect(path, timeout=30.0)
            self.conn.execute("PRAGMA query_only = ON")
        except sqlite3.Error as exc:
            raise HistoryError(f"{path}: cannot read the history database: {exc}") from exc
        self.conn.row_factory = sqlite3.Row

    def __enter__(self) -> sqlite3.Connection:
        return self.conn

    def __exit__(self, *exc) -> None:
        self.conn.close()
