"""make bench: throughput and peak memory of the main job as the corpus grows, against spaCy's
whole-text baseline, and the Spark application in local mode.

For each size (1,000 and 10,000 articles; 100,000 with `make bench-large`) it builds a corpus from
the dev corpus and the shipped samples, each article varied so none is byte-identical, with an
index of dates (a hundred articles a day) and outlets, as a scraper would give. Then it times, as
separate processes and start-up included:
  crosstally run --jobs 1 / --jobs 2 at every size;
  nlp.pipe over every whole text, n_process 1 / 2, on the first size (its rate does not depend on
  the size);
  crosstally spark (local[2]) on the same articles as JSON Lines, at --spark-size.
Peak memory is the largest resident set of any one process of the run, sampled every 20 ms.
`--profile` also profiles `crosstally run --jobs 1` on the first size with pyinstrument.
"""
from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "corpus" / "dev" / "articles"
PER_DAY = 100
OUTLETS = [f"outlet-{k:02d}" for k in range(40)]
BASELINE = """
import sys, pathlib, spacy
from crosstally.extractor.pipeline import MODEL_NAMES, one_blas_thread, use_numpy_blas
nlp = spacy.load(next(n for n in MODEL_NAMES if spacy.util.is_package(n)))
if sys.argv[3] == "numpy-blas":  # the same pipeline on the matrix backend crosstally uses
    use_numpy_blas(nlp)
    one_blas_thread()
texts = (p.read_text(encoding="utf-8") for p in sorted(pathlib.Path(sys.argv[1]).glob("*.txt")))
n = sum(1 for _ in nlp.pipe(texts, batch_size=64, n_process=int(sys.argv[2])))
print(n)
"""


def sources() -> list[str]:
    paths = sorted(DEV.glob("*.txt")) if DEV.is_dir() else []
    paths += sorted((ROOT / "crosstally" / "samples").glob("*.txt"))
    return [p.read_text(encoding="utf-8") for p in paths]


