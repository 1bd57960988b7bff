"""Crash safety: a real `crosstally run` killed with SIGKILL at several points, then run again, ends
with exactly the database an uninterrupted run makes: no duplicate, no half-stored article, no lost
claim."""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from crosstally.runner import sample_dir

TOWNS = ["Varenna Bay", "Oskel", "Tamsin Ford", "Brightwater", "Kellmoor", "Sarn Valley", "Ilvane", "Dunmere",
         "Port Halloway", "Ebbridge", "Corran Heights", "Vessa", "Marlow Cross", "Quillon", "Redfern Gap",
         "Thornbury", "Aldwick", "Sollen", "Greyhaven", "Mistral Point"]


def storm_article(n: int, town: str) -> str:
    """A short fictional report with figures that vary from article to article."""
    killed, injured, displaced = 3 + 7 * n, 20 + 13 * n, 1_000 + 450 * n
    return (f"Storm kills {killed} in {town}\n\n"
            f"At least {killed} people were killed when a storm struck {town} on Sunday, the regional "
            f"governor said. Rescue teams said {injured} people were injured and about {displaced:,} were "
            f"forced from their homes.\n\n"
            f"The local Red Cross said on Monday that {killed + 2} people had died and {n + 1} were still "
            f"missing. Police said they had arrested {n % 4 + 2} men for looting.\n")


def write_corpus(folder: Path) -> int:
    """The shipped samples, twenty storm reports, an exact copy of one and a binary file; returns
    how many articles a run stores."""
    folder.mkdir()
    for sample in sample_dir().iterdir():
        shutil.copy(sample, folder / sample.name)
    for n, town in enumerate(TOWNS):
        (folder / f"storm-{n:02d}.txt").write_text(storm_article(n, town), encoding="utf-8")
    shutil.copy(folder / "storm-03.txt", folder / "storm-03-again.txt")
    (folder / "noise.bin").write_bytes(bytes(range(256)) * 64)
    return len(list(sample_dir().iterdir())) + len(TOWNS)


def crosstally_run(corpus: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crosstally.cli", "run", str(corpus), "--out", str(out),
                             "--quiet", *extra], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def stored(db: Path) -> int:
    """Articles committed so far, as another process sees them; -1 before the table exists."""
    try:
        con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True, timeout=0.05)
        try:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return -1


def stored_in_postgres(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as con:
            return con.execute("SELECT count(*) FROM articles").fetchone()[0]
    except psycopg.Error:
        return -1


def kill_when(process: subprocess.Popen, db: Path, articles: int, timeout: float = 120, count=None) -> int:
    """SIGKILL the run once `articles` are stored (0: as soon as its database appears); returns how
    many were stored when it died. `count` reads how many are stored (SQLite's file by default)."""
    count = count or (lambda: stored(db))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        if (articles == 0 and db.exists()) or (articles > 0 and count() >= articles):
            break
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait()
    return count()


def contents(db: Path) -> dict:
    """Everything a run stores, without the times, run numbers and row ids that differ from run to run."""
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
        con.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
        con.execute("INSERT INTO claims_fts (claims_fts) VALUES ('integrity-check')")

        def rows(sql: str) -> list[tuple]:
            return [tuple(r) for r in con.execute(sql)]

        last_run = con.execute("SELECT max(id) FROM runs").fetchone()[0]
        return {
            "articles": rows("SELECT id, hash, source, title, outlet, date, url, credits, format, text, "
                             "extractor_version FROM articles ORDER BY id"),
            "claims": rows('SELECT c.article_id, c.quote, c.sentence, c.start, c."end", c.value, c.low, c.high, '
                           "c.qualifier, c.measure, c.who, k.name, c.via, c.modality, c.in_headline, "
                           "c.extractor_version FROM claims c LEFT JOIN claimants k ON k.id = c.claimant_id "
                           'ORDER BY c.article_id, c.start, c."end"'),
            "claimants": rows("SELECT name FROM claimants ORDER BY name"),
            "duplicates": rows("SELECT id, same_as, source, url, outlet, date FROM duplicates ORDER BY id"),
            "minhash": rows("SELECT * FROM minhash ORDER BY article_id"),
            "bands": rows("SELECT * FROM minhash_bands ORDER BY article_id, band_key"),
            "near": rows("SELECT * FROM near_duplicates ORDER BY article_id, other_id"),
            "stories": rows("SELECT * FROM story_articles ORDER BY story, article_id"),
            "aliases": rows("SELECT * FROM claimant_aliases ORDER BY story, canonical, alias"),
            "slots": rows("SELECT * FROM slots ORDER BY id"),
            "slot_claims": rows("SELECT * FROM slot_claims ORDER BY article_id, start"),
            "timelines": rows("SELECT story, claimant, body FROM timelines ORDER BY rowid"),
            "conflicts": rows("SELECT * FROM conflicts ORDER BY id"),
            "rejects of the last run": rows(f"SELECT source, reason FROM rejects WHERE run_id = {last_run} "
                                            "ORDER BY source"),
            "last run finished": rows(f"SELECT finished_at IS NOT NULL FROM runs WHERE id = {last_run}"),
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("crash")
    count = write_corpus(root / "in")
    reference = root / "reference"
    process = crosstally_run(root / "in", reference)
    assert process.wait(timeout=300) == 0, process.stderr.read().decode()
    return root / "in", count, contents(reference / "crosstally.db"), reference


# Where the run dies: as its database appears (mid-migration), after the first article, half-way,
# and once every article is stored (duplicates, story stage, exports and report still to come).
@pytest.mark.parametrize("at", ["start", "first", "half", "all"])
def test_a_killed_run_run_again_ends_as_an_uninterrupted_one(corpus, tmp_path, at):
    folder, count, expected, _ = corpus
    assert len(expected["articles"]) == count and expected["duplicates"] and expected["claims"]
    out = tmp_path / "out"
    threshold = {"start": 0, "first": 1, "half": count // 2, "all": count}[at]
    died_with = kill_when(crosstally_run(folder, out), out / "crosstally.db", threshold)
    if at == "all":
        assert died_with == count
    else:
        assert threshold <= died_with < count or (at == "start" and died_with == -1)
    again = crosstally_run(folder, out)
    assert again.wait(timeout=300) == 0, again.stderr.read().decode()
    assert contents(out / "crosstally.db") == expected
    assert not os.path.exists(out / "crosstally.db-journal")


def test_a_run_killed_half_way_into_postgresql_ends_as_an_uninterrupted_one(corpus, tmp_path, pg_url):
    folder, count, expected, reference = corpus
    out = tmp_path / "out"
    died_with = kill_when(crosstally_run(folder, out, "--db", pg_url), out / "none", count // 2,
                          count=lambda: stored_in_postgres(pg_url))
    assert count // 2 <= died_with < count
    again = crosstally_run(folder, out, "--db", pg_url)
    assert again.wait(timeout=300) == 0, again.stderr.read().decode()
    for name in ("claims.jsonl", "conflicts.jsonl", "stories.jsonl", "rejects.jsonl"):
        assert (out / name).read_bytes() == (reference / name).read_bytes(), name
    import psycopg

    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchone()[0] == len(expected["articles"])
        assert con.execute("SELECT count(*) FROM duplicates").fetchone()[0] == len(expected["duplicates"])
        assert con.execute("SELECT count(*) FROM near_duplicates").fetchone()[0] == len(expected["near"])
        assert con.execute("SELECT count(*) FROM minhash_bands").fetchone()[0] == len(expected["bands"])
