"""crosstally on Apache Spark: the main job for archives larger than one machine reads.

The same code as `crosstally run`, spread over a cluster:

1. Each WARC, WARC.gz or JSON Lines file is read by one task, record by record (as one machine
   reads it); records that are not articles are rejects with their reason.
2. Ids are made unique and exact duplicates dropped as one machine does, by window functions over
   each article's place in the input (file, then record).
3. Claims are extracted partition by partition: each Python worker loads the spaCy model once and
   keeps it for every partition it is given.
4. The story stage runs on blocks of consecutive days (`crosstally.stories.block_starts`, the
   same cut as one machine's): the day counts are gathered, each article is given its block by a
   join, and each block's stories, slots and conflicts are found by one task. Nothing is compared
   across blocks, so there is no all-pairs step.

Articles, claims, stories, conflicts, duplicates and rejects are written as Parquet. Run it with
`crosstally spark INPUT... --out DIR` (local mode), or hand this file to spark-submit (README).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from crosstally.ingest.archives import is_jsonl, is_warc, iter_jsonl, iter_warc
from crosstally.model import Article, Claim, Reject
from crosstally.settings import Settings

TABLES = ("articles", "claims", "stories", "conflicts", "duplicates", "rejects")
CHUNK = 64  # articles handed to the extractor at a time


@dataclass
class SparkReport:
    out_dir: str
    articles: int
    claims: int
    stories: int
    conflicts: int
    duplicates: int
    rejects: int
    blocks: int


def input_files(paths: Iterable[str]) -> tuple[list[str], list[Reject]]:
    """The archive files the inputs name (folders are searched, hidden entries skipped, in the
    order one machine reads them), and a reject for anything else."""
    files: list[str] = []
    rejects: list[Reject] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
        elif path.is_file():
            found = [path]
        else:
            rejects.append(Reject(raw, "no such file or folder"))
            continue
        for p in found:
            if is_warc(p) or is_jsonl(p):
                files.append(str(p))
            else:
                rejects.append(Reject(str(p), "crosstally spark reads WARC, WARC.gz and JSON Lines files only"))
    return files, rejects


def _read_file(settings: Settings, numbered: tuple[int, str]) -> Iterator[tuple]:
    """("article", file, record, fields...) or ("reject", source, reason) for each record of one file."""
    n, name = numbered
    path = Path(name)
    items = iter_warc(path, settings) if is_warc(path) else iter_jsonl(path, settings)
    for k, item in enumerate(items):
        if isinstance(item, Article):
            yield ("article", n, k, item.id, item.text, item.source, item.title, item.outlet, item.date, item.url,
                   list(item.credits), item.format, item.hash)
        else:
            yield ("reject", item.source, item.reason)


_EXTRACTOR = None


def _extractor(model: str | None):
    """The spaCy pipeline of this Python worker: loaded by its first partition, kept for the rest."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from crosstally.extractor.pipeline import Extractor, load_nlp, one_blas_thread

        one_blas_thread()
        _EXTRACTOR = Extractor(load_nlp(model))
    return _EXTRACTOR


def _extract_partition(model: str | None, version: str, rows: Iterator) -> Iterator[tuple]:
    """The claims of one partition's articles, as rows of the claims table."""
    extractor = _extractor(model)
    while chunk := list(islice(rows, CHUNK)):
        for claims in extractor.extract_many([(r.id, r.text, r.title) for r in chunk]):
            for c in claims:
                yield (c.article, c.quote, c.sentence, c.start, c.end, float(c.value), _float(c.low), _float(c.high),
                       c.qualifier.value, c.measure.value, c.who, c.claimant, c.via, c.modality.value,
                       c.in_headline, version)


def _float(x: float | None) -> float | None:
    return None if x is None else float(x)


def _analyse_block(prefix_of, pair) -> Iterator[tuple]:
    """Stories and conflicts of one block, as ("story", ...) and ("conflict", ...) rows."""
    from crosstally.export import story_rows
    from crosstally.stories import analyse

    block, (article_rows, claim_rows) = pair
    articles = [Article(r.id, r.text, r.source, r.title, r.outlet, r.date, r.url, tuple(r.credits or ()), r.format)
                for r in sorted(article_rows, key=lambda r: r.id)]
    claims = sorted((Claim.from_dict(r.asDict()) for r in claim_rows), key=lambda c: (c.article, c.start))
    analysis = analyse(articles, claims, prefix=prefix_of(block))
    for row in story_rows(analysis):
        yield ("story", block, row["story"], row["articles"], json.dumps(row, ensure_ascii=False, default=str))
    for c in analysis.conflicts:
        yield ("conflict", block, c["story"], c["kind"], c["slot"], c["slot_id"], c["measure"], c["a"]["article"],
               float(c["a"]["value"]), c["a"]["claimant"], c["b"]["article"], float(c["b"]["value"]),
               c["b"]["claimant"], c["why"], int(c["pairs"]), json.dumps(c, ensure_ascii=False, default=str))


