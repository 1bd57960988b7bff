"""The evaluation gate: dev-corpus scores stay above pinned floors, and match the reference scorer."""
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from crosstally.evaluate import evaluate, evaluate_conflicts, load_jsonl

FLOORS = json.loads((Path(__file__).parent / "eval_floors.json").read_text())


def corpus_hash(dev: Path) -> str:
    h = hashlib.sha256()
    for p in sorted((dev / "articles").glob("*.txt")) + [dev / "gold" / "claims.jsonl"]:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def test_dev_scores_stay_above_the_floors(dev_run):
    dev, out = dev_run
    result = evaluate(load_jsonl(dev / "gold" / "claims.jsonl"), load_jsonl(out / "claims.jsonl"))
    eps = FLOORS["epsilon"]
    assert result.figure[2] >= FLOORS["figure_f1"] - eps
    assert result.attributed[2] >= FLOORS["attributed_f1"] - eps
    assert result.qualifier_accuracy >= FLOORS["qualifier_accuracy"] - eps


def test_dev_conflicts_stay_above_the_floors(dev_run):
    dev, out = dev_run
    scored = evaluate_conflicts(load_jsonl(dev / "gold" / "stories.jsonl"), load_jsonl(out / "conflicts.jsonl"),
                                load_jsonl(dev / "gold" / "claims.jsonl"))
    assert scored["disputes"]["recall"] >= FLOORS["dispute_recall"]
    assert scored["disputes"]["precision"] >= FLOORS["dispute_precision"]
    assert scored["inconsistencies"]["recall"] >= FLOORS["inconsistency_recall"]


def test_floors_were_measured_on_this_corpus(dev_run):
    dev, _ = dev_run
    if FLOORS["corpus_sha256"]:
        assert corpus_hash(dev) == FLOORS["corpus_sha256"], "the dev corpus changed: re-measure and re-pin the floors"


def test_eval_agrees_with_the_reference_scorer(dev_run):
    dev, out = dev_run
    scorer = dev.parent.parent / "tools" / "score.py"
    if not scorer.exists():
        pytest.skip("reference scorer not present")
    gold = dev / "gold" / "claims.jsonl"
    ref = json.loads(subprocess.run([sys.executable, str(scorer), str(gold), str(out / "claims.jsonl"), "--json"],
                                    capture_output=True, text=True, check=True).stdout)
    ours = evaluate(load_jsonl(gold), load_jsonl(out / "claims.jsonl")).as_dict()
    for key in ("gold", "system", "qualifier_acc", "who_acc"):
        assert ours[key] == ref[key]
    for key in ("figure_prf", "attributed_prf"):
        assert ours[key] == list(ref[key])
    stories, conflicts = dev / "gold" / "stories.jsonl", out / "conflicts.jsonl"
    ref = json.loads(subprocess.run([sys.executable, str(scorer), str(gold), str(out / "claims.jsonl"), "--json",
                                     "--stories", str(stories), "--conflicts", str(conflicts)],
                                    capture_output=True, text=True, check=True).stdout)
    assert evaluate_conflicts(load_jsonl(stories), load_jsonl(conflicts), load_jsonl(gold)) == ref["conflicts"]
