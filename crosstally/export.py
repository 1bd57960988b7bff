"""Serialising claims and rejects: JSON Lines and CSV, with the field names of spec/claims.md."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from crosstally.model import CLAIM_FIELDS, Claim, Reject


def write_claims_jsonl(claims: Iterable[Claim], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for c in claims:
            f.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
            n += 1
    return n


def write_claims_csv(claims: Iterable[Claim], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(CLAIM_FIELDS))
        w.writeheader()
        for c in claims:
            w.writerow(c.to_dict())
            n += 1
    return n


def write_rejects_jsonl(rejects: Iterable[Reject], path: Path) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as f:
        for r in rejects:
            f.write(json.dumps({"source": r.source, "reason": r.reason}, ensure_ascii=False) + "\n")
            n += 1
    return n
