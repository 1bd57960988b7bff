"""Across articles: stories, canonical claimants, slots (one quantity each) and conflicts.

`analyse(articles, claims)` is the whole stage, on one block of articles (`blocks` cuts a large
store into blocks of consecutive days). Claims are compared only within a story and a measure,
then within a slot (one counted group, one as-of day), so the comparisons grow with the size of
the largest slot, not with the corpus.
"""
from __future__ import annotations

import logging
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from crosstally.dates import latest_mentioned, parse_date
from crosstally.model import Article, Claim, Modality
from crosstally.stories import claimants as claimants_mod
from crosstally.stories import grouping
from crosstally.stories.compare import agree
from crosstally.stories.timeline import (
    as_of,
    is_earlier,
    is_part,
    is_revision,
)
from crosstally.stories.words import STORY_LEXICON, words

log = logging.getLogger(__name__)

# Measures whose count is a running total, given as of a day; a crowd is counted once per event.
EVENT_MEASURES = frozenset({"attended"})
# "other" says only that something was counted: two such figures need not count the same thing.
UNCOMPARED = frozenset({"other"})
EARLIER = date.min  # the as-of day of a figure the article presents as superseded


@dataclass
class Slot:
    id: str
    story: str
    measure: str
    group: str
    as_of: date | None
    claims: list[Claim] = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.as_of == EARLIER:
            return f"{self.group} {self.measure}, an earlier figure"
        day = f", as of {self.as_of.isoformat()}" if self.as_of and self.measure not in EVENT_MEASURES else ""
        return f"{self.group} {self.measure}{day}"


@dataclass
class Story:
    id: str
    articles: list[str]
    copies: list[list[str]]  # wire copies: each inner list is one independent source
    slots: list[Slot] = field(default_factory=list)
    claimants: dict[str, dict[str, str]] = field(default_factory=dict)
    timelines: list[dict] = field(default_factory=list)

    @property
    def copy_of(self) -> dict[str, int]:
        """Article -> its set of wire copies: articles with the same number are one source."""
        return {a: k for k, members in enumerate(self.copies) for a in members}


@dataclass
class Analysis:
    stories: list[Story]
    conflicts: list[dict]
    claimant_of: dict[tuple[str, int], str | None]  # (article, start) -> canonical claimant
    revisions: set[tuple[str, int]]
    # article -> (outlet, date) as the stage read them, a --meta index filling what the text lacks
    sources: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)


def _group_parts(who: str) -> tuple[str | None, str | None]:
    """(nationality, head kind) of a counted group: "Russian soldiers" -> ("russian", "soldiers"),
    "Russians" -> ("russian", None), "troops" -> (None, "soldiers")."""
    ws = words(who)
    heads = STORY_LEXICON.group_head
    for n in range(len(ws), 0, -1):
        phrase = " ".join(ws[-n:])
        if phrase in heads:
            rest = [w for w in ws[:-n] if w[:1].isalpha()]
            nationality = rest[-1] if rest and who.split()[0][:1].isupper() else None
            return nationality, heads[phrase]
    if len(ws) == 1 and who[:1].isupper() and ws[0].endswith("s"):
        return ws[0][:-1], None  # "Russians", "Palestinians": a people named by nationality
    return None, ws[-1] if ws else None


def _nearest(value: float, options: dict[tuple, set[float]]) -> tuple | None:
    def distance(key: tuple) -> float:
        return min(abs(math.log(max(value, 1) / max(v, 1))) for v in options[key])

    return min(options, key=distance) if options else None


def _resolve_groups(claims: list[Claim]) -> dict[int, tuple[str | None, str | None]]:
    """Each claim's group within one story and measure: a group named without nationality takes the
    one named with it ("soldiers" -> "Russian soldiers", by the nearest figure when there are
    several); "people" joins the only other group counted."""
    parts = {id(c): _group_parts(c.who) for c in claims}
    full: dict[tuple, set[float]] = defaultdict(set)
    for c in claims:
        nat, head = parts[id(c)]
        if nat and head:
            full[(nat, head)].add(c.value)
    out = {}
    for c in claims:
        nat, head = parts[id(c)]
        if nat and head:
            out[id(c)] = (nat, head)
            continue
        fits = {k: v for k, v in full.items() if (head and k[1] == head) or (nat and k[0] == nat)}
        out[id(c)] = _nearest(c.value, fits) or (nat, head)
    named = {g for g in out.values() if g[1] not in ("people", None)}
    if len(named) == 1:
        only = next(iter(named))
        for k, g in out.items():
            if g[1] == "people" and g[0] is None:
                out[k] = only
    return out


