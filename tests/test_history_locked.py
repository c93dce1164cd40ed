"""A history database another process keeps locked: the error says what holds it, not only SQLite's words."""
from __future__ import annotations

import sqlite3

from checker.history import History, _describe


def test_a_locked_database_says_another_process_holds_it(tmp_path):
    path = tmp_path / "syndicheck.db"
    History(str(path)).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # a backup tool or another program with the file open and locked
    try:
        waiter = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            waiter.execute("BEGIN IMMEDIATE")  # as History does on opening (its schema check writes)
        except sqlite3.OperationalError as exc:
            said = _describe(exc)
        else:  # pragma: no cover
            raise AssertionError("the read was not blocked")
        finally:
            waiter.close()
    finally:
        holder.close()
    assert said.startswith("database is locked") and "another process held it for 30 s" in said, said
