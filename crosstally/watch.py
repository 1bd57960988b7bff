"""Keep a database current while a story develops: poll the sources, ingest what is new, and
report each conflict the first time it appears.

Each poll is an ordinary run against the same database, so everything a run guarantees holds:
pages that have not changed cost a conditional request, articles already stored are not
extracted again, and every stored article is whole. A restart carries on from the database: a
conflict is new when the database did not hold it before the poll, so nothing already reported
is reported again, and nothing that appeared while the watch was stopped is missed.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from crosstally.errors import CrosstallyError
from crosstally.runner import RunReport, run
from crosstally.settings import Settings

_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+(?:\.\d+)?)([smhd])")


def parse_every(text: str) -> float:
    """Seconds in an interval written as 90, 90s, 10m, 1h or 1h30m."""
    t = text.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", t):
        seconds = float(t)
    elif t and _PART.sub("", t) == "":
        seconds = sum(float(n) * _UNIT[u] for n, u in _PART.findall(t))
    else:
        raise CrosstallyError(f"--every {text!r}: write an interval as 30s, 10m, 1h or 1h30m")
    if seconds < 1:
        raise CrosstallyError(f"--every {text!r}: poll at most once a second")
    return seconds


def conflict_key(c: dict) -> tuple:
    """What identifies a conflict across runs: its kind and the two figures (article and offset)."""
    return (c["kind"], c["a"]["article"], c["a"]["start"], c["b"]["article"], c["b"]["start"])


def stored_conflicts(db: str | Path) -> set[tuple]:
    """The conflicts the database holds now (none when it does not exist yet)."""
    import json
    import sqlite3

    from crosstally.errors import InputError
    from crosstally.store import is_postgres_url, open_read_only

    if not is_postgres_url(str(db)) and not Path(db).is_file():
        return set()
    try:
        con = open_read_only(str(db))
    except InputError:  # an empty PostgreSQL database, before the first poll makes the tables
        return set()
    try:
        return {conflict_key(json.loads(r["body"])) for r in con.execute("SELECT body FROM conflicts")}
    except sqlite3.OperationalError:  # a SQLite database from before conflicts were stored
        return set()
    finally:
        con.close()


@dataclass
class Poll:
    number: int
    started: float
    report: RunReport
    new_conflicts: list[dict] = field(default_factory=list)


def watch(paths: list[str], db: str | Path, settings: Settings, every: float, cycles: int | None = None,
          on_poll: Callable[[Poll], None] = lambda poll: None, stop: threading.Event | None = None,
          out_dir: str | Path | None = None) -> int:
    """Poll `paths` into `db` (a SQLite file or a postgresql:// URL) every `every` seconds until
    `stop` is set (or `cycles` polls are done); returns the number of polls. Exports are written
    into `out_dir`, by default next to a SQLite database."""
    from crosstally.store import exports_dir

    out_dir = out_dir or exports_dir(db)
    stop = stop or threading.Event()
    n = 0
    while not stop.is_set() and (cycles is None or n < cycles):
        n += 1
        started = time.time()
        known = stored_conflicts(db)
        report = run(paths, out_dir, settings, db=db, should_stop=stop.is_set)
        fresh = [c for c in report.conflicts if conflict_key(c) not in known]
        on_poll(Poll(n, started, report, fresh))
        if cycles is not None and n >= cycles:
            break
        stop.wait(max(0.0, started + every - time.time()))
    return n
