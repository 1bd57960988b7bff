"""The main job: inputs -> articles -> claims -> store and exports. Returns data; prints nothing."""
from __future__ import annotations

import ctypes
import gc
import json
import logging
import multiprocessing
import sqlite3
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from itertools import islice
from pathlib import Path

from crosstally import __version__
from crosstally.dates import parse_date
from crosstally.errors import InputError
from crosstally.export import JsonLines, story_rows, write_claims, write_rejects_jsonl
from crosstally.extractor import EXTRACTOR_VERSION
from crosstally.ingest import dedup
from crosstally.ingest.dedup import Fingerprint
from crosstally.ingest.sources import iter_inputs
from crosstally.ingest.web import Fetched, Unchanged, Web
from crosstally.model import Article, ArticleResult, Claim, Reject, Validators
from crosstally.settings import Settings
from crosstally.store import SQLStore, open_store
from crosstally.stories import BLOCK_ARTICLES, Analysis, analyse, block_prefix, blocks
from crosstally.web.report import write_report

log = logging.getLogger(__name__)


# A run keeps the first articles it extracts, with their claims, for its caller to show; every
# article is counted, and all are in the store and the exports.
RESULTS_KEPT = 1_000


@dataclass
class RunReport:
    out_dir: Path
    results: list[ArticleResult] = field(default_factory=list)  # the first RESULTS_KEPT articles
    extracted: int = 0  # articles extracted (or extracted again) by this run
    new_claims: int = 0  # claims those articles hold
    unchanged: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (input's id, stored article it repeats)
    near_duplicates: int = 0  # links to near-duplicates made by this run
    rejects: list[Reject] = field(default_factory=list)
    stopped: bool = False  # asked to stop before every input was read
    total_claims: int = 0
    stories: int = 0  # stories in the store
    conflicts: list[dict] = field(default_factory=list)  # every conflict in the store
    # The story stage's whole analysis when the store is one block (crosstally.stories.blocks);
    # a larger store is analysed block by block, and only its totals and conflicts are kept.
    analysis: Analysis | None = None

    @property
    def inputs(self) -> int:
        return self.extracted + len(self.unchanged) + len(self.duplicates) + len(self.rejects)

    @property
    def all_rejected(self) -> bool:
        return bool(self.rejects) and not self.extracted and not self.unchanged and not self.duplicates

    def add(self, article: Article, claims: list[Claim]) -> None:
        self.extracted += 1
        self.new_claims += len(claims)
        if len(self.results) < RESULTS_KEPT:
            self.results.append(ArticleResult(article, claims))


_WORKER = None


def _init_worker(model: str | None) -> None:
    global _WORKER
    from crosstally.extractor.pipeline import Extractor, load_nlp, one_blas_thread

    _WORKER = Extractor(load_nlp(model))
    one_blas_thread()


def _drop_model() -> None:
    """Let go of this process's model (`--jobs 1`); the next extraction loads it again."""
    global _WORKER
    if _WORKER is not None:
        from crosstally.extractor.pipeline import load_nlp

        _WORKER = None
        load_nlp.cache_clear()


def _extract_chunk(chunk: list[tuple[str, str, str | None]]) -> list[tuple[list[Claim], Fingerprint | None]]:
    """Each article's claims and the MinHash fingerprint that finds its near-duplicates."""
    assert _WORKER is not None
    return list(zip(_WORKER.extract_many(chunk), (dedup.fingerprint(text) for _, text, _ in chunk), strict=True))


def _chunks(items: Iterator[Article], size: int) -> Iterator[list[Article]]:
    while chunk := list(islice(items, size)):
        yield chunk


def extract_articles(articles: Iterable[Article], settings: Settings
                     ) -> Iterator[list[tuple[Article, tuple[list[Claim], Fingerprint | None]]]]:
    """Claims and fingerprint for each article, in input order and in chunks, in `settings.jobs`
    processes.

    Inputs are read, and results stored, in the calling thread (the store is not shared across
    threads); with more than one job, extraction runs in worker processes with a few chunks per
    worker in flight, so memory stays flat however long the input is."""
    chunks = _chunks(iter(articles), settings.chunk_size)
    if settings.jobs <= 1:
        if _WORKER is None:
            _init_worker(settings.model)
        yield from _in_order(chunks, lambda payload: partial(_extract_chunk, payload), window=1)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(settings.jobs, initializer=_init_worker, initargs=(settings.model,)) as pool:
        yield from _in_order(chunks, lambda payload: pool.apply_async(_extract_chunk, (payload,)).get,
                             window=4 * settings.jobs)


def _in_order(chunks: Iterator[list[Article]], submit: Callable[[list], Callable[[], list]],
              window: int) -> Iterator[list[tuple[Article, tuple]]]:
    """Submit chunks as they are read, keep `window` in flight, and yield results in input order."""
    in_flight: deque = deque()
    for chunk in chunks:
        in_flight.append((chunk, submit([(a.id, a.text, a.title) for a in chunk])))
        if len(in_flight) >= window:
            done, result = in_flight.popleft()
            yield list(zip(done, result(), strict=True))
    while in_flight:
        done, result = in_flight.popleft()
        yield list(zip(done, result(), strict=True))


# Articles stored in one transaction, at most: a commit per few hundred articles rather than per
# chunk writes each index page (the full-text indexes' above all) once rather than many times.
COMMIT_ARTICLES = 256


def in_transactions(store: SQLStore, chunks: Iterable[list], most: int = COMMIT_ARTICLES) -> Iterator[list]:
    """Each chunk, handed over inside a store transaction (`store.batch()`) for the caller to store.
    The first chunk is committed alone, so readers (`serve`, `watch`) see articles at once; each
    later transaction holds twice as many articles as the one before, up to `most`. A crash loses
    the transaction under way, whose articles the next run reads again."""
    chunks = iter(chunks)
    limit = 1
    for chunk in chunks:  # a transaction opens when a chunk is ready to store, not before
        held = 0
        with store.batch():
            while True:
                yield chunk
                held += len(chunk)
                if held >= limit or (chunk := next(chunks, None)) is None:
                    break
        limit = min(2 * held, most)


def release_memory() -> None:
    """Hand the heap's free pages back to the system (glibc's `malloc_trim`) between the stages
    of a run, so the memory one stage freed is not held through the next; elsewhere, nothing."""
    gc.collect()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@lru_cache(maxsize=1)
def _malloc_trim():
    try:
        return ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None


def run(paths: list[str], out_dir: str | Path, settings: Settings | None = None,
        progress: Callable[[str], None] | None = None, db: str | Path | None = None,
        should_stop: Callable[[], bool] = lambda: False) -> RunReport:
    """Read every input, extract and store claims, and write the exports into `out_dir`. The
    database is `out_dir`/crosstally.db unless `db` names another file. When `should_stop()`
    turns true, no further input is read: what was read is stored and the exports are written."""
    settings = settings or Settings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store = open_store(db if db else out / "crosstally.db")
    web = Web(settings, known=store.validators)
    report = RunReport(out_dir=out)
    run_id = store.start_run(list(paths), __version__)
    version = extractor_version()
    try:
        _fingerprint_older_articles(store)
        pending: dict[str, Validators | None] = {}  # article id -> the fetch it came from
        # hash -> id of the articles this run is extracting: once stored, the store finds them
        in_run: dict[str, str] = {}
        repeats: list[tuple[Article, str, Validators | None]] = []

        def fresh() -> Iterator[Article]:
            for item in iter_inputs(paths, settings, web):
                if should_stop():
                    report.stopped = True
                    return
                fetch = None
                if isinstance(item, Fetched):
                    item, fetch = item.article, item.validators
                if isinstance(item, InputError):
                    reject = Reject(item.source, item.reason)
                    report.rejects.append(reject)
                    store.save_reject(run_id, reject)
                elif isinstance(item, Unchanged):
                    report.unchanged.append(item.article_id)
                elif store.article_hash(item.id) == item.hash:
                    report.unchanged.append(item.id)
                    if fetch is not None:
                        store.remember_fetch(fetch, item.id)
                elif (same := in_run.get(item.hash) or _stored_copy(store, item, pending)) is not None:
                    # Stored once: recorded when the run ends, as `same` may still be in extraction.
                    repeats.append((item, same, fetch))
                    report.duplicates.append((item.id, same))
                else:
                    in_run[item.hash] = item.id
                    pending[item.id] = fetch
                    yield item
                if progress:
                    progress(getattr(item, "source", ""))

        for chunk in in_transactions(store, extract_articles(fresh(), settings)):
            for article, (claims, fp) in chunk:
                near = dedup.near_duplicates(fp, store.band_candidates(fp, article.id, dedup.MAX_CANDIDATES)) \
                    if fp else []
                store.save_article(article, claims, run_id, version, fetch=pending.pop(article.id, None),
                                   fingerprint=fp, near=near)
                report.near_duplicates += len(near)
                report.add(article, claims)
                in_run.pop(article.hash, None)
        with store.batch():
            for article, same, fetch in repeats:
                store.save_duplicate(article, same, fetch)
        repeats.clear()
        _finish(store, run_id, report, settings)
    finally:
        web.close()
        store.close()
    return report


def _finish(store: SQLStore, run_id: int, report: RunReport, settings: Settings) -> None:
    """The story stage over everything stored, then the exports and the report, and the run's record.
    Claims are streamed from the store and the story stage reads one block at a time, so memory
    stays flat however large the store."""
    if store.db.execute("SELECT count(*) AS n FROM articles").fetchone()["n"] > settings.story_block:
        _drop_model()  # a store of several blocks: the story stage needs the room more than the next run
    release_memory()
    out = report.out_dir
    report.total_claims = write_claims(store.claims(), out / "claims.jsonl", out / "claims.csv")
    with JsonLines(out / "conflicts.jsonl") as conflicts, JsonLines(out / "stories.jsonl") as stories:
        # One transaction: readers see the last analysis until this one is whole.
        with store.transaction():
            store.clear_analysis()
            for analysis, whole in analyse_store(store, settings.meta, settings.story_block):
                store.add_analysis(analysis)
                for row in story_rows(analysis):
                    stories.write(row)
                for conflict in analysis.conflicts:
                    conflicts.write(conflict)
                report.conflicts += analysis.conflicts
                report.analysis = analysis if whole else None
                if not whole:
                    del analysis
                    release_memory()
    report.stories = stories.count
    write_rejects_jsonl(report.rejects, out / "rejects.jsonl")
    write_report(store.db, out / "report.html")
    store.finish_run(run_id, report.inputs, report.extracted, report.new_claims, len(report.rejects))


def analyse_store(store: SQLStore, meta: Mapping[str, dict], block: int = BLOCK_ARTICLES
                  ) -> Iterator[tuple[Analysis, bool]]:
    """The story stage on the stored articles, block by block (crosstally.stories.blocks): each
    block's analysis, and whether it is the whole store's."""
    light = (Article(i, "", "", date=d, outlet=o) for i, d, o in store.article_days())
    cut = blocks(((a.id, parse_date(a.date)) for a in with_metadata(light, meta)), block)
    for k, ids in enumerate(cut):
        articles = with_metadata(store.articles_in(ids), meta)
        yield (analyse(articles, store.claims_in(ids), store.near_duplicate_pairs(ids), block_prefix(k, len(cut))),
               len(cut) == 1)


def reprocess(db: str | Path, out_dir: str | Path, settings: Settings | None = None, everything: bool = False,
              progress: Callable[[str], None] | None = None) -> RunReport:
    """Extract the stored articles again with this extractor, replacing their claims: those an
    older (or unrecorded) extractor version read, or every one with `everything`. Each article's
    new claims are stored in one transaction, so an interrupted reprocess loses nothing and the
    next one carries on where it stopped. Then the story stage and the exports, as a run ends."""
    settings = settings or Settings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store = open_store(db)
    report = RunReport(out_dir=out)
    version = extractor_version()
    try:
        run_id = store.start_run(["reprocess"], __version__)
        ids = store.read_by(None if everything else version)
        current = set(ids)
        report.unchanged = [i for i in store.read_by(None) if i not in current]
        # Articles are read one at a time as extraction asks for them: memory holds a few chunks.
        articles = (a for a in map(store.article, ids) if a is not None)
        for chunk in in_transactions(store, extract_articles(articles, settings)):
            for article, (claims, _) in chunk:
                store.replace_claims(article.id, claims, version)
                report.add(article, claims)
                if progress:
                    progress(article.id)
        _finish(store, run_id, report, settings)
    finally:
        store.close()
    return report


def _stored_copy(store: SQLStore, article: Article, replacing: dict) -> str | None:
    """The stored article with exactly this text, unless this run is replacing that text."""
    same = store.same_text(article)
    return None if same in replacing else same


def _fingerprint_older_articles(store: SQLStore) -> None:
    """MinHash fingerprints for articles a store made before it kept them, so new articles find them."""
    for article_id, text in store.unfingerprinted():
        fp = dedup.fingerprint(text)
        if fp:
            store.save_fingerprint(article_id, fp)


def load_metadata(path: str | Path | None) -> Mapping[str, dict]:
    """Article metadata from a JSON Lines file (a scraper's index): one object per article with
    `article` (or `id`: the file name without extension) and any of date, outlet, url, title."""
    if path is None:
        return {}
    meta = Metadata()
    try:
        with open(path, encoding="utf-8") as f:
            meta.add(_metadata_rows(f, str(path)))
    except OSError as e:
        raise InputError(str(path), f"cannot be read ({e.strerror or e})") from None
    return meta


def _metadata_rows(lines: Iterable[str], path: str) -> Iterator[tuple]:
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(path, f"line {n} is not JSON ({e.msg})") from None
        key = row.get("article") or row.get("id") if isinstance(row, dict) else None
        if not key:
            raise InputError(path, f"line {n} has no \"article\" or \"id\"")
        # Only the fields a run reads, and only where they are text.
        yield (str(key), *(v if isinstance(v := row.get(k), str) else None for k in META_FIELDS))


META_FIELDS = ("date", "outlet", "url", "title")


class Metadata(Mapping[str, dict]):
    """A scraper's index by article id, kept in a private temporary SQLite database (deleted when
    it is closed) rather than in memory: an index of a million articles costs a small page cache,
    and each article's row is read when the story stage asks for it. A later row for an id
    replaces an earlier one."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", check_same_thread=False)
        self._db.execute("PRAGMA cache_size = -2048")  # past 2 MiB, pages go to its temporary file
        self._db.execute(f"CREATE TABLE meta (article TEXT PRIMARY KEY, {', '.join(META_FIELDS)}) WITHOUT ROWID")

    def add(self, rows: Iterable[tuple]) -> None:
        rows = iter(rows)
        with self._db:
            while batch := list(islice(rows, 1_000)):
                self._db.executemany(f"INSERT OR REPLACE INTO meta VALUES ({', '.join('?' * (1 + len(META_FIELDS)))})",
                                     batch)

    def __getitem__(self, article: str) -> dict:
        row = self._db.execute(f"SELECT {', '.join(META_FIELDS)} FROM meta WHERE article = ?", (article,)).fetchone()
        if row is None:
            raise KeyError(article)
        return {k: v for k, v in zip(META_FIELDS, row, strict=True) if v is not None}

    def __iter__(self) -> Iterator[str]:
        return (article for (article,) in self._db.execute("SELECT article FROM meta ORDER BY article"))

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM meta").fetchone()[0]


def with_metadata(articles: Iterable[Article], meta: Mapping[str, dict]) -> Iterator[Article]:
    """Articles with the date, outlet, url and title the metadata gives where the text gave none."""
    for a in articles:
        row = meta.get(a.id)
        if row:
            a = replace(a, **{k: getattr(a, k) or row.get(k) for k in META_FIELDS if isinstance(row.get(k), str | None)})
        yield a


def extractor_version() -> str:
    return f"{__version__}+x{EXTRACTOR_VERSION}"


def sample_dir() -> Path:
    """The sample corpus that ships with the package."""
    from importlib import resources

    return Path(str(resources.files("crosstally").joinpath("samples")))
