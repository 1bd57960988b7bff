"""The parts that keep a large run flat in memory: the story stage in blocks of consecutive days,
bounded blocking in the grouping, and a run report that keeps counts rather than every article."""
from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from crosstally import runner
from crosstally.model import Article
from crosstally.runner import RESULTS_KEPT, RunReport, in_transactions, run
from crosstally.settings import Settings
from crosstally.store.sqlite import SQLiteStore
from crosstally.stories import block_prefix, blocks
from crosstally.stories.grouping import (
    MAX_POSTING,
    Doc,
    _features,
    _vectors,
    candidate_pairs,
    group,
)
from crosstally.web import views
from crosstally.web.render import anchor

DAY = date(2024, 3, 1)


def test_a_store_within_the_cap_is_one_block_in_id_order():
    days = [("b", DAY), ("a", None), ("c", DAY + timedelta(days=40))]
    assert blocks(days, cap=3) == [["a", "b", "c"]]
    assert blocks([], cap=3) == [[]]
    assert block_prefix(0, 1) == "S" and block_prefix(1, 3) == "B2.S"


def test_blocks_are_cut_between_days_and_hold_each_article_once():
    days = [(f"d{k}-{i}", DAY + timedelta(days=k)) for k in range(10) for i in range(k % 3 + 1)]
    days += [("u1", None), ("u2", None), ("u3", None)]
    cut = blocks(days, cap=5)
    assert sorted(i for b in cut for i in b) == sorted(i for i, _ in days)
    assert all(len(b) <= 5 for b in cut)
    day_of = dict(days)
    dated = [b for b in cut if all(day_of[i] for i in b)]
    for earlier, later in pairwise(dated):
        assert max(day_of[i] for i in earlier) < min(day_of[i] for i in later), "a day is never split"
    assert cut[-1] == ["u1", "u2", "u3"], "undated articles make blocks of their own"


def test_a_day_with_more_articles_than_the_cap_is_cut_in_pieces():
    days = [(f"a{i:02d}", DAY) for i in range(12)]
    cut = blocks(days, cap=5)
    assert [len(b) for b in cut] == [5, 5, 2]


def test_a_word_shared_by_very_many_articles_pairs_each_with_a_bounded_number():
    n = 3 * MAX_POSTING
    docs = [Doc(f"a{i}", f"Floodwater reached Karvina district on day {i}. Residents of Karvina left.", None)
            for i in range(n)]
    vectors = _vectors([f.terms for f in _features(docs)])
    pairs = candidate_pairs(vectors)
    assert len(pairs) <= n * MAX_POSTING
    assert len(group(docs)) == 1, "the sorted neighbourhood still joins them into one story"


# Two events months apart, each covered by two outlets that disagree on the toll.
FLOOD = ("Floodwaters swept through the river town of Orlova on Friday. The regional governor said "
         "{n} people were killed and dozens of homes were destroyed, while rescuers kept searching.")
STRIKE = ("Thousands of dock workers walked out across the port of Brindmoor on Tuesday. Union leaders "
          "said {n} people joined the march to the harbour offices, a figure the port authority disputed.")


def _write_events(folder):
    folder.mkdir()
    rows = []
    for name, text, n, day in (("flood-a", FLOOD, 12, DAY), ("flood-b", FLOOD, 14, DAY),
                               ("strike-a", STRIKE, 4000, DAY + timedelta(days=90)),
                               ("strike-b", STRIKE, 6500, DAY + timedelta(days=90))):
        (folder / f"{name}.txt").write_text(text.format(n=n) + "\n", encoding="utf-8")
        rows.append({"article": name, "date": day.isoformat(), "outlet": name.split("-")[1]})
    return {r["article"]: r for r in rows}


def _stories(path):
    return sorted(sorted(json.loads(line)["articles"]) for line in open(path))


