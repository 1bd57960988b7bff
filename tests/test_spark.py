"""The Spark application in local mode (PySpark from PyPI, on the machine's Java), on a small corpus
the tests write: it must give the claims, duplicates and conflicts one machine gives."""
from __future__ import annotations

import json

import pytest

from crosstally import spark as spark_job
from crosstally.runner import run as run_here
from crosstally.settings import Settings
from tests.test_archives import news_warc


def _corpus(folder, samples):
    folder.mkdir()
    news_warc(folder / "news.warc.gz")
    with open(folder / "samples.jsonl", "w", encoding="utf-8") as f:
        for p in sorted(samples.glob("*.txt")):
            f.write(json.dumps({"id": p.stem, "text": p.read_text(encoding="utf-8"), "date": "2023-09-16"}) + "\n")
        again = (samples / "derna-wire.txt").read_text(encoding="utf-8")
        f.write(json.dumps({"id": "derna-wire", "text": again, "date": "2023-09-16"}) + "\n")  # an exact copy
        f.write(json.dumps({"id": "derna-wire", "text": again + "\nCorrected.", "date": "2023-09-16"}) + "\n")
        f.write("this line is not JSON\n")
    (folder / "notes.txt").write_text("not an archive", encoding="utf-8")


@pytest.fixture(scope="module")
def session():
    spark = spark_job.session("local[2]")
    yield spark
    spark.stop()


def _rows(spark, path) -> list[dict]:
    return [r.asDict(recursive=True) for r in spark.read.parquet(str(path)).collect()]


def test_spark_gives_the_claims_duplicates_and_conflicts_of_one_machine(tmp_path, session):
    from crosstally.runner import sample_dir

    _corpus(tmp_path / "in", sample_dir())
    archives = [str(tmp_path / "in" / "news.warc.gz"), str(tmp_path / "in" / "samples.jsonl")]
    here = run_here(archives, tmp_path / "here", Settings())
    report = spark_job.run([str(tmp_path / "in")], tmp_path / "spark", Settings(), spark=session, partitions=3)

    def claim_key(d: dict) -> str:
        d = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in d.items()
             if k != "extractor_version"}
        return json.dumps(d, sort_keys=True)

    mine = sorted(claim_key(json.loads(line)) for line in open(tmp_path / "here" / "claims.jsonl"))
    theirs = sorted(claim_key(r) for r in _rows(session, tmp_path / "spark" / "claims"))
    assert mine and theirs == mine
    assert report.claims == len(mine) and report.articles == here.extracted

    articles = {r["id"]: r for r in _rows(session, tmp_path / "spark" / "articles")}
    assert "derna-wire-2" not in articles and "derna-wire-3" in articles, "ids are made unique as one machine does"
    assert [(d["id"], d["same_as"]) for d in _rows(session, tmp_path / "spark" / "duplicates")] == \
        [("derna-wire-2", "derna-wire")] == here.duplicates
    rejects = {r["source"]: r["reason"] for r in _rows(session, tmp_path / "spark" / "rejects")}
    assert any(s.endswith("samples.jsonl:6") and "not JSON" in why for s, why in rejects.items())
    assert any(s.endswith("notes.txt") for s in rejects)
    assert report.rejects == len(rejects) == len(here.rejects) + 1, "the text file is refused by Spark only"

    def conflict_key(c: dict) -> tuple:
        return c["kind"], c["slot"], c["a"]["article"], c["a"]["value"], c["b"]["article"], c["b"]["value"]

    spark_conflicts = [json.loads(r["body"]) for r in _rows(session, tmp_path / "spark" / "conflicts")]
    assert spark_conflicts and sorted(map(conflict_key, spark_conflicts)) == sorted(map(conflict_key, here.conflicts))
    stories = _rows(session, tmp_path / "spark" / "stories")
    assert sorted(sorted(s["articles"]) for s in stories) == sorted(
        sorted(json.loads(line)["articles"]) for line in open(tmp_path / "here" / "stories.jsonl"))
    assert {a["story"] for a in articles.values()} == {s["story"] for s in stories}
