"""Storage: SQLite, the embedded default, or PostgreSQL for a shared database, behind one class
(crosstally.store.sql.SQLStore) and one kind of connection (`execute` with `?` placeholders, rows
read by column name, and `dialect` naming the database where the SQL must differ)."""
from __future__ import annotations

from pathlib import Path

from crosstally.store.postgres import is_postgres_url, redact
from crosstally.store.sql import SQLStore, check_crosstally

__all__ = ["SQLStore", "describe", "exports_dir", "is_postgres_url", "open_read_only", "open_store"]


def open_store(target: str | Path, read_only: bool = False) -> SQLStore:
    """The store at `target`: a postgresql:// URL, else a SQLite file."""
    if is_postgres_url(str(target)):
        from crosstally.store.postgres import PostgresStore

        return PostgresStore(str(target), read_only)
    from crosstally.store.sqlite import SQLiteStore

    return SQLiteStore(target, read_only)


def open_read_only(target: str | Path):
    """A read-only connection to the crosstally database at `target`; an InputError says why not."""
    if is_postgres_url(str(target)):
        from crosstally.store.postgres import connect
    else:
        from crosstally.store.sqlite import connect
    db = connect(str(target), read_only=True)
    try:
        check_crosstally(db, describe(target))
    except BaseException:
        db.close()
        raise
    return db


def describe(target: str | Path) -> str:
    """The database as messages show it (a URL without its password)."""
    return redact(str(target)) if is_postgres_url(str(target)) else str(target)


def exports_dir(target: str | Path) -> Path:
    """Where the exports go unless told: beside a SQLite file; crosstally-out for PostgreSQL."""
    return Path("crosstally-out") if is_postgres_url(str(target)) else Path(target).parent
