"""Page layout of an article as ingested: title, furniture, paragraphs and sentences, as offsets."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from crosstally.dates import date_line


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article: text[start:end], in paragraph `para`."""

    start: int
    end: int
    para: int
    in_title: bool = False


@dataclass(slots=True)
class Layout:
    text: str
    sentences: list[Sentence] = field(default_factory=list)
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    furniture: list[tuple[int, int, str]] = field(default_factory=list)
    title_span: tuple[int, int] | None = None
    credits: tuple[str, ...] = ()
    date: str | None = None

    @property
    def title(self) -> str | None:
        return self.text[self.title_span[0]:self.title_span[1]] if self.title_span else None

    def sentence_text(self, s: Sentence) -> str:
        return self.text[s.start:s.end]


@dataclass(frozen=True)
class _Furniture:
    lines: frozenset[str]
    pattern: re.Pattern  # any of the furniture patterns, as one alternation
    link_markers: frozenset[str]
    credit_patterns: tuple[re.Pattern, ...]


def _scoped(pattern: str) -> str:
    """A pattern as a group that can sit in an alternation: a leading "(?i)" becomes "(?i:...)"."""
    m = re.match(r"\(\?([imsx]+)\)", pattern)
    if m:
        return f"(?{m.group(1)}:{pattern[m.end():]})"
    return f"(?:{pattern})"


@lru_cache(maxsize=1)
def _furniture() -> _Furniture:
    raw = resources.files("crosstally.clean").joinpath("furniture.toml").read_bytes()
    d = tomllib.loads(raw.decode("utf-8"))
    return _Furniture(
        lines=frozenset(x.lower() for x in d["lines"]),
        pattern=re.compile("|".join(_scoped(p) for p in d["patterns"])),
        link_markers=frozenset(x.lower() for x in d["link_list_markers"]),
        credit_patterns=tuple(re.compile(p) for p in d["credit_patterns"]),
    )


