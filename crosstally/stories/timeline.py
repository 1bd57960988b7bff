"""When a figure holds: the article's date, moved by what the sentence says ("on Wednesday",
"yesterday", "on 2 March"), and whether the article presents it as a revision."""
from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from crosstally.dates import DAY_MONTH, MONTH_DAY, WEEKDAYS, calendar_date
from crosstally.model import Claim
from crosstally.stories.words import STORY_LEXICON

WEEKDAY = re.compile(r"\b(?:on\s+|last\s+|this\s+|by\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
                     re.I)
RELATIVE = re.compile(r"\b(yesterday|today|tonight|last night|this morning|earlier today)\b", re.I)
# A date after these words starts a period ("since 24 February"); it is not when the figure holds.
STARTS = re.compile(r"\b(?:since|from|began|begun|started|beginning|after)\s+(?:\w+\s+){0,2}$", re.I)


def as_of(claim: Claim, published: date | None) -> tuple[date | None, bool]:
    """The day a figure is given for, and whether the sentence names it: a day the sentence names,
    else the day of publication."""
    return _as_of(claim.sentence, max(claim.sentence.find(claim.quote), 0), published)


# The sentence-level readings are cached: copies of one wire story repeat their sentences, close
# together in a block. Each entry holds a sentence, so the caches are kept small.
SENTENCES_CACHED = 4_096


@lru_cache(maxsize=SENTENCES_CACHED)
def _as_of(sentence: str, rel: int, published: date | None) -> tuple[date | None, bool]:
    found: list[tuple[int, date]] = []
    for m in DAY_MONTH.finditer(sentence):
        if not STARTS.search(sentence[:m.start()]):
            d = calendar_date(int(m.group(1)), m.group(2), m.group(3), published)
            if d:
                found.append((m.start(), d))
    for m in MONTH_DAY.finditer(sentence):
        if not STARTS.search(sentence[:m.start()]):
            d = calendar_date(int(m.group(2)), m.group(1), m.group(3), published)
            if d:
                found.append((m.start(), d))
    if published is not None:
        for m in WEEKDAY.finditer(sentence):
            if STARTS.search(sentence[:m.start()]):
                continue
            back = (published.weekday() - WEEKDAYS[m.group(1).lower()]) % 7
            found.append((m.start(), published - timedelta(days=back)))
        for m in RELATIVE.finditer(sentence):
            word = m.group(1).lower()
            found.append((m.start(), published - timedelta(days=1) if word in ("yesterday", "last night")
                          else published))
    if not found:
        return published, False
    return min(found, key=lambda f: abs(f[0] - rel))[1], True


def is_revision(claim: Claim) -> bool:
    """The article presents the figure as a change of an earlier one: "the toll rose to 131",
    "revised down to 125", "a day after he said ...", "up from 125"."""
    return _is_revision(claim.sentence, claim.quote)


@lru_cache(maxsize=SENTENCES_CACHED)
def _is_revision(sentence: str, quote: str) -> bool:
    offset = sentence.find(quote)
    before = sentence[:offset] if offset >= 0 else ""
    return bool(STORY_LEXICON.revision_verbs.search(before) or STORY_LEXICON.revision_phrases.search(sentence))


EARLIER_CUE = re.compile(r"^\W*(?:earlier|previously|initially|at first)\b|\b(?:had earlier|had previously|"
                         r"had initially|earlier (?:figure|toll|count|estimate)|previous (?:figure|toll|count|estimate))\b",
                         re.IGNORECASE)


def is_earlier(claim: Claim) -> bool:
    """The article gives the figure as a superseded one: "Earlier, police said ...", "the previous toll of 127"."""
    return _is_earlier(claim.sentence)


@lru_cache(maxsize=SENTENCES_CACHED)
def _is_earlier(sentence: str) -> bool:
    return bool(EARLIER_CUE.search(sentence))


PART_CUE = re.compile(r"^[^,;:.]*?\b(?:among|inside|of them|of whom|in hospital|at the scene|on the spot|"
                      r"on the way)\b", re.IGNORECASE)


def is_part(claim: Claim) -> bool:
    """The figure counts part of a toll, as its own clause says: "two officers were among the dead",
    "34 died inside the stadium"."""
    return _is_part(claim.sentence, claim.quote)


@lru_cache(maxsize=SENTENCES_CACHED)
def _is_part(sentence: str, quote: str) -> bool:
    offset = sentence.find(quote)
    after = sentence[offset + len(quote):] if offset >= 0 else ""
    return bool(PART_CUE.search(after))
