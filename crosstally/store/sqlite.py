"""The SQLite store, the embedded default: a file, WAL journal, foreign keys on."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from crosstally.errors import InputError
from crosstally.store.sql import SCHEMA_VERSION, SQLStore, claim_from_row, script

__all__ = ["SCHEMA_VERSION", "SQLiteConnection", "SQLiteStore", "claim_from_row", "connect"]

MIGRATIONS: list[tuple[int, str, str]] = [
    (1, "initial schema", script("schema.sql")),
    (2, "stories, claimant aliases, conflicts", script("stories.sql")),
    (3, "slots, timelines, full-text search", script("views.sql")),
    (4, "fetch validators, duplicates, near-duplicates", script("sources.sql")),
    (5, "the extractor version that read each article", script("version.sql")),
]
assert MIGRATIONS[-1][0] == SCHEMA_VERSION


class SQLiteConnection(sqlite3.Connection):
    """sqlite3's connection, rows by column name, with what the stores and views ask of any connection."""

    dialect = "sqlite"

    def tables(self) -> set[str]:
        return {r["name"] for r in self.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}

    def script(self, sql: str) -> None:
        """Run a migration script statement by statement inside the open transaction (executescript
        would commit first), a trigger's body kept whole."""
        pending = ""
        for line in sql.splitlines(keepends=True):
            pending += line
            if sqlite3.complete_statement(pending):
                self.execute(pending)
                pending = ""
        if pending.strip():
            self.execute(pending)


def connect(path: str | Path, read_only: bool = False, threads: bool = False) -> SQLiteConnection:
    """A connection in autocommit mode (transactions are explicit). Read-only: to a database
    `crosstally run` made, that cannot be written through it; errors name the file."""
    path = str(path)
    if read_only:
        if not Path(path).is_file():
            raise InputError(path, "no such database", hint="crosstally run ... --out DIR writes DIR/crosstally.db")
        db = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, isolation_level=None,
                             factory=SQLiteConnection, check_same_thread=not threads)
    else:
        db = sqlite3.connect(path, isolation_level=None, factory=SQLiteConnection, check_same_thread=not threads)
    db.row_factory = sqlite3.Row
    if read_only:
        try:
            db.tables()
        except sqlite3.DatabaseError as e:
            db.close()
            raise InputError(path, f"is not a SQLite database ({e})") from None
    return db


class SQLiteStore(SQLStore):
    migrations = MIGRATIONS
    begin = "BEGIN IMMEDIATE"  # take the write lock now, not at the first write

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = str(path)
        super().__init__(self.path, read_only)

    def connect(self, read_only: bool) -> SQLiteConnection:
        db = connect(self.path, read_only)
        if not read_only:
            db.execute("PRAGMA foreign_keys = ON")
            db.execute("PRAGMA journal_mode = WAL")
            # In WAL mode NORMAL still keeps every commit through a crash of the process and the file
            # always consistent; only a power cut can take back the last commits. Halves write time.
            db.execute("PRAGMA synchronous = NORMAL")
            # 16 MiB of page cache (SQLite's default is 2): a run looks up every article's hash and
            # MinHash bands, and in a large store those index pages are read again and again.
            db.execute("PRAGMA cache_size = -16384")
        return db