# A date line counts only among an article's first lines, where pages print it.
DATE_LINE_WINDOW = 6
DATE_PREFIX = re.compile(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s+")
BULLET = re.compile(r"[\s•·▪►\-*]*(?:\d{1,2}\.\s+(?=[A-Z]))?")
PHOTO_CREDIT = re.compile(r"(?:/\s*[A-Z][\w .&-]*|\((?:[\w ]*photo[\w ]*|[\w ]*/[\w ]*)\))\s*$", re.I)
ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen maj lt col sgt capt cpl adm gov sen rep st no vs etc jan feb mar apr "
    "jun jul aug sep sept oct nov dec inc corp ltd co jr sr rev fig approx est dept univ".split()
)
# Candidate sentence ends: terminal punctuation, closing quotes, then space and a capital,
# a digit or an opening quote; or a closing quote glued to the next sentence.
BOUNDARY = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘(\[]?[A-Z0-9]|[\"”][A-Z])|(?<=[.!?][\"”])(?=[A-Z])"
                      r"|(?<=[\"”][.!?])(?=[A-Z])")


def _is_abbreviation(text: str, dot: int) -> bool:
    m = re.search(r"([A-Za-z.]+)$", text[max(0, dot - 64):dot])  # a word ending at the dot
    if not m:
        return False
    word = m.group(1)
    if re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", word):
        return len(word) == 1 and word.isupper() or "." in word  # an initial, or U.S.
    return word.lower() in ABBREVIATIONS


# No sentence of news prose runs to a thousand characters (the longest in our corpora are under
# 300); a longer run is a list, a table flattened to text or markup debris. It is cut into pieces
# of at most this length, at a clause boundary where there is one, so that the parse and every
# search within a sentence stay bounded, and each figure keeps the words around it.
MAX_SENTENCE = 1000
CLAUSE_BREAK = re.compile(r"[;,:]\s|\s[–—]\s")


def cap_sentence(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """text[start:end] in pieces of at most MAX_SENTENCE characters: cut after the last clause
    break of each piece's second half, else at its last space, else (no space at all) anywhere."""
    pieces = []
    while end - start > MAX_SENTENCE:
        limit = start + MAX_SENTENCE
        breaks = [m.end() for m in CLAUSE_BREAK.finditer(text, start + MAX_SENTENCE // 2, limit)]
        cut = breaks[-1] if breaks else text.rfind(" ", start + 1, limit) + 1 or limit
        pieces.append(_trim(text, start, cut))
        start = cut
    pieces.append(_trim(text, start, end))
    return [(s, e) for s, e in pieces if e > s]


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of text[start:end] (one paragraph), none longer than MAX_SENTENCE."""
    spans = _sentences(text, start, end)
    if all(e - s <= MAX_SENTENCE for s, e in spans):
        return spans
    return [piece for s, e in spans for piece in cap_sentence(text, s, e)]


def _sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for m in BOUNDARY.finditer(text, start, end):
        if text[m.start()] == "." and _is_abbreviation(text, m.start()):
            continue
        stop = m.end()
        if stop > cursor:
            spans.append((cursor, stop))
        cursor = stop
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        spans.append((cursor, end))
    return [(s, e) for s, e in (_trim(text, s, e) for s, e in spans) if e > s]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _lines(text: str):
    pos = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        yield pos, pos + len(body)
        pos += len(line)


def _credit_names(raw: str) -> list[str]:
    names = re.split(r"\s*(?:[,/;&]|\band\b)\s*", raw.strip().strip("."))
    return [n.strip() for n in names if n.strip() and len(n.strip()) <= 40]


def _find_title(text: str, title: str) -> tuple[int, int] | None:
    i = text.find(title.strip())
    if i >= 0:
        return i, i + len(title.strip())
    words = [re.escape(w) for w in title.split()]
    if not words:
        return None
    m = re.search(r"\s+".join(words), text)
    return (m.start(), m.end()) if m else None


def _looks_like_title(line: str) -> bool:
    words = line.split()
    if not 3 <= len(words) <= 25 or not line[:1].isupper() and not line[:1].isdigit():
        return False
    if line.rstrip().endswith((".", "”", '"', "’")) or PHOTO_CREDIT.search(line):
        return False
    return True


def layout(text: str, title: str | None = None, sentences: bool = True) -> Layout:
    """Split an article into title, furniture, paragraphs and sentences (offsets into `text`).
    With `sentences=False` only the title, date, credits, furniture and paragraphs are found."""
    furn = _furniture()
    out = Layout(text=text)
    credits: list[str] = []
    in_links = False
    dated = False  # the publication date is known; an "Updated" line does not settle it
    content_lines: list[tuple[int, int]] = []
    for ls, le in _lines(text):
        s, e = _trim(text, ls, le)
        if s == e:
            continue
        if not content_lines and not out.furniture and (m := DATE_PREFIX.match(text, ls, le)):
            out.date = m.group(1)
            dated = True
            s = m.end()
        b = BULLET.match(text, s, e)
        if b and b.end() < e:
            s = b.end()
        line = text[s:e]
        low = line.lower().strip(" :")
        if len(content_lines) < DATE_LINE_WINDOW and not dated and (d := date_line(line)) \
                and not PHOTO_CREDIT.search(line):
            day, published = d
            if published or out.date is None:
                out.date = day.isoformat()
            dated = published
            out.furniture.append((s, e, "date"))
            continue
        for cp in furn.credit_patterns:
            for cm in cp.finditer(line):
                credits.extend(_credit_names(cm.group("names")))
        if low in furn.lines or furn.pattern.match(line):
            out.furniture.append((s, e, "furniture"))
            in_links = low in furn.link_markers
            continue
        if in_links and len(line) < 120 and not line.endswith((".", "!", "?", "”", '"')):
            out.furniture.append((s, e, "link"))
            continue
        in_links = False
        content_lines.append((s, e))
    if title:
        out.title_span = _find_title(text, title)
    elif content_lines and len(content_lines) > 1:
        first = content_lines[0]
        early = first[0] < 600
        if early and _looks_like_title(text[first[0]:first[1]]):
            out.title_span = first
    for para, (s, e) in enumerate(content_lines):
        out.paragraphs.append((s, e))
        if not sentences:
            continue
        in_title = out.title_span is not None and s < out.title_span[1] and out.title_span[0] < e
        spans = cap_sentence(text, s, e) if in_title else split_sentences(text, s, e)
        out.sentences.extend(Sentence(a, b, para, in_title) for a, b in spans)
    out.credits = tuple(dict.fromkeys(credits))
    return out
