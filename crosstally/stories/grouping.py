"""Articles into stories (one event, several outlets), and wire copies linked within a story.

Articles are compared only when they share rare words (an inverted index over each article's
most distinctive words blocks the comparison), so the cost grows with the number of articles
that share vocabulary, not with the square of the corpus. Two articles are one story when their
word profiles are close (TF-IDF cosine) or when they share a figure and a speaker, and their
dates, where known, are a few days apart at most. Two articles of one story are copies of one
wire story when most of their word sequences are the same (shingle overlap).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from crosstally.stories.unionfind import UnionFind
from crosstally.stories.words import STOPWORDS, fold

SIMILAR = 0.12      # TF-IDF cosine at which two articles are about one event
SHARED_FIGURE = 0.06  # a lower cosine suffices when they also share a figure and a speaker
MAX_DAYS = 4        # articles further apart than this are different events
COPY = 0.5          # share of word 5-grams two copies of one wire story have in common
BLOCK_TERMS = 40    # each article's most distinctive words, used to find its candidates
TRIES_PER_GROUPS = 8  # failed comparisons after which two groups of articles are taken as distinct


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    text: str
    published: date | None
    fingerprints: frozenset[tuple[str, float]] = frozenset()  # (measure, value) of its claims
    speakers: frozenset[str] = frozenset()


def _terms(text: str) -> list[str]:
    """Content words; a capitalised word inside a sentence (a name: Kanjuruhan, Zelenskyy) counts
    twice, as names say more about which event an article covers than common words."""
    out = []
    for m in re.finditer(r"(?<=[a-z,;:]\s)[A-Z][\w'-]{2,}|[A-Za-z][\w'-]{2,}", text):
        w = fold(m.group(0))
        if w in STOPWORDS or not w[0].isalpha():
            continue
        out.append(w)
        if m.group(0)[0].isupper() and m.start() > 0 and text[m.start() - 2] not in ".!?\n":
            out.append(w)
    return out


def _shingles(text: str, n: int = 5) -> set[int]:
    ws = re.findall(r"\w+", fold(text))
    return {hash(tuple(ws[i:i + n])) for i in range(max(0, len(ws) - n + 1))}


def _vectors(docs: list[Doc]) -> list[dict[str, float]]:
    counts = [Counter(_terms(d.text)) for d in docs]
    df = Counter(t for c in counts for t in c)
    n = len(docs)
    vectors = []
    for c in counts:
        # Smoothed IDF: a word every article uses still counts (one event covered by few articles).
        v = {t: (1 + math.log(k)) * (1 + math.log((n + 1) / (df[t] + 1))) for t, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        vectors.append({t: x / norm for t, x in v.items()})
    return vectors


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(t, 0.0) for t, x in a.items())


def candidate_pairs(vectors: list[dict[str, float]]) -> list[tuple[int, int]]:
    """Pairs of articles that share some of each other's most distinctive words, those sharing
    the most first."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, v in enumerate(vectors):
        for t in sorted(v, key=v.get, reverse=True)[:BLOCK_TERMS]:
            postings[t].append(i)
    shared: Counter = Counter()
    for ids in postings.values():
        for x in range(len(ids)):
            for y in range(x + 1, len(ids)):
                shared[(ids[x], ids[y])] += 1
    return sorted(shared, key=lambda p: (-shared[p], p))


def group(docs: list[Doc]) -> list[list[str]]:
    """Stories as lists of article ids, largest first, each in input order."""
    if not docs:
        return []
    vectors = _vectors(docs)
    u = UnionFind()
    tried: Counter = Counter()
    for i, j in candidate_pairs(vectors):
        ri, rj = u.find(i), u.find(j)
        if ri == rj:
            continue  # already one story: no need to measure them
        # Two groups that several of their closest pairs failed to link are different stories.
        if tried[(min(ri, rj), max(ri, rj))] >= TRIES_PER_GROUPS:
            continue
        tried[(min(ri, rj), max(ri, rj))] += 1
        a, b = docs[i], docs[j]
        if a.published and b.published and abs((a.published - b.published).days) > MAX_DAYS:
            continue
        sim = _cosine(vectors[i], vectors[j])
        shared = (a.fingerprints & b.fingerprints) and (a.speakers & b.speakers)
        if sim >= SIMILAR or (shared and sim >= SHARED_FIGURE):
            u.join(i, j)
    stories: dict[int, list[str]] = defaultdict(list)
    for i, d in enumerate(docs):
        stories[u.find(i)].append(d.id)
    return sorted(stories.values(), key=lambda s: (-len(s), s[0]))


def copies(docs: list[Doc]) -> list[list[str]]:
    """Within one story, the sets of articles that are copies of one wire story (singletons included)."""
    shingles = [_shingles(d.text) for d in docs]
    u = UnionFind()
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if u.find(i) == u.find(j):
                continue
            a, b = shingles[i], shingles[j]
            if a and b and len(a & b) / min(len(a), len(b)) >= COPY:
                u.join(i, j)
    sets: dict[int, list[str]] = defaultdict(list)
    for i, d in enumerate(docs):
        sets[u.find(i)].append(d.id)
    return list(sets.values())
