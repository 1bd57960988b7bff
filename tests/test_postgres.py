"""PostgreSQL: `--db postgresql://...` for run, check, serve and reprocess gives what SQLite gives,
against a real server from Debian's package (tests/pgserver.py)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from crosstally.check import check
from crosstally.cli import cli
from crosstally.errors import InputError
from crosstally.runner import sample_dir
from crosstally.store import open_read_only, open_store
from crosstally.web import views
from crosstally.web.app import create_app
from tests.webdata import HOSTILE_NAME, write_hostile

EXPORTS = ("claims.jsonl", "claims.csv", "conflicts.jsonl", "stories.jsonl", "rejects.jsonl")
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def crosstally(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def every_view(target: str) -> dict:
    """Every view the report and the app show, as JSON would carry them (run times left out)."""
    db = views.open_db(target)
    try:
        out = {"totals": {**views.totals(db), "updated": None}, "stories": views.stories(db),
               "conflicts": views.conflicts(db, per_page=500), "articles": views.articles(db, per_page=500),
               "claims": views.claims(db, per_page=500), "facets": views.facets(db)}
        for s in out["stories"]["items"]:
            out[f"story {s['id']}"] = views.story(db, s["id"])
            outline = views.story_outline(db, s)
            out[f"outline {s['id']}"] = {**outline, "slots": list(outline["slots"])}
        for a in out["articles"]["items"]:
            out[f"article {a['id']}"] = views.article(db, a["id"])
        for c in out["conflicts"]["items"]:
            out[f"conflict {c['id']}"] = views.conflict(db, c["id"])
        for name in out["facets"]["claimants"]:
            out[f"claimant {name}"] = views.claimant(db, name)
        for q in ("killed", "dead*", "people died", "Libya"):
            found = views.search(db, q, per_page=500)  # ranks and snippets are each engine's own
            out[f"search {q}"] = {"articles": sorted(i["id"] for i in found["articles"]["items"]),
                                  "claims": sorted((i["article"], i["start"]) for i in found["claims"]["items"])}
        return without_claim_ids(json.loads(json.dumps(out, default=str)))
    finally:
        db.close()


def without_claim_ids(x):
    """Views with each claim's row id left out: once claims are replaced, SQLite reuses row ids and
    PostgreSQL does not, so they are each database's own (figures are keyed by article and offset)."""
    if isinstance(x, dict):
        return {k: without_claim_ids(v) for k, v in x.items() if not (k == "id" and "quote" in x and "start" in x)}
    if isinstance(x, list):
        return [without_claim_ids(v) for v in x]
    return x


def run_both(inputs: list[str], tmp_path: Path, pg_url: str, *extra: str) -> tuple[Path, Path]:
    sqlite_out, pg_out = tmp_path / "sqlite", tmp_path / "pg"
    crosstally("run", *inputs, "--out", str(sqlite_out), "--quiet", *extra)
    crosstally("run", *inputs, "--out", str(pg_out), "--db", pg_url, "--quiet", *extra)
    return sqlite_out, pg_out


def assert_same_results(sqlite_out: Path, pg_out: Path, pg_url: str) -> dict:
    for name in EXPORTS:
        assert (pg_out / name).read_bytes() == (sqlite_out / name).read_bytes(), name
    assert STAMP.sub("", (pg_out / "report.html").read_text("utf-8")) == \
        STAMP.sub("", (sqlite_out / "report.html").read_text("utf-8"))
    on_sqlite, on_pg = every_view(str(sqlite_out / "crosstally.db")), every_view(pg_url)
    assert on_pg.keys() == on_sqlite.keys()
    for key in on_sqlite:
        assert on_pg[key] == on_sqlite[key], key
    return on_pg


