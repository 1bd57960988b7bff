"""Hostile inputs (tests/hostile.py): each is stored or rejected with a named reason, inside a time
and memory bound, and the run completes, into SQLite and PostgreSQL alike."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.hostile import write_hostile_corpus

SECONDS = 120  # the whole folder; it takes about 6 s here
PEAK_RSS_MB = 1500  # the model alone is about 160 MB


def _no_constants(name: str):
    raise ValueError(f"{name} is not JSON")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return root, write_hostile_corpus(root / "in")


def run_measured(*args: str) -> tuple[int, float, float]:
    """Run crosstally in a child process; its exit status, seconds, and peak memory in MB."""
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "crosstally.cli", "run", *args, "--quiet"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.monotonic() - started, usage.ru_maxrss / 1024


def test_every_hostile_input_is_stored_or_rejected_with_its_reason(hostile):
    root, expect = hostile
    out = root / "out"
    code, seconds, peak = run_measured(str(root / "in"), "--out", str(out))
    print(f"\nhostile inputs: {len(expect)} in {seconds:.1f} s, peak RSS {peak:.0f} MB")
    assert code == 0
    assert seconds < SECONDS and peak < PEAK_RSS_MB

    rejects = {os.path.splitext(os.path.basename(r["source"]))[0]: r["reason"]
               for r in map(json.loads, (out / "rejects.jsonl").read_text("utf-8").splitlines())}
    db = sqlite3.connect(out / "crosstally.db")
    texts = dict(db.execute("SELECT id, text FROM articles"))
    for name, outcome in expect.items():
        if outcome == "stored":
            assert name in texts and name not in rejects, (name, rejects.get(name))
        else:
            assert name not in texts and outcome in rejects.get(name, ""), (name, rejects.get(name))
    assert set(rejects) | set(texts) == set(expect)
    assert "Mme Hélène Côté" in texts["latin1"] and "Über 40 Verletzte" in texts["mixed-encodings"]

    # Every figure's offsets slice its quote out of the stored text; no value is beyond counting;
    # the exports are strict JSON (no NaN or Infinity).
    claims = [json.loads(line, parse_constant=_no_constants) for line in
              (out / "claims.jsonl").read_text("utf-8").splitlines()]
    assert claims
    for c in claims:
        assert texts[c["article"]][c["start"]:c["end"]] == c["quote"]
        assert 0 < c["value"] < 1e12
    for name in ("conflicts.jsonl", "stories.jsonl"):
        for line in (out / name).read_text("utf-8").splitlines():
            json.loads(line, parse_constant=_no_constants)
    assert {"rtl-zero-width", "ten-thousand-digits", "long-sentence"} <= {c["article"] for c in claims}
    assert "9999" not in {c["quote"][:4] for c in claims if c["article"] == "ten-thousand-digits"}
    assert (out / "report.html").stat().st_size > 0


def test_hostile_inputs_give_the_same_claims_in_postgresql(hostile, pg_url):
    root, _ = hostile
    code, _, _ = run_measured(str(root / "in"), "--out", str(root / "pg"), "--db", pg_url)
    assert code == 0
    if not (root / "out" / "claims.jsonl").exists():
        pytest.skip("the SQLite run above failed")
    assert (root / "pg" / "claims.jsonl").read_bytes() == (root / "out" / "claims.jsonl").read_bytes()
    assert (root / "pg" / "rejects.jsonl").read_bytes() == (root / "out" / "rejects.jsonl").read_bytes()
