"""Figures in text: digits and number words, their qualifiers, ranges, and what is not a count."""
from __future__ import annotations

import re
from dataclasses import dataclass

from crosstally.extractor.lexicon import LEXICON, trie_pattern
from crosstally.model import Qualifier

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
NUMBER_WORDS = {**UNITS, **TENS, **SCALES}

_WORD = r"(?:" + trie_pattern(set(NUMBER_WORDS), whole_words=True) + r")"
# A run of number words: "four hundred and ninety-eight", "Six thousand", "one million".
WORDS_RE = rf"(?:a\s+(?:hundred|thousand|million|billion)|{_WORD})(?:(?:\s+and\s+|[\s-]+){_WORD})*"
DIGITS_RE = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
SCALE_RE = r"(?:\s+(?:hundred|thousand|million|billion)|\s?(?:mn|bn)\b)?"
NUM_RE = rf"(?:(?:{DIGITS_RE}){SCALE_RE}|{WORDS_RE})"

# Left edge: not glued to a word, a hyphenated name (COVID-19) or a decimal; right edge likewise.
_LEFT = r"(?<![\w\-./:])"
_RIGHT = r"(?![\w]|[.,]\d|\s?:\s?\d)"
FIGURE = re.compile(_LEFT + r"(" + NUM_RE + r")" + _RIGHT, re.IGNORECASE)
RANGE = re.compile(
    _LEFT + r"(?:(?P<lead>between|from)\s+)?(?P<a>" + NUM_RE + r")"
    r"(?P<sep>\s+(?:and|to|or)\s+|\s?[–—-]\s?)(?P<b>" + NUM_RE + r")" + _RIGHT,
    re.IGNORECASE,
)
HAS_NUMBER = re.compile(r"\d|\b" + _WORD + r"\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure found in text: `start`/`end` cover the quote (qualifier included)."""

    start: int
    end: int
    num_start: int
    num_end: int
    value: float
    low: float | None
    high: float | None
    qualifier: Qualifier


# No reported count reaches a trillion (there are eight billion people); a longer string of digits
# is an identifier, a phone number or noise, and past 308 digits it is not even a finite float.
MAX_VALUE = 1e12


def parse_number(text: str) -> float | None:
    """The value of a number written in digits, words, or both ("1.5 million"); None for what is
    not a number, or not one a report could count (MAX_VALUE and beyond)."""
    value = _number(text)
    return value if value is not None and value < MAX_VALUE else None


def _number(text: str) -> float | None:
    t = text.strip().lower().replace("\u00a0", " ")
    m = re.fullmatch(r"(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(hundred|thousand|million|billion|mn|bn)?", t)
    if m:
        value = float(m.group(1).replace(",", "") + (m.group(2) or ""))
        scale = {"mn": "million", "bn": "billion"}.get(m.group(3) or "", m.group(3))
        return value * SCALES[scale] if scale else value
    words = re.split(r"[\s-]+", t)
    if words and words[0] == "a":
        words[0] = "one"
    words = [w for w in words if w != "and"]
    if not words or any(w not in NUMBER_WORDS for w in words):
        return None
    total, current = 0, 0
    for w in words:
        if w in UNITS or w in TENS:
            current += NUMBER_WORDS[w]
        elif w == "hundred":
            current = max(current, 1) * 100
        else:
            total += max(current, 1) * SCALES[w]
            current = 0
    return float(total + current)


def number_to_words(n: int) -> str:
    """English words for a whole number below a trillion (for round-trip tests and display)."""
    if n < 0:
        raise ValueError("negative")
    if n < 20:
        return [k for k, v in UNITS.items() if v == n][0]
    if n < 100:
        tens = [k for k, v in TENS.items() if v == n - n % 10][0]
        return tens if n % 10 == 0 else f"{tens}-{number_to_words(n % 10)}"
    if n < 1000:
        head = f"{number_to_words(n // 100)} hundred"
        return head if n % 100 == 0 else f"{head} and {number_to_words(n % 100)}"
    for word, scale in (("billion", 10**9), ("million", 10**6), ("thousand", 10**3)):
        if n >= scale:
            head = f"{number_to_words(n // scale)} {word}"
            rest = n % scale
            if not rest:
                return head
            joiner = " and " if rest < 100 else " "
            return f"{head}{joiner}{number_to_words(rest)}"
    raise AssertionError("unreachable")


def interval(value: float, qualifier: Qualifier, low: float | None = None) -> tuple[float | None, float | None]:
    """The bounds the words state (spec: `low`, `high`)."""
    if qualifier is Qualifier.RANGE:
        return low, value
    if qualifier in (Qualifier.EXACT, Qualifier.APPROXIMATELY):
        return value, value
    if qualifier in (Qualifier.MORE_THAN, Qualifier.AT_LEAST):
        return value, None
    return None, value


def _qualifier_before(text: str, pos: int) -> tuple[Qualifier, int]:
    """The qualifier phrase ending right before `pos`, and where it starts."""
    window = text[max(0, pos - 40):pos]
    m = LEXICON.qualifier_before.search(window.lower())
    if m is None:
        return Qualifier.EXACT, pos
    return LEXICON.qualifier_of_phrase[m.group(1)], pos - len(window) + m.start()


def _is_year(num: str) -> bool:
    return bool(re.fullmatch(r"(1[89]|20)\d\d", num))


def _non_count(text: str, start: int, end: int, raw: str) -> bool:
    """True when the figure at text[start:end] is a date, time, age, money, unit or name."""
    after = text[end:end + 30]
    before = text[max(0, start - 25):start]
    nxt = re.match(r"\s*[-\u2010\u2011]?\s*([\w%$€£.'’]+)", after)
    next_word = nxt.group(1).lower().rstrip(",").replace(".", "") if nxt else ""
    prev = re.search(r"([\w$€£¥₹.'’-]+)\s*$", before)
    prev_word = prev.group(1).lower() if prev else ""
    lex = LEXICON
    if any(after.lower().startswith(s) for s in lex.age_suffixes):
        return True
    if after[:1] in ("%",) or after.lstrip()[:1] == "%":
        return True
    if next_word in lex.non_count_following or next_word.rstrip("s") in lex.non_count_following:
        return True
    if next_word in ("st", "nd", "rd", "th"):
        return True
    if prev_word and (prev_word in lex.non_count_preceding or prev_word[-1:] in "$€£¥₹"):
        # "in 2017", "since 2014" are dates; "in 40 villages" is not: only skip years after them.
        if prev_word in ("after", "past", "since", "until", "till", "by", "in", "of", "year", "years"):
            return _is_year(raw)
        return True
    if prev_word.rstrip(".") in lex.months or next_word.rstrip(".") in lex.months:
        return True
    if _is_year(raw) and next_word not in lex.group_words:
        return True
    if re.match(r"\s?[-–]\s?\d", after) or re.search(r"\d\s?[-–]\s?$", before):
        return True  # a score or an unparsed span such as 3-2
    if re.fullmatch(r"\d+\.\d+", raw):
        return True  # counts of people are whole numbers unless scaled ("1.5 million")
    return False


def _quoted_name(text: str, start: int, end: int) -> bool:
    """A figure inside a short quoted title ("15 for 15") is part of a name."""
    left = text[max(0, start - 30):start]
    right = text[end:end + 30]
    lq = max(left.rfind(c) for c in "\"“„«")
    rq = [i for i in (right.find(c) for c in "\"”“»") if i >= 0]
    if lq < 0 or not rq:
        return False
    inner = left[lq + 1:] + text[start:end] + right[:min(rq)]
    return len(inner.split()) <= 4 and not re.search(r"[.,;:!?]", inner.strip(" ,"))


def _compound_numeral(a_raw: str, b_raw: str) -> bool:
    """"thirty-three thousand": a tens word hyphened to a unit word is one numeral, not a range."""
    a_last, b_first = a_raw.split()[-1].lower(), b_raw.split()[0].lower()
    return a_last in TENS and 1 <= UNITS.get(b_first, 0) <= 9


def find_figures(text: str, start_at: int = 0, end_at: int | None = None) -> list[Figure]:
    """Every candidate figure in text[start_at:end_at], offsets into `text`."""
    end_at = len(text) if end_at is None else end_at
    if not HAS_NUMBER.search(text, start_at, end_at):
        return []
    segment = text[start_at:end_at]
    figures: list[Figure] = []
    taken: list[tuple[int, int]] = []
    for m in RANGE.finditer(segment):
        a_raw, b_raw = m.group("a"), m.group("b")
        a, b = parse_number(a_raw), parse_number(b_raw)
        sep = m.group("sep").strip().lower()
        if a is None or b is None or not a < b:
            continue
        if sep in ("-", "–", "—") and (b < 10 or _is_year(a_raw) or _compound_numeral(a_raw, b_raw)):
            continue
        if sep == "and" and not m.group("lead"):
            continue  # "170 killed and 180 injured" lists two figures, it is no range
        if sep == "to" and not m.group("lead") and a_raw.isalpha() != b_raw.isalpha():
            continue
        s, e = start_at + m.start(), start_at + m.end()
        if _non_count(text, s, e, b_raw) or _quoted_name(text, s, e):
            continue
        figures.append(Figure(s, e, s, e, b, a, b, Qualifier.RANGE))
        taken.append((s, e))
    for m in FIGURE.finditer(segment):
        raw = m.group(1)
        s, e = start_at + m.start(1), start_at + m.end(1)
        if any(ts <= s < te for ts, te in taken):
            continue
        value = parse_number(raw)
        if value is None or value <= 0:
            continue
        if _non_count(text, s, e, raw) or _quoted_name(text, s, e):
            continue
        qualifier, qstart = _qualifier_before(text, s)
        if qstart < start_at:
            qualifier, qstart = Qualifier.EXACT, s
        low, high = interval(value, qualifier)
        figures.append(Figure(qstart, e, s, e, value, low, high, qualifier))
    figures.sort(key=lambda f: f.start)
    return figures