def test_run_check_and_serve_give_the_same_results_on_postgresql(tmp_path, pg_url):
    inputs = [str(sample_dir()), str(write_hostile(tmp_path / "hostile").parent)]
    sqlite_out, pg_out = run_both(inputs, tmp_path, pg_url)
    shown = assert_same_results(sqlite_out, pg_out, pg_url)
    assert shown["totals"]["conflicts"] > 0 and shown["search killed"]["articles"]
    assert f"article {HOSTILE_NAME}" in shown  # quotes, angle brackets and % in an id

    # A second run finds every article unchanged there too, and the results stay the same.
    assert "0 articles extracted, 5 unchanged" in crosstally("run", *inputs, "--out", str(pg_out), "--db", pg_url)
    crosstally("run", *inputs, "--out", str(sqlite_out))
    assert_same_results(sqlite_out, pg_out, pg_url)

    article = str(sample_dir() / "derna-un-toll.txt")
    on_pg, on_sqlite = check(article, pg_url).to_dict(), check(article, str(sqlite_out / "crosstally.db")).to_dict()
    assert on_pg.pop("database") == pg_url and on_sqlite.pop("database")
    assert on_pg == on_sqlite and on_pg["figures"]
    assert json.loads(crosstally("check", article, "--db", pg_url, "--json"))["figures"]

    # Reprocessing every article gives the same again.
    assert "5 articles extracted again" in crosstally("reprocess", pg_url, "--out", str(pg_out), "--all", "--quiet")
    crosstally("reprocess", str(sqlite_out), "--all", "--quiet")
    assert_same_results(sqlite_out, pg_out, pg_url)
    assert "0 articles extracted again" in crosstally("reprocess", pg_url, "--out", str(pg_out), "--quiet")

    # The app over PostgreSQL: pages, JSON twins and search, each request on a read-only connection.
    app = create_app(pg_url)
    client = TestClient(app)
    assert client.get("/search?q=killed").status_code == 200
    assert without_claim_ids(client.get("/stories/S1.json").json()) == shown["story S1"]
    db = app.state.connect()
    try:
        with pytest.raises(psycopg.errors.ReadOnlySqlTransaction):
            db.execute("DELETE FROM claims")
    finally:
        db.close()


@pytest.mark.corpus
def test_the_dev_corpus_gives_the_same_results_on_postgresql(tmp_path, pg_url, dev_corpus):
    sqlite_out, pg_out = run_both([str(dev_corpus / "articles")], tmp_path, pg_url,
                                  "--meta", str(dev_corpus / "index.jsonl"))
    shown = assert_same_results(sqlite_out, pg_out, pg_url)
    assert shown["totals"]["articles"] == len(list((dev_corpus / "articles").iterdir()))


def test_a_bad_postgresql_url_is_named_without_its_password(postgres):
    url = postgres.url("no_such_database").replace("crosstally@", "crosstally:s3cret@")
    with pytest.raises(InputError) as e:
        open_store(url)
    assert "no_such_database" in str(e.value) and "s3cret" not in str(e.value) and "***" in str(e.value)
    r = CliRunner().invoke(cli, ["check", str(sample_dir() / "derna-wire.txt"), "--db", url])
    assert r.exit_code != 0 and "s3cret" not in r.output


def test_a_postgresql_database_that_is_not_crosstallys_is_refused(postgres, pg_url):
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("CREATE TABLE articles (id TEXT)")
    with pytest.raises(InputError, match="not a crosstally database"):
        open_read_only(pg_url)


def test_watch_keeps_a_postgresql_database_current(tmp_path, pg_url):
    from crosstally.settings import Settings
    from crosstally.watch import watch

    polls = []
    assert watch([str(sample_dir())], pg_url, Settings(), every=0.1, cycles=2, on_poll=polls.append,
                 out_dir=tmp_path / "out") == 2
    assert len(polls[0].report.results) == 4 and polls[0].new_conflicts
    assert polls[1].report.results == [] and polls[1].new_conflicts == [], "nothing is reported twice"
    assert (tmp_path / "out" / "report.html").exists()
    # The command installs signal handlers, so it runs in a process of its own.
    r = subprocess.run([sys.executable, "-m", "crosstally.cli", "watch", str(sample_dir()), "--db", pg_url,
                        "--out", str(tmp_path / "o2"), "--cycles", "1"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "0 new conflicts" in r.stdout and "4 unchanged" in r.stdout and "postgresql://" in r.stdout