def session(master: str | None = "local[2]"):
    """A Spark session for crosstally: `master` as Spark takes it (None: what spark-submit set)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("crosstally")
    if master:
        builder = builder.master(master)
    if master and master.startswith("local"):
        # Local workers run this Python (its packages), not whichever python3 is on PATH, and
        # a shuffle needs no more partitions than the cores: Spark's 200 suit a cluster.
        # Local mode listens on loopback only.
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        builder = (builder.config("spark.sql.shuffle.partitions", str(2 * (os.cpu_count() or 1)))
                   .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1"))
    spark = (builder.config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def run(paths: list[str], out_dir: str | Path, settings: Settings | None = None, master: str | None = "local[2]",
        partitions: int | None = None, spark=None) -> SparkReport:
    """The main job on Spark. `master` is Spark's (None: what spark-submit set); `partitions`
    is how many extraction tasks (default: two per core Spark has); `spark` an existing session."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F
    from pyspark.sql import types as T
    from pyspark.sql.window import Window

    from crosstally.runner import extractor_version
    from crosstally.stories import block_prefix, block_starts

    settings = settings or Settings()
    out = str(out_dir).rstrip("/")  # a folder, or a URI Spark writes to (hdfs://, s3a://)
    files, rejects = input_files(paths)
    spark = spark or session(master)
    sc = spark.sparkContext
    S, L, D, B, A = T.StringType(), T.LongType(), T.DoubleType(), T.BooleanType(), T.ArrayType(T.StringType())

    def schema(*fields: tuple[str, T.DataType]) -> T.StructType:
        return T.StructType([T.StructField(name, kind, True) for name, kind in fields])

    items = sc.parallelize(list(enumerate(files)), max(1, len(files))).flatMap(
        lambda numbered: _read_file(settings, numbered)).persist(StorageLevel.MEMORY_AND_DISK)
    raw = spark.createDataFrame(items.filter(lambda r: r[0] == "article").map(lambda r: r[1:]), schema(
        ("file", L), ("record", L), ("raw_id", S), ("text", S), ("source", S), ("title", S), ("outlet", S),
        ("date", S), ("url", S), ("credits", A), ("format", S), ("hash", S)))
    # As one machine: a second article with an id already taken is "id-2", then "id-3" ...
    order = ["file", "record"]
    named = raw.withColumn("n", F.row_number().over(Window.partitionBy("raw_id").orderBy(*order))).withColumn(
        "id", F.when(F.col("n") == 1, F.col("raw_id")).otherwise(F.concat_ws("-", "raw_id", F.col("n").cast("string"))))
    # ... and an exact copy of an earlier article's text is a duplicate, stored once.
    first = Window.partitionBy("hash").orderBy(*order)
    ranked = named.withColumn("copy", F.row_number().over(first)).withColumn(
        "same_as", F.first("id").over(first.rowsBetween(Window.unboundedPreceding, Window.currentRow))).persist()
    duplicates = ranked.filter(F.col("copy") > 1).select("id", "same_as")
    articles = (ranked.filter(F.col("copy") == 1)
                .withColumn("day", F.to_date(F.substring("date", 1, 10)))
                .drop("raw_id", "n", "copy", "same_as").persist())

    parts = partitions or 2 * sc.defaultParallelism
    model, version = settings.model, extractor_version()
    claims_rdd = articles.select("id", "text", "title").repartition(parts).rdd.mapPartitions(
        lambda rows: _extract_partition(model, version, rows))
    claims = spark.createDataFrame(claims_rdd, schema(
        ("article", S), ("quote", S), ("sentence", S), ("start", L), ("end", L), ("value", D), ("low", D),
        ("high", D), ("qualifier", S), ("measure", S), ("who", S), ("claimant", S), ("via", S), ("modality", S),
        ("in_headline", B), ("extractor_version", S))).persist()

    # The story stage: the day counts give each day's first block (the same cut as one machine's).
    counts = {r["day"]: r["count"] for r in articles.groupBy("day").count().collect()}
    starts, n_blocks = block_starts(counts, settings.story_block)
    start_of = spark.createDataFrame([(day, start) for day, start in starts.items()],
                                     schema(("day", T.DateType()), ("start", L)))
    in_day = Window.partitionBy("day").orderBy("id")
    placed = (articles.join(start_of, articles["day"].eqNullSafe(start_of["day"]), "left").drop(start_of["day"])
              .withColumn("block", F.col("start") + F.floor((F.row_number().over(in_day) - 1) / settings.story_block))
              .drop("start"))
    block_of = placed.select(F.col("id").alias("article"), "block")
    by_block = placed.rdd.map(lambda r: (r.block, r)).cogroup(
        claims.join(block_of, "article").rdd.map(lambda r: (r.block, r)), numPartitions=max(1, min(n_blocks, parts)))
    found = by_block.flatMap(lambda pair: _analyse_block(lambda b: block_prefix(b, n_blocks), pair)).persist()
    stories = spark.createDataFrame(found.filter(lambda r: r[0] == "story").map(lambda r: r[1:]), schema(
        ("block", L), ("story", S), ("articles", A), ("body", S)))
    conflicts = spark.createDataFrame(found.filter(lambda r: r[0] == "conflict").map(lambda r: r[1:]), schema(
        ("block", L), ("story", S), ("kind", S), ("slot", S), ("slot_id", S), ("measure", S), ("a_article", S),
        ("a_value", D), ("a_claimant", S), ("b_article", S), ("b_value", D), ("b_claimant", S), ("why", S),
        ("pairs", L), ("body", S)))
    story_of = stories.select("story", F.explode("articles").alias("id"))

    written = {
        "articles": placed.drop("day").join(story_of, "id", "left"),
        "claims": claims, "stories": stories, "conflicts": conflicts, "duplicates": duplicates,
        "rejects": spark.createDataFrame([(r.source, r.reason) for r in rejects], schema(("source", S), ("reason", S)))
        .union(spark.createDataFrame(items.filter(lambda r: r[0] == "reject").map(lambda r: r[1:]),
                                     schema(("source", S), ("reason", S)))),
    }
    for name, frame in written.items():
        frame.write.mode("overwrite").parquet(f"{out}/{name}")
    # Counted from what was written: Parquet keeps row counts, so nothing is computed again.
    n = {name: spark.read.parquet(f"{out}/{name}").count() for name in TABLES}
    report = SparkReport(out, n["articles"], n["claims"], n["stories"], n["conflicts"], n["duplicates"],
                         n["rejects"], n_blocks)
    for frame in (items, ranked, articles, claims, found):
        frame.unpersist()
    return report