def test_a_store_analysed_in_blocks_finds_the_stories_and_conflicts_of_a_whole_one(tmp_path):
    meta = _write_events(tmp_path / "in")
    whole = run([str(tmp_path / "in")], tmp_path / "whole", Settings(meta=meta))
    assert runner._WORKER is not None, "a one-block store keeps the model for the next run"
    parts = run([str(tmp_path / "in")], tmp_path / "parts", Settings(meta=meta, story_block=2))
    assert runner._WORKER is None, "a store of several blocks lets the model go before the story stage"
    assert whole.analysis is not None and parts.analysis is None, "only a one-block store keeps its analysis"
    assert whole.stories == parts.stories == 2
    assert _stories(tmp_path / "whole" / "stories.jsonl") == _stories(tmp_path / "parts" / "stories.jsonl") == [
        ["flood-a", "flood-b"], ["strike-a", "strike-b"]]

    def values(conflicts):
        return sorted((c["kind"], c["a"]["value"], c["b"]["value"]) for c in conflicts)

    assert values(whole.conflicts) == values(parts.conflicts) and len(parts.conflicts) == 2
    assert {c["story"] for c in parts.conflicts} == {"B1.S1", "B2.S1"}
    assert [json.loads(line)["story"] for line in open(tmp_path / "parts" / "conflicts.jsonl")] == \
        [c["story"] for c in parts.conflicts]
    store = SQLiteStore(tmp_path / "parts" / "crosstally.db", read_only=True)
    try:
        assert [s["id"] for s in views.stories(store.db)["items"]] == ["B1.S1", "B2.S1"]
        assert views.story(store.db, "B2.S1")["articles"]
    finally:
        store.close()
    html = (tmp_path / "parts" / "report.html").read_text(encoding="utf-8")
    assert f'id="story-{anchor("B1.S1")}"' in html and f'id="article-{anchor("strike-b")}"' in html


def test_a_run_report_keeps_counts_for_every_article_and_claims_for_the_first():
    report = RunReport(out_dir=None)
    for i in range(RESULTS_KEPT + 5):
        report.add(Article(f"a{i}", "text", "src"), [])
    assert report.extracted == RESULTS_KEPT + 5 and len(report.results) == RESULTS_KEPT


@given(st.lists(st.one_of(st.none(), st.integers(0, 30)), max_size=80), st.integers(1, 12))
def test_blocks_never_exceed_the_cap_and_split_only_days_over_it(day_numbers, cap):
    days = [(f"a{i:03d}", None if d is None else DAY + timedelta(days=d)) for i, d in enumerate(day_numbers)]
    cut = blocks(days, cap)
    assert sorted(i for b in cut for i in b) == sorted(i for i, _ in days)
    assert all(len(b) <= cap for b in cut) or len(cut) == 1 and len(days) <= cap
    if len(cut) > 1:
        home = {i: k for k, b in enumerate(cut) for i in b}
        per_day: dict = {}
        for i, d in days:
            per_day.setdefault(d, set()).add(home[i])
        for d, homes in per_day.items():
            if d is not None and sum(1 for _, e in days if e == d) <= cap:
                assert len(homes) == 1, "a day that fits in a block is never cut"


def _committed(path) -> int:
    """Articles another connection sees in the store: those committed."""
    reader = SQLiteStore(path, read_only=True)
    try:
        return reader.db.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        reader.close()


def test_stored_chunks_are_committed_alone_first_then_in_doubling_transactions(tmp_path):
    path = tmp_path / "store.db"
    store = SQLiteStore(path)
    run_id = store.start_run(["chunks"], "test")
    chunks = [[Article(f"a{k:02d}-{i}", f"Article {k}, part {i}.", "test") for i in range(4)] for k in range(12)]
    seen = []  # committed articles as each chunk is handed over, before it is stored
    try:
        for chunk in in_transactions(store, chunks, most=16):
            seen.append(_committed(path))
            for article in chunk:
                store.save_article(article, [], run_id, "test")
    finally:
        store.close()
    # Transactions of 4, 8, 16, 16 articles: the first chunk alone, then doubling up to `most`.
    assert seen == [0, 4, 4, 12, 12, 12, 12, 28, 28, 28, 28, 44]
    assert _committed(path) == 48


def test_a_failure_takes_back_only_the_transaction_under_way(tmp_path):
    path = tmp_path / "store.db"
    store = SQLiteStore(path)
    run_id = store.start_run(["chunks"], "test")
    chunks = [[Article(f"a{k}", f"Article {k}.", "test")] for k in range(5)]
    try:
        try:
            for chunk in in_transactions(store, chunks, most=2):
                for article in chunk:
                    if article.id == "a4":
                        raise RuntimeError("the disk is full")
                    store.save_article(article, [], run_id, "test")
        except RuntimeError:
            pass
        # Committed: a0, then a1 and a2; a3 was in the transaction the failure rolled back.
        assert sorted(store.read_by(None)) == ["a0", "a1", "a2"]
    finally:
        store.close()
