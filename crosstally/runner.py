"""The main job: inputs -> articles -> claims -> store and exports. Returns data; prints nothing."""
from __future__ import annotations

import json
import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from itertools import islice
from pathlib import Path

from crosstally import __version__
from crosstally.errors import InputError
from crosstally.export import (
    write_claims_csv,
    write_claims_jsonl,
    write_conflicts_jsonl,
    write_rejects_jsonl,
    write_stories_jsonl,
)
from crosstally.extractor import EXTRACTOR_VERSION
from crosstally.ingest.readers import iter_inputs
from crosstally.model import Article, ArticleResult, Claim, Reject
from crosstally.settings import Settings
from crosstally.store.sqlite import SQLiteStore
from crosstally.stories import analyse
from crosstally.web.report import write_report

log = logging.getLogger(__name__)


@dataclass
class RunReport:
    out_dir: Path
    results: list[ArticleResult] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    total_claims: int = 0
    analysis: object | None = None  # crosstally.stories.Analysis of everything in the store

    @property
    def inputs(self) -> int:
        return len(self.results) + len(self.unchanged) + len(self.rejects)

    @property
    def all_rejected(self) -> bool:
        return bool(self.rejects) and not self.results and not self.unchanged


_WORKER = None


def _init_worker(model: str | None) -> None:
    global _WORKER
    from crosstally.extractor.pipeline import Extractor, load_nlp, one_blas_thread

    _WORKER = Extractor(load_nlp(model))
    one_blas_thread()


def _extract_chunk(chunk: list[tuple[str, str, str | None]]) -> list[list[Claim]]:
    assert _WORKER is not None
    return list(_WORKER.extract_many(chunk))


def _chunks(items: Iterator[Article], size: int) -> Iterator[list[Article]]:
    while chunk := list(islice(items, size)):
        yield chunk


def extract_articles(articles: Iterable[Article], settings: Settings) -> Iterator[tuple[Article, list[Claim]]]:
    """Claims for each article, in input order, in `settings.jobs` processes.

    Inputs are read, and results stored, in the calling thread (the store is not shared across
    threads); with more than one job, extraction runs in worker processes with at most a few
    chunks per worker in flight, so memory stays flat however long the input is."""
    chunks = _chunks(iter(articles), settings.chunk_size)
    if settings.jobs <= 1:
        if _WORKER is None:
            _init_worker(settings.model)
        yield from _in_order(chunks, lambda payload: partial(_extract_chunk, payload), window=1)
        return
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(settings.jobs, initializer=_init_worker, initargs=(settings.model,)) as pool:
        yield from _in_order(chunks, lambda payload: pool.apply_async(_extract_chunk, (payload,)).get,
                             window=2 * settings.jobs)


def _in_order(chunks: Iterator[list[Article]], submit: Callable[[list], Callable[[], list[list[Claim]]]],
              window: int) -> Iterator[tuple[Article, list[Claim]]]:
    """Submit chunks as they are read, keep `window` in flight, and yield results in input order."""
    in_flight: deque = deque()
    for chunk in chunks:
        in_flight.append((chunk, submit([(a.id, a.text, a.title) for a in chunk])))
        if len(in_flight) >= window:
            done, result = in_flight.popleft()
            yield from zip(done, result(), strict=True)
    while in_flight:
        done, result = in_flight.popleft()
        yield from zip(done, result(), strict=True)


def run(paths: list[str], out_dir: str | Path, settings: Settings | None = None,
        progress: Callable[[str], None] | None = None) -> RunReport:
    """Read every input, extract and store claims, and write the exports into `out_dir`."""
    settings = settings or Settings()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    store = SQLiteStore(out / "crosstally.db")
    report = RunReport(out_dir=out)
    run_id = store.start_run(list(paths), __version__)
    try:
        def fresh() -> Iterator[Article]:
            for item in iter_inputs(paths, settings):
                if isinstance(item, InputError):
                    reject = Reject(item.source, item.reason)
                    report.rejects.append(reject)
                    store.save_reject(run_id, reject)
                elif store.article_hash(item.id) == item.hash:
                    report.unchanged.append(item.id)
                else:
                    yield item
                if progress:
                    progress(getattr(item, "source", ""))

        for article, claims in extract_articles(fresh(), settings):
            store.save_article(article, claims, run_id, extractor_version())
            report.results.append(ArticleResult(article, claims))
        # Read the stored claims once: the exports and the story stage all need every one of them.
        stored = list(store.claims())
        report.total_claims = write_claims_jsonl(stored, out / "claims.jsonl")
        write_claims_csv(stored, out / "claims.csv")
        report.analysis = analyse(with_metadata(store.articles(), settings.meta), stored)
        store.save_analysis(report.analysis)
        write_conflicts_jsonl(report.analysis.conflicts, out / "conflicts.jsonl")
        write_stories_jsonl(report.analysis, out / "stories.jsonl")
        write_rejects_jsonl(report.rejects, out / "rejects.jsonl")
        write_report(store.db, out / "report.html")
        store.finish_run(run_id, report.inputs, len(report.results),
                         sum(len(r.claims) for r in report.results), len(report.rejects))
    finally:
        store.close()
    return report


def load_metadata(path: str | Path | None) -> dict[str, dict]:
    """Article metadata from a JSON Lines file (a scraper's index): one object per article with
    `article` (or `id`: the file name without extension) and any of date, outlet, url, title."""
    if path is None:
        return {}
    out: dict[str, dict] = {}
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(str(path), f"line {n} is not JSON ({e.msg})") from None
                key = row.get("article") or row.get("id") if isinstance(row, dict) else None
                if not key:
                    raise InputError(str(path), f"line {n} has no \"article\" or \"id\"")
                out[str(key)] = row
    except OSError as e:
        raise InputError(str(path), f"cannot be read ({e.strerror or e})") from None
    return out


def with_metadata(articles: Iterable[Article], meta: dict[str, dict]) -> Iterator[Article]:
    """Articles with the date, outlet, url and title the metadata gives where the text gave none."""
    for a in articles:
        row = meta.get(a.id)
        if row:
            a = replace(a, **{k: getattr(a, k) or row.get(k) for k in ("date", "outlet", "url", "title")
                              if isinstance(row.get(k), str | None)})
        yield a


def extractor_version() -> str:
    return f"{__version__}+x{EXTRACTOR_VERSION}"


def sample_dir() -> Path:
    """The sample corpus that ships with the package."""
    from importlib import resources

    return Path(str(resources.files("crosstally").joinpath("samples")))
