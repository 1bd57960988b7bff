"""Calendar dates as news pages write them: ISO, "2 March 2022", "March 2nd, 2022", "Mar 02"."""
from __future__ import annotations

import re
from datetime import date, timedelta

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


def parse_date(text: str | None) -> date | None:
    """A date from metadata or a date line: ISO, "2 March 2022", "March 2, 2022"."""
    if not text:
        return None
    m = ISO.search(text)
    if m:
        return safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    for rx, day_first in ((DAY_MONTH, True), (MONTH_DAY, False)):
        m = rx.search(text)
        if m and m.group(3):
            day, month = (m.group(1), m.group(2)) if day_first else (m.group(2), m.group(1))
            return calendar_date(int(day), month, m.group(3), None)
    return None


def safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def calendar_date(day: int, month: str, year: str | None, published: date | None) -> date | None:
    """A day from its parts; without a year, the one that puts it on or before `published`."""
    key = month.lower().rstrip(".")
    number = MONTHS.get(key) or MONTHS.get(key[:3])
    if number is None:
        return None
    y = int(year) if year else (published.year if published else None)
    if y is None:
        return None
    d = safe_date(y, number, day)
    if d and published and not year and d > published + timedelta(days=1):
        d = safe_date(y - 1, number, day)  # "on 30 December" in a January article
    return d


_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_FULL_DATE = rf"(?:{_DAY}\s+{_MONTH},?\s+\d{{4}}|{_MONTH}\s+{_DAY},?\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}})"
_WEEKDAY = r"(?:mon|tue|tues|wed|wednes|thu|thurs|fri|sat|satur|sun)(?:day)?\.?,?\s+"
# A page's date line: "Published October 2nd, 2022 - 11:46 GMT", "Updated: Sunday, 2 Oct 2022",
# "Mar 02, 2022 • 49 minutes ago". The date opens the line, after at most a label and a weekday.
DATE_LINE = re.compile(
    rf"(?:(?P<label>(?:first\s+)?published|posted|(?:last\s+)?updated|(?:last\s+)?modified|dated?)\b\.?"
    rf"\s*(?:on|at)?\s*:?\s*)?(?:{_WEEKDAY})?(?P<date>{_FULL_DATE})(?![\w-])", re.IGNORECASE)
DATE_LINE_MAX = 100  # longer lines are prose or captions that happen to open with a date


def date_line(line: str) -> tuple[date, bool] | None:
    """The date a short date line gives, and whether it is the publication date (not a later
    update); None for any other line."""
    line = line.strip()
    if len(line) > DATE_LINE_MAX or line.endswith("."):
        return None
    m = DATE_LINE.match(line)
    if not m:
        return None
    day = parse_date(m.group("date"))
    if day is None:
        return None
    label = (m.group("label") or "").lower()
    return day, not label.endswith(("updated", "modified"))


# Words before a date that put it ahead of the writing: "will meet on", "scheduled for", "until".
AHEAD = re.compile(r"\b(?:will|shall|scheduled|expected|planned|due|next|until|deadline|postponed to)\b[^.!?,;]{0,40}$",
                   re.IGNORECASE)


def latest_mentioned(text: str) -> date | None:
    """The latest date a text reports as past: an undated article was written on that day or after
    it. A day and month without a year take the year of the latest full date."""
    full: list[date] = []
    partial: list[tuple[int, str]] = []
    for m in ISO.finditer(text):
        if AHEAD.search(text, max(0, m.start() - 60), m.start()):
            continue
        if d := safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3))):
            full.append(d)
    for rx, day_first in ((DAY_MONTH, True), (MONTH_DAY, False)):
        for m in rx.finditer(text):
            if AHEAD.search(text, max(0, m.start() - 60), m.start()):
                continue
            day, month = (m.group(1), m.group(2)) if day_first else (m.group(2), m.group(1))
            if m.group(3):
                if d := calendar_date(int(day), month, m.group(3), None):
                    full.append(d)
            else:
                partial.append((int(day), month))
    if not full:
        return None
    latest = max(full)
    for day, month in partial:
        if (d := calendar_date(day, month, str(latest.year), None)) and d > latest:
            latest = d
    return latest
