"""Serialising claims and rejects: JSON Lines and CSV, with the field names of spec/claims.md."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from crosstally.model import CLAIM_FIELDS, Claim, Reject


class JsonLines:
    """A JSON Lines file written a row at a time; `count` is how many were written."""

    def __init__(self, path: Path) -> None:
        self.file = open(path, "w", encoding="utf-8")
        self.count = 0

    def write(self, row: dict) -> None:
        self.file.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        self.count += 1

    def __enter__(self) -> "JsonLines":
        return self

    def __exit__(self, *exc) -> None:
        self.file.close()


def write_jsonl(rows: Iterable[dict], path: Path) -> int:
    """One JSON object per line; returns how many were written."""
    with JsonLines(path) as out:
        for row in rows:
            out.write(row)
    return out.count


def write_claims(claims: Iterable[Claim], jsonl: Path, csv_path: Path) -> int:
    """claims.jsonl and claims.csv in one pass over the claims (a stream: none is held)."""
    with JsonLines(jsonl) as out, open(csv_path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(CLAIM_FIELDS))
        w.writeheader()
        for c in claims:
            row = c.to_dict()
            out.write(row)
            w.writerow(row)
    return out.count


def write_claims_jsonl(claims: Iterable[Claim], path: Path) -> int:
    return write_jsonl((c.to_dict() for c in claims), path)


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
    return write_jsonl(({"source": r.source, "reason": r.reason} for r in rejects), path)


def write_conflicts_jsonl(conflicts: Iterable[dict], path: Path) -> int:
    """One conflict per line: kind, story, slot, measure, a, b, why (and pairs, the claim pairs it stands for)."""
    return write_jsonl(conflicts, path)


def story_rows(analysis) -> Iterable[dict]:
    """One story per line: its articles, wire copies, claimants with aliases and evidence, slots with
    each speaker's figures and how many independent sources carry them, and timelines."""
    from crosstally.stories import outlets_per_figure

    for story in analysis.stories:
        yield {
            "story": story.id,
            "articles": story.articles,
            "copies": [members for members in story.copies if len(members) > 1],
            "claimants": [{"claimant": name, "aliases": [{"alias": a, "evidence": why} for a, why in aliases.items()]}
                          for name, aliases in story.claimants.items()],
            "slots": [{"slot": slot.id, "label": slot.label, "measure": slot.measure, "group": slot.group,
                       "figures": outlets_per_figure(story, slot, analysis.claimant_of),
                       "claims": [{"article": c.article, "quote": c.quote, "start": c.start, "value": c.value,
                                   "claimant": analysis.claimant_of[(c.article, c.start)], "as_named": c.claimant,
                                   "revision": (c.article, c.start) in analysis.revisions}
                                  for c in slot.claims]}
                      for slot in story.slots],
            "timelines": story.timelines,
        }


def write_stories_jsonl(analysis, path: Path) -> int:
    return write_jsonl(story_rows(analysis), path)
