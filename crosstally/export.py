"""Serialising claims and rejects: JSON Lines and CSV, with the field names of spec/claims.md."""
from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from crosstally.model import CLAIM_FIELDS, Claim, Reject


class Replacing:
    """A file written beside `path` and put in its place when whole: a reader, or a run that
    dies half-way, never sees it half-written."""

    def __init__(self, path: Path, newline: str | None = None) -> None:
        self.path = Path(path)
        self.tmp = self.path.with_name(self.path.name + ".tmp")
        self.file = open(self.tmp, "w", encoding="utf-8", newline=newline)

    def __enter__(self):
        return self

    def __exit__(self, kind, *exc) -> None:
        self.file.close()
        if kind is None:
            self.tmp.replace(self.path)
        else:
            self.tmp.unlink(missing_ok=True)


class JsonLines(Replacing):
    """A JSON Lines file written a row at a time; `count` is how many were written."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.count = 0

    def write(self, row: dict) -> None:
        self.file.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        self.count += 1


def write_jsonl(rows: Iterable[dict], path: Path) -> int:
    """One JSON object per line; returns how many were written."""
    with JsonLines(path) as out:
        for row in rows:
            out.write(row)
    return out.count


def write_claims(claims: Iterable[Claim], jsonl: Path, csv_path: Path) -> int:
    """claims.jsonl and claims.csv in one pass over the claims (a stream: none is held)."""
    with JsonLines(jsonl) as out, Replacing(csv_path, newline="") as table:
        w = csv.DictWriter(table.file, fieldnames=list(CLAIM_FIELDS))
        w.writeheader()
        for c in claims:
            row = c.to_dict()
            out.write(row)
            w.writerow(row)
    return out.count


def write_rejects_jsonl(rejects: Iterable[Reject], path: Path) -> int:
    return write_jsonl(({"source": r.source, "reason": r.reason} for r in rejects), path)


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
