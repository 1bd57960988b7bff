import sqlite3

import psycopg
import pytest

from crosstally.model import Article, Claim, Measure, Modality, Qualifier, Reject
from crosstally.store import open_store
from crosstally.store.sql import SCHEMA_VERSION

INTEGRITY = (sqlite3.IntegrityError, psycopg.IntegrityError)
CLAIM = Claim(article="a", quote="about 40", sentence="About 40 died.", start=0, end=8, value=40, low=40,
              high=40, qualifier=Qualifier.APPROXIMATELY, measure=Measure.KILLED, who="people",
              claimant="officials", via="Reuters", modality=Modality.ASSERTED, in_headline=False)


def test_migrations_are_recorded_once(store):
    assert store.schema_version() == SCHEMA_VERSION
    store.close()
    again = open_store(getattr(store, "url", None) or store.path)
    rows = again.db.execute("SELECT count(*) AS n FROM migrations").fetchone()["n"]
    assert rows == len(again.migrations)  # SQLite took four steps to schema 4, PostgreSQL one
    again.close()


def test_claim_survives_the_store(store):
    run = store.start_run(["x"], "test")
    store.save_article(Article(id="a", text="About 40 died.", source="a.txt"), [CLAIM], run, "v")
    assert list(store.claims()) == [CLAIM]


def test_changed_article_replaces_its_claims(store):
    run = store.start_run(["x"], "test")
    store.save_article(Article(id="a", text="About 40 died.", source="a.txt"), [CLAIM], run, "v")
    newer = Article(id="a", text="About 40 died. Updated.", source="a.txt")
    store.save_article(newer, [], run, "v")
    assert store.article_hash("a") == newer.hash
    assert list(store.claims()) == []
    assert store.counts()["articles"] == 1


def test_failed_article_leaves_earlier_ones(store):
    run = store.start_run(["x"], "test")
    store.save_article(Article(id="a", text="About 40 died.", source="a.txt"), [CLAIM], run, "v")
    bad = Claim(**{**CLAIM.to_dict(), "article": "b", "qualifier": Qualifier.EXACT, "measure": Measure.KILLED,
                   "modality": Modality.ASSERTED, "quote": None})
    with pytest.raises(INTEGRITY):
        store.save_article(Article(id="b", text="x", source="b.txt"), [bad], run, "v")
    assert store.counts()["articles"] == 1 and list(store.claims()) == [CLAIM]
    store.save_reject(run, Reject("c.bin", "binary data, not text"))
    assert store.counts()["rejects"] == 1


def test_a_claimant_first_named_in_a_failed_article_is_stored_with_the_next(store):
    run = store.start_run(["x"], "test")
    first = Claim(**{**CLAIM.to_dict(), "article": "b", "claimant": "Coast Guard", "qualifier": Qualifier.EXACT,
                     "measure": Measure.KILLED, "modality": Modality.ASSERTED})
    bad = Claim(**{**first.to_dict(), "qualifier": Qualifier.EXACT, "measure": Measure.KILLED,
                   "modality": Modality.ASSERTED, "quote": None})
    with pytest.raises(INTEGRITY):  # "Coast Guard" is inserted, then rolled back
        store.save_article(Article(id="b", text="x", source="b.txt"), [first, bad], run, "v")
    store.save_article(Article(id="b", text="x", source="b.txt"), [first], run, "v")
    assert [c.claimant for c in store.claims()] == ["Coast Guard"]
    assert store.counts()["claimants"] == 1
