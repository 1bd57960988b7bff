"""Scoring system claims against gold claims, as spec/claims.md defines it."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from crosstally.errors import GoldError

STOPWORDS = frozenset({"the", "of", "its", "his", "her", "their", "a"})


def load_jsonl(path: str | Path) -> list[dict]:
    rows = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if line.strip():
                    try:
                        rows.append(json.loads(line))
                    except json.JSONDecodeError as e:
                        raise GoldError(f"{path}:{n}: not JSON ({e.msg})") from None
    except OSError as e:
        raise GoldError(f"{path}: cannot be read ({e.strerror or e})") from None
    return rows


def normalise(s: str | None) -> str:
    return re.sub(r"[^a-z0-9 ]", "", (s or "").lower().replace("-", " ")).strip()


def same_value(a, b) -> bool:
    """Equal within 0.5%."""
    try:
        a, b = float(a), float(b)
    except (TypeError, ValueError):
        return False
    return abs(a - b) <= 0.005 * max(abs(a), abs(b), 1)


def claimant_matches(gold: dict, system: dict) -> bool:
    """Null matches null; a name matches the gold name or an alias, or is contained in one."""
    g, s = gold.get("claimant"), system.get("claimant")
    if g is None or s is None:
        return g is None and s is None
    names = {normalise(g), *(normalise(a) for a in gold.get("claimant_aliases") or [])} - {""}
    ns = normalise(s)
    return ns in names or any(ns and (ns in n.split() or n in ns or ns in n) for n in names)


def _tokens(s: str | None) -> set[str]:
    return set(normalise(s).split()) - STOPWORDS


def who_matches(gold: dict, system: dict) -> bool:
    g, s = _tokens(gold.get("who")), _tokens(system.get("who"))
    return not g or len(g & s) / len(g) >= 0.5


def match(gold: list[dict], system: list[dict], need_claimant: bool) -> list[tuple[int, int]]:
    """Greedy one-to-one matches per article, preferring the same quote, claimant and position."""
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(system):
        by_article[s.get("article")].append(i)
    used: set[int] = set()
    pairs = []
    for gi, g in enumerate(gold):
        candidates = [si for si in by_article.get(g["article"], [])
                      if si not in used and same_value(g.get("value"), system[si].get("value"))
                      and system[si].get("measure") == g.get("measure")
                      and (not need_claimant or claimant_matches(g, system[si]))]
        if not candidates:
            continue
        best = min(candidates, key=lambda si: (
            normalise(system[si].get("quote")) != normalise(g.get("quote")),
            not claimant_matches(g, system[si]),
            abs((system[si].get("start") or 0) - (g.get("start") or 0))))
        used.add(best)
        pairs.append((gi, best))
    return pairs


def prf(tp: int, n_system: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_system if n_system else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return round(p, 4), round(r, 4), round(f, 4)


@dataclass
class Evaluation:
    gold: int
    system: int
    figure: tuple[float, float, float]
    attributed: tuple[float, float, float]
    qualifier_accuracy: float | None
    who_accuracy: float | None
    misses: list[dict] = field(default_factory=list)
    extras: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "gold": self.gold, "system": self.system,
            "figure_prf": list(self.figure), "attributed_prf": list(self.attributed),
            "qualifier_acc": self.qualifier_accuracy, "who_acc": self.who_accuracy,
        }


def evaluate(gold: list[dict], system: list[dict], articles: set[str] | None = None) -> Evaluation:
    """Figure and attributed P/R/F1, qualifier and who accuracy, over the gold's articles."""
    ids = {g["article"] for g in gold}
    if articles:
        ids &= articles
    gold = [g for g in gold if g["article"] in ids]
    system = [s for s in system if s.get("article") in ids]
    figure = match(gold, system, need_claimant=False)
    attributed = match(gold, system, need_claimant=True)
    qualifier = who = None
    if figure:
        qualifier = round(sum(gold[g].get("qualifier") == system[s].get("qualifier") for g, s in figure) / len(figure), 4)
        who = round(sum(who_matches(gold[g], system[s]) for g, s in figure) / len(figure), 4)
    matched_gold = {g for g, _ in figure}
    matched_system = {s for _, s in figure}
    return Evaluation(
        gold=len(gold), system=len(system),
        figure=prf(len(figure), len(system), len(gold)),
        attributed=prf(len(attributed), len(system), len(gold)),
        qualifier_accuracy=qualifier, who_accuracy=who,
        misses=[g for i, g in enumerate(gold) if i not in matched_gold],
        extras=[s for i, s in enumerate(system) if i not in matched_system],
    )