def build_corpus(folder: Path, n: int, texts: list[str]) -> Path:
    """n articles in `folder` and their index (date, outlet) beside it; returns the index's path."""
    folder.mkdir(parents=True)
    first = date(2024, 1, 1)
    index = folder.parent / f"{folder.name}-index.jsonl"
    with open(index, "w", encoding="utf-8") as meta:
        for i in range(n):
            base = texts[i % len(texts)]
            # Vary each copy: a distinct dateline and reference, so no two are byte-identical.
            (folder / f"a{i:06d}.txt").write_text(f"{base}\nRef {i}: filed {1 + i % 28} days after the event.\n",
                                                  encoding="utf-8")
            meta.write(json.dumps({"article": f"a{i:06d}", "date": (first + timedelta(days=i // PER_DAY)).isoformat(),
                                   "outlet": OUTLETS[(i * 7) % len(OUTLETS)]}) + "\n")
    return index


def as_jsonl(folder: Path, index: Path, out: Path, per_file: int = 1000) -> None:
    """The corpus as JSON Lines files of `per_file` articles each, as a news crawler writes them."""
    out.mkdir()
    meta = [json.loads(line) for line in open(index, encoding="utf-8")]
    for k in range(0, len(meta), per_file):
        with open(out / f"part-{k // per_file:05d}.jsonl", "w", encoding="utf-8") as f:
            for row in meta[k:k + per_file]:
                text = (folder / f"{row['article']}.txt").read_text(encoding="utf-8")
                f.write(json.dumps({"id": row["article"], "text": text, "date": row["date"],
                                    "outlet": row["outlet"]}) + "\n")


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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--spark-size", type=int, default=10000, help="articles for the Spark run (0: none)")
    ap.add_argument("--profile", action="store_true", help="profile run --jobs 1 on the first size")
    ap.add_argument("--out", default=str(ROOT / "bench" / "RESULTS.md"))
    args = ap.parse_args()
    py = sys.executable
    crosstally = str(Path(py).parent / "crosstally")
    texts = sources()
    runs: list[tuple[int, int, float, float]] = []  # (articles, jobs, seconds, MiB)
    baselines: list[tuple[str, int, float, float]] = []
    spark: tuple[int, float, float] | None = None
    sizes_mb: dict[int, float] = {}
    profile = None
    with tempfile.TemporaryDirectory() as tmp:
        for n in sorted(set(args.sizes) | ({args.spark_size} - {0})):
            corpus = Path(tmp) / f"c{n}"
            index = build_corpus(corpus, n, texts)
            sizes_mb[n] = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
            if n in args.sizes:
                for jobs in (1, 2):
                    out = Path(tmp) / f"out{n}-{jobs}"
                    secs, mib = measure([crosstally, "run", str(corpus), "--out", str(out), "--meta", str(index),
                                         "--jobs", str(jobs), "--quiet"])
                    runs.append((n, jobs, secs, mib))
                    print(f"{n} articles, --jobs {jobs}: {secs:.1f} s, {n / secs:.1f} articles/s, {mib:.0f} MiB",
                          flush=True)
            if n == min(args.sizes):
                for jobs in (1, 2):
                    for backend in ("stock", "numpy-blas"):
                        secs, mib = measure([py, "-c", BASELINE, str(corpus), str(jobs), backend])
                        baselines.append((backend, jobs, secs, mib))
                        print(f"baseline {backend} n_process={jobs}: {n / secs:.1f} articles/s", flush=True)
                if args.profile:
                    profile = Path(args.out).with_name("profile.txt")
                    subprocess.run([py, "-m", "pyinstrument", "-o", str(profile), "-r", "text", crosstally, "run",
                                    str(corpus), "--out", str(Path(tmp) / "profiled"), "--meta", str(index),
                                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
            if n == args.spark_size:
                jsonl = Path(tmp) / f"j{n}"
                as_jsonl(corpus, index, jsonl)
                secs, mib = measure([crosstally, "spark", str(jsonl), "--out", str(Path(tmp) / f"spark{n}")])
                spark = (n, secs, mib)
                print(f"spark local[2], {n} articles: {secs:.1f} s, {n / secs:.1f} articles/s", flush=True)
    report = results(runs, baselines, spark, sizes_mb, len(texts), profile)
    Path(args.out).write_text(report)
    print(report)


def results(runs, baselines, spark, sizes_mb, n_sources, profile) -> str:
    first = min(n for n, *_ in runs)
    rate = {(n, jobs): n / secs for n, jobs, secs, _ in runs}
    peak = {(n, jobs): mib for n, jobs, _, mib in runs}
    base = {(backend, jobs): first / secs for backend, jobs, secs, _ in baselines}
    sizes = sorted({n for n, *_ in runs})
    lines = [
        "# Benchmark results", "",
        f"- machine: {platform.machine()}, {psutil.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}",
        f"- corpus: {', '.join(f'{n:,} articles ({sizes_mb[n]:.0f} MB)' for n in sizes)}, varied from {n_sources} "
        f"source texts (the dev corpus and the samples), dated {PER_DAY} a day, {len(OUTLETS)} outlets",
        f"- command: `make bench` (`python bench/bench.py --sizes {' '.join(map(str, sizes))}"
        f"{f' --spark-size {spark[0]}' if spark else ''}{' --profile' if profile else ''}`); each run is "
        "`crosstally run CORPUS --out OUT --meta INDEX --jobs N --quiet`, start-up included", "",
        "## One machine", "",
        f"| articles | jobs | seconds | articles/s | vs {first:,} | peak RSS per process (MiB) | vs {first:,} "
        "| vs baseline |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for n, jobs, secs, mib in runs:
        ratio = rate[(n, jobs)] / rate[(first, jobs)]
        mem = mib / peak[(first, jobs)]
        vs = rate[(n, jobs)] / base[("stock", jobs)] if ("stock", jobs) in base else None
        lines.append(f"| {n:,} | {jobs} | {secs:.1f} | {n / secs:.1f} | {ratio:.2f}x | {mib:.0f} | {mem:.2f}x | "
                     f"{f'{vs:.2f}x' if vs else ''} |")
    lines += ["", f"spaCy's whole-text baseline (`nlp.pipe` over every article's whole text, {first:,} articles):", "",
              "| baseline | processes | seconds | articles/s | peak RSS per process (MiB) |", "|---|---|---|---|---|"]
    for backend, jobs, secs, mib in baselines:
        name = "stock" if backend == "stock" else "numpy BLAS (crosstally's matrix backend)"
        lines.append(f"| {name} | {jobs} | {secs:.1f} | {first / secs:.1f} | {mib:.0f} |")
    lines += ["", "## Against the limits of issue 6", ""]
    for n in sizes:
        if n == first:
            continue
        for jobs in (1, 2):
            ratio = rate[(n, jobs)] / rate[(first, jobs)]
            mem = peak[(n, jobs)] / peak[(first, jobs)]
            lines.append(f"- {n:,} articles, --jobs {jobs}: throughput {ratio:.2f}x that at {first:,} "
                         f"({'within' if ratio >= 0.8 else 'NOT within'} 20%), peak memory {mem:.2f}x "
                         f"({'within' if mem <= 1.5 else 'NOT within'} 1.5x)")
    if ("stock", 2) in base:
        best = max(rate[(n, 2)] for n in sizes)
        lines.append(f"- --jobs 2: {rate[(first, 2)] / base[('stock', 2)]:.2f}x the two-process baseline at "
                     f"{first:,} articles, {best / base[('stock', 2)]:.2f}x at best (target 5x)")
    if spark:
        n, secs, mib = spark
        lines += ["", "## Spark", "",
                  f"`crosstally spark` in local mode (`local[2]`, this machine's two cores) on the {n:,} articles as "
                  f"{max(1, n // 1000)} JSON Lines files: {secs:.1f} s, {n / secs:.1f} articles/s, start-up (the JVM, "
                  f"one model per Python worker) and Parquet writing included; peak RSS of one process "
                  f"{mib:.0f} MiB."]
    if profile:
        lines += ["", f"A pyinstrument profile of `crosstally run --jobs 1` on {first:,} articles is in "
                      f"`bench/{profile.name}`."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