def _days(claims: list[Claim], published, story_day, claimant_of, groups) -> dict[int, date | None]:
    """Each claim's as-of day. A day the sentence names wins; a figure the article calls earlier
    gets a slot of its own; a speaker's figure restated in a later article keeps the day the
    speaker first gave it; otherwise the article's day (the story's usual day when unknown)."""
    first: dict[tuple, date] = {}
    stated: dict[int, tuple[date | None, bool]] = {}
    for c in claims:
        # An undated article's weekdays cannot be placed: its figures take the story's usual day.
        day, named = as_of(c, published[c.article])
        stated[id(c)] = (day, named) if day is not None else (story_day, False)
        day, _ = stated[id(c)]
        who = claimant_of[(c.article, c.start)]
        if day is not None and who is not None:
            k = (who, groups[id(c)], c.value)
            first[k] = min(first.get(k, day), day)
    out: dict[int, date | None] = {}
    for c in claims:
        day, named = stated[id(c)]
        if is_earlier(c):
            out[id(c)] = EARLIER  # "Earlier, police said ...": a figure the article calls previous
            continue
        who = claimant_of[(c.article, c.start)]
        if not named and who is not None:
            day = first.get((who, groups[id(c)], c.value), day)
        out[id(c)] = day
    return out


def _group_label(key: tuple, claims: list[Claim]) -> str:
    """The group as the articles write it most often, among those with its nationality."""
    counts = Counter(c.who for c in claims)
    return max(counts, key=lambda w: (bool(key[0]) and key[0] in words(w), counts[w], len(w)))


# The story stage holds one block of articles at a time: at most this many, of consecutive days.
BLOCK_ARTICLES = 5_000


def block_starts(counts: Mapping[date | None, int], cap: int = BLOCK_ARTICLES) -> tuple[dict[date | None, int], int]:
    """How the story stage cuts a store into blocks, from the number of articles of each day (None:
    undated): the block each day starts in, and the number of blocks. The k-th article of a day, in
    id order, is in block start + k // cap. Up to `cap` articles are one block, as if unblocked.
    Beyond, dated articles are taken day by day and a block is closed before the day that would take
    it over `cap` (a day with more than `cap` articles is cut in pieces); undated articles, which
    any day could match, make blocks of their own. A story that runs across a cut becomes two."""
    if sum(counts.values()) <= cap:
        return {day: 0 for day in counts}, 1
    starts: dict[date | None, int] = {}
    block, filled = 0, 0
    for day in sorted(d for d in counts if d is not None):
        n = counts[day]
        if filled and filled + n > cap:
            block, filled = block + 1, 0
        starts[day] = block
        block += (filled + n - 1) // cap
        filled = (filled + n - 1) % cap + 1
    if counts.get(None):
        if filled:
            block, filled = block + 1, 0
        starts[None] = block
        block += (counts[None] - 1) // cap
    return starts, block + 1


