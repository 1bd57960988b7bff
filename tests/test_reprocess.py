"""`crosstally reprocess`: stored articles extracted again with the current extractor, whose version
every article and claim records."""
from __future__ import annotations

import sqlite3

from click.testing import CliRunner

from crosstally.cli import cli
from crosstally.runner import extractor_version, sample_dir


def crosstally(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


def test_reprocess_redoes_what_an_older_extractor_read(tmp_path):
    out = tmp_path / "out"
    crosstally("run", str(sample_dir()), "--out", str(out), "--quiet")
    claims = (out / "claims.jsonl").read_bytes()
    db = sqlite3.connect(out / "crosstally.db", isolation_level=None)
    versions = {v for (v,) in db.execute("SELECT extractor_version FROM claims UNION "
                                         "SELECT extractor_version FROM articles")}
    assert versions == {extractor_version()}

    # As if an older extractor had read two articles, and found fewer figures in one of them.
    db.execute("UPDATE articles SET extractor_version = '0.0.1+x0' WHERE id IN ('derna-wire', 'derna-un-toll')")
    db.execute("UPDATE claims SET extractor_version = '0.0.1+x0' WHERE article_id = 'derna-wire'")
    db.execute("DELETE FROM claims WHERE article_id = 'derna-un-toll'")
    untouched = db.execute("SELECT id FROM claims WHERE article_id = 'derna-red-crescent' ORDER BY id").fetchall()

    printed = crosstally("reprocess", str(out), "--quiet")
    assert "2 articles extracted again" in printed and "2 already read by it" in printed
    assert (out / "claims.jsonl").read_bytes() == claims
    assert {v for (v,) in db.execute("SELECT extractor_version FROM claims")} == {extractor_version()}
    assert db.execute("SELECT id FROM claims WHERE article_id = 'derna-red-crescent' ORDER BY id").fetchall() \
        == untouched, "articles the current extractor read are left as they are"
    runs = db.execute("SELECT inputs, articles, added FROM runs ORDER BY id").fetchall()
    assert runs[-1] == ('["reprocess"]', 4, 2)

    assert "0 articles extracted again" in crosstally("reprocess", str(out / "crosstally.db"), "--quiet")
    assert "4 articles extracted again" in crosstally("reprocess", str(out), "--all", "--quiet")
    assert (out / "claims.jsonl").read_bytes() == claims


def test_reprocess_names_a_missing_database(tmp_path):
    r = CliRunner().invoke(cli, ["reprocess", str(tmp_path / "none.db")])
    assert r.exit_code != 0 and "no such database" in str(r.exception or r.output)


def test_a_schema_4_database_learns_which_version_read_each_article(tmp_path):
    out = tmp_path / "out"
    crosstally("run", str(sample_dir()), "--out", str(out), "--quiet")
    db = sqlite3.connect(out / "crosstally.db", isolation_level=None)
    # Back to schema 4, with one article's claims from an older extractor and one article without figures.
    db.execute("ALTER TABLE articles DROP COLUMN extractor_version")
    db.execute("DELETE FROM migrations WHERE version = 5")
    db.execute("UPDATE claims SET extractor_version = '0.0.1+x0' WHERE article_id = 'derna-wire'")
    db.execute("DELETE FROM claims WHERE article_id = 'derna-un-toll'")
    db.close()
    printed = crosstally("reprocess", str(out), "--quiet")
    assert "2 articles extracted again" in printed  # the older one, and the one no claim vouches for
    db = sqlite3.connect(out / "crosstally.db")
    assert db.execute("SELECT max(version) FROM migrations").fetchone()[0] == 5
    assert {v for (v,) in db.execute("SELECT extractor_version FROM articles")} == {extractor_version()}
