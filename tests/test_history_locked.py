"""A history database another process keeps locked: the error says what holds it, not only SQLite's words."""
from __future__ import annotations

import sqlite3

from checker.history import History, _describe
from conftest import write_manifest


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


def test_a_damaged_database_is_not_sent_to_resume(tmp_path, original, capsys):
    """Before: 'database disk image is malformed' ended with '`syndicheck audit --resume` finishes the run', which
    would only meet the damage again."""

    from checker.cli import main

    db = tmp_path / "syndicheck.db"
    write_manifest(tmp_path / "originals.yaml", original)
    config = tmp_path / "audit.yaml"
    config.write_text("originals: {manifests: [originals.yaml]}\n"
                      "partners: [{id: p, name: P, urls: ['http://127.0.0.1:9/story']}]\n"
                      "crawl: {allow_private_addresses: true, retries: 0, connect_timeout: 1}\n"
                      "check: {render: never}\nstorage: {database: syndicheck.db}\n")
    assert main(["audit", "--config", str(config), "-q"]) == 3  # one page, an error: checked nothing
    capsys.readouterr()
    data = bytearray(db.read_bytes())
    page = 4096
    for i in range(page, len(data)):  # every page after the first (the header and schema stay readable)
        data[i] = 0x41
    db.write_bytes(bytes(data))
    for extra in ("-wal", "-shm"):
        (tmp_path / f"syndicheck.db{extra}").unlink(missing_ok=True)
    assert main(["audit", "--config", str(config), "-q"]) == 3
    err = capsys.readouterr().err
    assert "malformed" in err and "--resume would meet it again: restore it from a backup" in err, err
    assert "finishes the run" not in err
