"""The PostgreSQL store, for teams that share one database: `--db postgresql://user@host/db`.
Needs `pip install crosstally[postgresql]` (psycopg 3)."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

from crosstally.errors import ExtraError, InputError
from crosstally.store.sql import SCHEMA_VERSION, SQLStore, script

MIGRATIONS: list[tuple[int, str, str]] = [
    (4, "schema 4 for PostgreSQL", script("postgres.sql")),
    (5, "the extractor version that read each article", script("version.sql")),
]
assert MIGRATIONS[-1][0] == SCHEMA_VERSION
SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(target: str) -> bool:
    return str(target).startswith(SCHEMES)


def redact(url: str) -> str:
    """The URL as messages may show it: without a password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


@lru_cache(maxsize=512)
def translate(sql: str) -> str:
    """SQL with `?` placeholders as psycopg takes it: `%s`, and a literal `%` doubled; a `?` or
    `%` inside a quoted string or name is left as it is written."""
    out, quote = [], None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
            out.append("%%" if ch == "%" else ch)
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        elif ch == "?":
            out.append("%s")
        elif ch == "%":
            out.append("%%")
        else:
            out.append(ch)
    return "".join(out)


class PostgresConnection:
    """A psycopg connection in autocommit mode (transactions are explicit), rows as dicts, taking the
    same `?`-placeholder SQL as SQLite's."""

    dialect = "postgresql"

    def __init__(self, raw) -> None:
        self.raw = raw

    def execute(self, sql: str, params=()):
        if sql.startswith("BEGIN"):
            sql = "BEGIN"
        return self.raw.execute(translate(sql), tuple(params)) if params else self.raw.execute(sql)

    def executemany(self, sql: str, rows) -> None:
        rows = list(rows)
        if rows:
            with self.raw.cursor() as cur:
                cur.executemany(translate(sql), rows)

    def tables(self) -> set[str]:
        return {r["name"] for r in self.raw.execute(
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()")}

    def script(self, sql: str) -> None:
        self.raw.execute(sql)

    def close(self) -> None:
        self.raw.close()


def connect(url: str, read_only: bool = False) -> PostgresConnection:
    """A connection to the database at `url`; read-only means every transaction is read-only, so
    nothing can be written through it. Errors name the URL (without its password) and the reason."""
    try:
        import psycopg
        from psycopg.rows import dict_row
    except ImportError as e:
        raise ExtraError("postgresql", e.name) from None
    options = "-c default_transaction_read_only=on" if read_only else None
    try:
        raw = psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10,
                              application_name="crosstally", options=options)
    except psycopg.Error as e:
        reason = str(e).strip().splitlines()[-1] if str(e).strip() else type(e).__name__
        raise InputError(redact(url), f"cannot connect to PostgreSQL ({reason})") from None
    return PostgresConnection(raw)


class PostgresStore(SQLStore):
    migrations = MIGRATIONS

    def __init__(self, url: str, read_only: bool = False) -> None:
        self.url = url
        super().__init__(redact(url), read_only)

    def connect(self, read_only: bool) -> PostgresConnection:
        return connect(self.url, read_only)

    def _lock_migrations(self) -> None:
        self.db.execute("LOCK TABLE migrations IN EXCLUSIVE MODE")

    def clear_analysis(self) -> None:
        super().clear_analysis()
        # As SQLite's do once their table is empty, conflict ids start again from 1. DELETE and
        # setval, not TRUNCATE: readers (crosstally serve) keep reading the last analysis meanwhile.
        for table, column in (("conflicts", "id"), ("timelines", "rowid")):
            self.db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), 1, false)")
