"""When a figure holds: the article's date, moved by what the sentence says ("on Wednesday",
"yesterday", "on 2 March"), and whether the article presents it as a revision."""
from __future__ import annotations

import re
from datetime import date, timedelta

from crosstally.model import Claim
from crosstally.stories.words import STORY_LEXICON

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}

_MONTH = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
         r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+(\d{{4}}))?\b", re.I)
MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b", re.I)
ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})(?!\d)")
WEEKDAY = re.compile(r"\b(?:on\s+|last\s+|this\s+|by\s+)?(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
                     re.I)
RELATIVE = re.compile(r"\b(yesterday|today|tonight|last night|this morning|earlier today)\b", re.I)
# A date after these words starts a period ("since 24 February"); it is not when the figure holds.
STARTS = re.compile(r"\b(?:since|from|began|begun|started|beginning|after)\s+(?:\w+\s+){0,2}$", re.I)


def parse_date(text: str | None) -> date | None:
    """A date from metadata or a date line: ISO, "2 March 2022", "March 2, 2022"."""
    if not text:
        return None
    m = ISO.search(text)
    if m:
        return _safe(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for rx, day_first in ((DAY_MONTH, True), (MONTH_DAY, False)):
        m = rx.search(text)
        if m and m.group(3):
            day, month = (m.group(1), m.group(2)) if day_first else (m.group(2), m.group(1))
            return _explicit(int(day), month, m.group(3), None)
    return None


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def as_of(claim: Claim, published: date | None) -> tuple[date | None, bool]:
    """The day a figure is given for, and whether the sentence names it: a day the sentence names,
    else the day of publication."""
    sentence = claim.sentence
    rel = claim.start - _sentence_start(claim)
    found: list[tuple[int, date]] = []
    for m in DAY_MONTH.finditer(sentence):
        if not STARTS.search(sentence[:m.start()]):
            d = _explicit(int(m.group(1)), m.group(2), m.group(3), published)
            if d:
                found.append((m.start(), d))
    for m in MONTH_DAY.finditer(sentence):
        if not STARTS.search(sentence[:m.start()]):
            d = _explicit(int(m.group(2)), m.group(1), m.group(3), published)
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


def _explicit(day: int, month: str, year: str | None, published: date | None) -> date | None:
    key = month.lower().rstrip(".")
    number = MONTHS.get(key) or MONTHS.get(key[:3])
    if number is None:
        return None
    y = int(year) if year else (published.year if published else None)
    if y is None:
        return None
    d = _safe(y, number, day)
    if d and published and not year and d > published + timedelta(days=1):
        d = _safe(y - 1, number, day)  # "on 30 December" in a January article
    return d


def _sentence_start(claim: Claim) -> int:
    """Where the claim's sentence starts in the article (the quote sits inside it)."""
    offset = claim.sentence.find(claim.quote)
    return claim.start - offset if offset >= 0 else claim.start


def is_revision(claim: Claim) -> bool:
    """The article presents the figure as a change of an earlier one: "the toll rose to 131",
    "revised down to 125", "a day after he said ...", "up from 125"."""
    offset = claim.sentence.find(claim.quote)
    before = claim.sentence[:offset] if offset >= 0 else ""
    return bool(STORY_LEXICON.revision_verbs.search(before) or STORY_LEXICON.revision_phrases.search(claim.sentence))


EARLIER_CUE = re.compile(r"^\W*(?:earlier|previously|initially|at first)\b|\b(?:had earlier|had previously|"
                         r"had initially|earlier (?:figure|toll|count|estimate)|previous (?:figure|toll|count|estimate))\b",
                         re.IGNORECASE)


def is_earlier(claim: Claim) -> bool:
    """The article gives the figure as a superseded one: "Earlier, police said ...", "the previous toll of 127"."""
    return bool(EARLIER_CUE.search(claim.sentence))


PART_CUE = re.compile(r"^[^,;:.]*?\b(?:among|inside|of them|of whom|in hospital|at the scene|on the spot|"
                      r"on the way)\b", re.IGNORECASE)


def is_part(claim: Claim) -> bool:
    """The figure counts part of a toll, as its own clause says: "two officers were among the dead",
    "34 died inside the stadium"."""
    offset = claim.sentence.find(claim.quote)
    after = claim.sentence[offset + len(claim.quote):] if offset >= 0 else ""
    return bool(PART_CUE.search(after))