def main(argv: list[str] | None = None) -> int:
    """The entry point spark-submit runs: crosstally/spark.py INPUT... --out DIR."""
    ap = argparse.ArgumentParser(prog="crosstally-spark", description=__doc__.splitlines()[0])
    ap.add_argument("inputs", nargs="+", help="WARC, WARC.gz or JSON Lines files, or folders of them")
    ap.add_argument("--out", required=True, help="folder (or URI) for the Parquet tables")
    ap.add_argument("--partitions", type=int, default=None, help="extraction tasks (default: 2 per core)")
    ap.add_argument("--block", type=int, default=Settings().story_block, help="most articles in a story-stage block")
    ap.add_argument("--model", default=None, help="spaCy model name")
    args = ap.parse_args(argv)
    report = run(args.inputs, args.out, Settings(model=args.model, story_block=args.block), master=None,
                 partitions=args.partitions)
    print(summary(report))
    return 0


def summary(report: SparkReport) -> str:
    return (f"{report.articles} articles, {report.claims} claims, {report.stories} stories in {report.blocks} "
            f"block{'s' * (report.blocks != 1)}, {report.conflicts} conflicts, {report.duplicates} exact duplicates, "
            f"{report.rejects} rejected; Parquet tables {', '.join(TABLES)} in {report.out_dir}")


if __name__ == "__main__":
    # Run as a file by spark-submit: import the installed package, not this folder's modules.
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        sys.path.pop(0)
    from crosstally.spark import main as package_main

    sys.exit(package_main())
