"""make bench: throughput and peak memory of the main job against spaCy's whole-text baseline.

Builds N articles from the dev corpus and the shipped samples (each varied so none is byte-identical),
then times, as separate processes and start-up included:
  crosstally run --jobs 1 / --jobs 2, and nlp.pipe over every whole text with n_process 1 / 2.
Peak memory is the largest resident set of any one process of the run, sampled every 20 ms.
"""
from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev" / "articles"
BASELINE = """
import sys, pathlib, spacy
from crosstally.extractor.pipeline import MODEL_NAMES, one_blas_thread, use_numpy_blas
nlp = spacy.load(next(n for n in MODEL_NAMES if spacy.util.is_package(n)))
if sys.argv[3] == "numpy-blas":  # the same pipeline on the matrix backend crosstally uses
    use_numpy_blas(nlp)
    one_blas_thread()
texts = (p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(sys.argv[1]).iterdir()))
n = sum(1 for _ in nlp.pipe(texts, batch_size=64, n_process=int(sys.argv[2])))
print(n)
"""


def build_corpus(folder: Path, n: int) -> int:
    sources = sorted(DEV.glob("*.txt")) if DEV.is_dir() else []
    sources += sorted((ROOT / "crosstally" / "samples").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    for i in range(n):
        base = texts[i % len(texts)]
        # Vary each copy: a distinct dateline and reference, so no two are byte-identical.
        (folder / f"a{i:06d}.txt").write_text(f"{base}\nRef {i}: filed {1 + i % 28} days after the event.\n",
                                              encoding="utf-8")
    return len(sources)


def measure(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of the largest single process in the command's tree."""
    start = time.perf_counter()
    proc = psutil.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        try:
            for p in [proc, *proc.children(recursive=True)]:
                peak = max(peak, p.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr.read().decode()[-2000:]}")
    return elapsed, peak / 2**20


def story_stage_times(db: Path, total: int) -> list[tuple[int, int, float]]:
    """Seconds the story stage takes on 1/4, 1/2 and all of the stored articles: how it grows."""
    from crosstally.store.sqlite import SQLiteStore
    from crosstally.stories import analyse

    store = SQLiteStore(db)
    articles, claims = list(store.articles()), list(store.claims())
    store.close()
    out = []
    for k in sorted({max(1, total // 4), max(1, total // 2), total}):
        ids = {a.id for a in articles[:k]}
        start = time.perf_counter()
        analysis = analyse(articles[:k], [c for c in claims if c.article in ids])
        out.append((k, len(analysis.stories), time.perf_counter() - start))
    return out


def report_time(db: Path) -> tuple[float, float]:
    """Seconds to write report.html for the whole store (part of every run above), and its size in MB."""
    from crosstally.store.sqlite import SQLiteStore
    from crosstally.web.report import write_report

    store = SQLiteStore(db, read_only=True)
    start = time.perf_counter()
    path = write_report(store.db, db.parent / "report-bench.html")
    secs = time.perf_counter() - start
    store.close()
    return secs, path.stat().st_size / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=1000)
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = ap.parse_args()
    py = sys.executable
    crosstally = str(Path(py).parent / "crosstally")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        n_sources = build_corpus(corpus, args.articles)
        size = sum(p.stat().st_size for p in corpus.iterdir())
        for jobs in (1, 2):
            out = Path(tmp) / f"out{jobs}"
            secs, mib = measure([crosstally, "run", str(corpus), "--out", str(out), "--jobs", str(jobs), "--quiet"])
            rows.append((f"crosstally run --jobs {jobs}", jobs, secs, mib))
            secs, mib = measure([py, "-c", BASELINE, str(corpus), str(jobs), "stock"])
            rows.append((f"baseline nlp.pipe n_process={jobs}", jobs, secs, mib))
            secs, mib = measure([py, "-c", BASELINE, str(corpus), str(jobs), "numpy-blas"])
            rows.append((f"baseline nlp.pipe n_process={jobs}, numpy BLAS", jobs, secs, mib))
        stage = story_stage_times(Path(tmp) / "out1" / "crosstally.db", args.articles)
        report_secs, report_mb = report_time(Path(tmp) / "out1" / "crosstally.db")
    n = args.articles
    lines = [
        "# Benchmark results", "",
        f"- machine: {platform.machine()}, {psutil.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}",
        f"- corpus: {n} articles ({size / 1e6:.1f} MB) varied from {n_sources} source texts",
        f"- command: `make bench` (`python bench/bench.py --articles {n}`)", "",
        "| run | processes | seconds | articles/s | peak RSS per process (MiB) | vs baseline |",
        "|---|---|---|---|---|---|",
    ]
    # The ratio is against the stock pipeline, as the target is set; the numpy-BLAS row shows how
    # much of the gain is the matrix backend alone.
    base = {jobs: secs for name, jobs, secs, _ in rows if name == f"baseline nlp.pipe n_process={jobs}"}
    for name, jobs, secs, mib in rows:
        ratio = f"{base[jobs] / secs:.2f}x" if name != f"baseline nlp.pipe n_process={jobs}" else ""
        lines.append(f"| {name} | {jobs} | {secs:.1f} | {n / secs:.1f} | {mib:.0f} | {ratio} |")
    lines += ["", "The story stage (grouping, claimants, slots, conflicts) alone, on the first N stored articles,",
              "in-process (it is part of every `crosstally run` above):", "",
              "| articles | stories | seconds |", "|---|---|---|"]
    lines += [f"| {k} | {stories} | {secs:.2f} |" for k, stories, secs in stage]
    lines += ["", f"Writing report.html for all {n} articles (also part of every run above): "
                  f"{report_secs:.2f} s, {report_mb:.1f} MB."]
    report = "\n".join(lines) + "\n"
    Path(args.out).write_text(report)
    print(report)


if __name__ == "__main__":
    main()