# --- Conflicts (spec/claims.md, "Scoring conflicts") ----------------------------------------
GOLD_KEYS = {"dispute": "disputes", "inconsistency": "inconsistencies", "discrepancy": "discrepancies"}


def alias_table(gold_claims: list[dict]) -> dict[str, list[str]]:
    """Canonical claimant (normalised) -> every alias the gold claims give it."""
    table: dict[str, set[str]] = defaultdict(set)
    for g in gold_claims:
        if g.get("claimant"):
            table[normalise(g["claimant"])].update(g.get("claimant_aliases") or [])
    return {k: sorted(v) for k, v in table.items()}


def _side_matches(gold_side: dict, system_side: dict, aliases: dict[str, list[str]]) -> bool:
    g = dict(gold_side)
    g["claimant_aliases"] = aliases.get(normalise(g.get("claimant")), [])
    return claimant_matches(g, system_side)


def _from_gold_claims(ref: dict, gold_claims: list[dict], key: str):
    if ref.get(key) is not None:
        return ref[key]
    for g in gold_claims:
        if g["article"] == ref.get("article") and g.get("quote") == ref.get("quote"):
            return g.get(key)
    return None


def conflict_matches(kind: str, gold: dict, system: dict, gold_claims: list[dict], aliases) -> bool:
    ga, gb, sa, sb = gold["a"], gold["b"], system["a"], system["b"]
    if kind == "dispute":
        measure = _from_gold_claims(ga, gold_claims, "measure")
        if system.get("measure") and measure and system["measure"] != measure:
            return False
        ok = lambda x, y: _side_matches(x, y, aliases)
        return (ok(ga, sa) and ok(gb, sb)) or (ok(ga, sb) and ok(gb, sa))
    gv = (_from_gold_claims(ga, gold_claims, "value"), _from_gold_claims(gb, gold_claims, "value"))
    sv = (sa.get("value"), sb.get("value"))
    values = (same_value(gv[0], sv[0]) and same_value(gv[1], sv[1])) or \
             (same_value(gv[0], sv[1]) and same_value(gv[1], sv[0]))
    if kind == "inconsistency":
        return values and (_side_matches(ga, sa, aliases) or _side_matches(ga, sb, aliases))
    return values


def conflict_key(kind: str, c: dict) -> tuple:
    """Lines about the same pair merge: one per pair of claimants, claimant and values, or values."""
    a, b = c["a"], c["b"]
    if kind == "dispute":
        return (c.get("measure"), *sorted([normalise(a.get("claimant")), normalise(b.get("claimant"))]))
    values = tuple(sorted([round(float(a.get("value") or 0), 1), round(float(b.get("value") or 0), 1)]))
    if kind == "inconsistency":
        return (normalise(a.get("claimant")), *values)
    return values


def evaluate_conflicts(stories: list[dict], conflicts: list[dict], gold_claims: list[dict]) -> dict[str, dict]:
    """Recall and precision of each kind of conflict against the gold stories."""
    aliases = alias_table(gold_claims)
    out = {}
    for kind, gold_key in GOLD_KEYS.items():
        gold = [c for story in stories for c in (story.get(gold_key) or [])]
        merged: dict[tuple, dict] = {}
        for c in conflicts:
            if c.get("kind") == kind and c.get("a") and c.get("b"):
                merged.setdefault(conflict_key(kind, c), c)
        system = list(merged.values())
        hit_gold = {i for i, g in enumerate(gold)
                    if any(conflict_matches(kind, g, s, gold_claims, aliases) for s in system)}
        hit_system = {j for j, s in enumerate(system)
                      if any(conflict_matches(kind, g, s, gold_claims, aliases) for g in gold)}
        out[gold_key] = {
            "gold": len(gold), "system": len(system),
            "recall": round(len(hit_gold) / len(gold), 4) if gold else None,
            "precision": round(len(hit_system) / len(system), 4) if system else None,
        }
    return out