def blocks(days: Iterable[tuple[str, date | None]], cap: int = BLOCK_ARTICLES) -> list[list[str]]:
    """Article ids, given with their publication day, cut into the blocks the story stage reads one
    at a time (see `block_starts`), so its memory is that of one block however large the store.
    Each block's ids are sorted."""
    by_day: dict[date | None, list[str]] = defaultdict(list)
    for article_id, day in days:
        by_day[day].append(article_id)
    starts, n = block_starts({day: len(ids) for day, ids in by_day.items()}, cap)
    out: list[list[str]] = [[] for _ in range(n)]
    for day, ids in by_day.items():
        for k, article_id in enumerate(sorted(ids)):
            out[starts[day] + k // cap].append(article_id)
    return [sorted(ids) for ids in out]


def block_prefix(block: int, n_blocks: int) -> str:
    """Story ids are S1, S2 ... in a store analysed whole, B2.S1 ... in block 2 of several."""
    return "S" if n_blocks <= 1 else f"B{block + 1}.S"


def analyse(articles: Iterable[Article], claims: Iterable[Claim],
            near_duplicates: Iterable[tuple[str, str]] = (), prefix: str = "S") -> Analysis:
    arts = {a.id: a for a in articles}
    by_article: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        if c.article in arts:
            by_article[c.article].append(c)
    docs = [grouping.Doc(a.id, a.text, parse_date(a.date),
                         frozenset((c.measure.value, round(c.value)) for c in by_article[a.id]),
                         frozenset(" ".join(words(claimants_mod.display_name(c.claimant)))
                                   for c in by_article[a.id] if c.claimant))
            for a in arts.values()]
    published = {d.id: d.published for d in docs}
    stories: list[Story] = []
    conflicts: list[dict] = []
    claimant_of: dict[tuple[str, int], str | None] = {}
    revisions: set[tuple[str, int]] = set()
    for n, (ids, copy_sets) in enumerate(grouping.stories(docs, near_duplicates), 1):
        story = Story(f"{prefix}{n}", ids, copy_sets)
        story_claims = [c for a in ids for c in by_article[a]]
        copy_of = story.copy_of
        names = claimants_mod.resolve(story_claims, {a: arts[a].text for a in ids}, copy_of)
        story.claimants = {k: v for k, v in names.aliases.items()}
        for c in story_claims:
            claimant_of[(c.article, c.start)] = names.of(c)
        revised = {(c.article, claimant_of[(c.article, c.start)], c.value) for c in story_claims if is_revision(c)}
        for c in story_claims:
            # A revised figure repeated in the same article by the same speaker is the revision too.
            if (c.article, claimant_of[(c.article, c.start)], c.value) in revised:
                revisions.add((c.article, c.start))
        # An undated article was written no earlier than the last day it reports. That bound
        # places it only when it is later than the story's usual day: an old date in the
        # background ("the war that began on 24 February 2022") says nothing.
        bound = {a: latest_mentioned(arts[a].text) for a in ids if not published[a]}
        days = Counter(published[a] for a in ids if published[a]) or Counter(d for d in bound.values() if d)
        story_day = min(days, key=lambda d: (-days[d], d)) if days else None
        day_of = {a: published[a] or (bound[a] if bound[a] and (story_day is None or bound[a] > story_day) else None)
                  for a in ids}
        slots: dict[tuple, Slot] = {}
        by_measure: dict[str, list[Claim]] = defaultdict(list)
        for c in story_claims:
            by_measure[c.measure.value].append(c)
        for measure, cs in sorted(by_measure.items()):
            groups = _resolve_groups(cs)
            days = _days(cs, day_of, story_day, claimant_of, groups) if measure not in EVENT_MEASURES else {}
            for c in cs:
                group_key = groups[id(c)] + (("part",) if is_part(c) else ())
                key = (measure, group_key, days.get(id(c)))
                if key not in slots:
                    slots[key] = Slot("", story.id, measure, "", days.get(id(c)))
                slots[key].claims.append(c)
        for i, (key, slot) in enumerate(sorted(slots.items(), key=lambda kv: (-len(kv[1].claims), kv[1].measure))):
            slot.id = f"{story.id}.{i + 1}"
            slot.group = _group_label(key[1], slot.claims) + (" (part of the toll)" if "part" in key[1] else "")
        story.slots = sorted(slots.values(), key=lambda s: s.id)
        for slot in story.slots:
            conflicts.extend(_conflicts(slot, claimant_of, revisions, copy_of))
        story.timelines = _timelines(story, claimant_of, revisions)
        stories.append(story)
    return Analysis(stories, conflicts, claimant_of, revisions, {a.id: (a.outlet, a.date) for a in arts.values()})


def _side(c: Claim, claimant: str | None) -> dict:
    value = int(c.value) if float(c.value).is_integer() else c.value
    return {"article": c.article, "quote": c.quote, "start": c.start, "value": value, "claimant": claimant}


# One quantity is reported as a handful of figures (at most nine in our corpora), never a hundred:
# a slot with more is a table or a list the grouping could not tell apart, and comparing every
# pair of its figures would cost their square for conflicts nobody could read.
MAX_FIGURES = 100


def _conflicts(slot: Slot, claimant_of, revisions, copy_of) -> list[dict]:
    """Conflicting pairs of one slot, one line per pair of speakers (dispute), per speaker and pair
    of values (inconsistency), per pair of values (discrepancy); `pairs` counts the claim pairs.
    Claims are first folded into distinct figures (speaker, words, value, revision), so a slot
    carried by many outlets costs the square of its distinct figures, not of its claims."""
    if slot.measure in UNCOMPARED:
        return []
    figures: dict[tuple, list[Claim]] = defaultdict(list)
    for c in slot.claims:
        if c.modality is Modality.ASSERTED:
            key = (claimant_of[(c.article, c.start)], c.qualifier.value, c.value, c.low,
                   (c.article, c.start) in revisions)
            figures[key].append(c)
    if len(figures) > MAX_FIGURES:
        log.warning("slot %s (%s) has %d distinct figures: a list of things, not one quantity; not compared",
                    slot.id, slot.label, len(figures))
        return []
    found: dict[tuple, dict] = {}
    keys = list(figures)
    for i, fa in enumerate(keys):
        for fb in keys[i + 1:]:
            a, b = figures[fa][0], figures[fb][0]
            if agree(a, b):
                continue
            ca, cb = fa[0], fb[0]
            if ca is None and cb is None:
                kind, key = "discrepancy", tuple(sorted((a.value, b.value)))
            elif ca is None or cb is None:
                continue  # an outlet's own voice against a named source is not a conflict
            elif ca == cb:
                if fa[4] or fb[4]:
                    continue  # a stated revision is an update on the speaker's timeline
                kind, key = "inconsistency", (ca, *sorted((a.value, b.value)))
            else:
                kind, key = "dispute", tuple(sorted((ca, cb)))
            pairs = len(figures[fa]) * len(figures[fb])
            if key in found:
                found[key]["pairs"] += pairs
                continue
            found[key] = {
                "kind": kind, "story": slot.story, "slot": slot.label, "slot_id": slot.id,
                "measure": slot.measure, "a": _side(a, ca), "b": _side(b, cb),
                "why": _why(kind, a, b, ca, cb, copy_of), "pairs": pairs,
            }
    order = {"dispute": 0, "inconsistency": 1, "discrepancy": 2}
    return sorted(found.values(), key=lambda x: order[x["kind"]])


def _why(kind: str, a: Claim, b: Claim, ca: str | None, cb: str | None, copy_of) -> str:
    where_a = f"in {a.article}" + (" (headline)" if a.in_headline else "")
    where_b = f"in {b.article}" + (" (headline)" if b.in_headline else "")
    if kind == "dispute":
        return (f"{ca} puts it at {a.quote} ({where_a}); {cb} puts it at {b.quote} ({where_b}). "
                "The two figures cannot both be right.")
    if kind == "inconsistency":
        place = "within one article" if a.article == b.article else "by two outlets"
        if a.article != b.article and copy_of.get(a.article) == copy_of.get(b.article):
            place = "in two copies of one wire story"
        return f"{ca} is reported {place} as saying both {a.quote} ({where_a}) and {b.quote} ({where_b})."
    return f"Outlets give different figures in their own voice: {a.quote} ({where_a}) against {b.quote} ({where_b})."


def _timelines(story: Story, claimant_of, revisions) -> list[dict]:
    """Each speaker's figures for one quantity over days, where it gives more than one."""
    lines: dict[tuple, list] = defaultdict(list)
    for slot in story.slots:
        for c in slot.claims:
            who = claimant_of[(c.article, c.start)]
            if who is None or c.modality is not Modality.ASSERTED:
                continue
            lines[(who, slot.measure, slot.group)].append((slot.as_of, c, (c.article, c.start) in revisions))
    out = []
    for (who, measure, group_), points in lines.items():
        if len({(d, c.value) for d, c, _ in points}) < 2:
            continue
        points.sort(key=lambda p: (p[0] or date.min, p[1].article, p[1].start))
        out.append({"claimant": who, "measure": measure, "group": group_, "points": [
            {"as_of": "earlier" if d == EARLIER else d.isoformat() if d else None, "quote": c.quote, "value": c.value,
             "qualifier": c.qualifier.value, "article": c.article, "start": c.start, "revision": rev}
            for d, c, rev in points]})
    return out


def outlets_per_figure(story: Story, slot: Slot, claimant_of) -> list[dict]:
    """Each speaker's figures in a slot, with how many independent sources (a wire story and its
    copies count once) carry a figure of that speaker that agrees with it."""
    copy_of = story.copy_of
    figures: dict[tuple, list[Claim]] = defaultdict(list)
    for c in slot.claims:
        figures[(claimant_of[(c.article, c.start)], c.qualifier.value, c.value, c.low)].append(c)
    by_speaker: dict[str | None, list[tuple]] = defaultdict(list)
    for key in figures:
        by_speaker[key[0]].append(key)
    rows = []
    for key, claims in figures.items():
        # A speaker with more than MAX_FIGURES figures here is a list: each figure stands alone.
        others = by_speaker[key[0]] if len(by_speaker[key[0]]) <= MAX_FIGURES else [key]
        agreeing = {c.article for other in others if agree(claims[0], figures[other][0]) for c in figures[other]}
        rows.append({"claimant": key[0], "quote": claims[0].quote, "value": key[2], "qualifier": key[1],
                     "low": claims[0].low, "high": claims[0].high,
                     "articles": sorted({c.article for c in claims}),
                     "outlets": len({copy_of.get(a, a) for a in agreeing})})
    return sorted(rows, key=lambda r: (-r["outlets"], str(r["claimant"])))
