"""Articles into stories (one event, several outlets), and wire copies linked within a story.

Articles are compared only when they share rare words (an inverted index over each article's
most distinctive words blocks the comparison), so the cost grows with the number of articles
that share vocabulary, not with the square of the corpus. Two articles are one story when their
word profiles are close (TF-IDF cosine) or when they share a figure and a speaker, and their
dates, where known, are a few days apart at most. Two articles are copies of one wire story when
most of their word sequences are the same (shingle overlap); copies that share a paragraph word
for word are found first, through an index of paragraphs, and grouped as one article.
"""
from __future__ import annotations

import math
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np

from crosstally.stories.unionfind import UnionFind
from crosstally.stories.words import STOPWORDS, fold

SIMILAR = 0.12      # TF-IDF cosine at which two articles are about one event
SHARED_FIGURE = 0.06  # a lower cosine suffices when they also share a figure and a speaker
MAX_DAYS = 4        # articles further apart than this are different events
COPY = 0.5          # share of word 5-grams two copies of one wire story have in common
BLOCK_TERMS = 40    # each article's most distinctive words, used to find its candidates
MAX_POSTING = 100   # articles each one is paired with through one shared word
TRIES_PER_GROUPS = 8  # failed comparisons after which two groups of articles are taken as distinct


@dataclass(frozen=True, slots=True)
class Doc:
    id: str
    text: str
    published: date | None
    fingerprints: frozenset[tuple[str, float]] = frozenset()  # (measure, value) of its claims
    speakers: frozenset[str] = frozenset()


TERM = re.compile(r"(?<=[a-z,;:]\s)[A-Z][\w'-]{2,}|[A-Za-z][\w'-]{2,}")
WORD = re.compile(r"\w+")
PARAGRAPH = 60      # characters from which a line is a paragraph, shared only by copies of one text


def _terms(line: str) -> Counter:
    """Content words of one line; a capitalised word inside a sentence (a name: Kanjuruhan,
    Zelenskyy) counts twice, as names say more about which event an article covers than common words."""
    out: Counter = Counter()
    for m in TERM.finditer(line):
        w = fold(m.group(0))
        if w in STOPWORDS or not w[0].isalpha():
            continue
        w = sys.intern(w)  # one copy of each word however many articles count it
        out[w] += 2 if m.group(0)[0].isupper() and m.start() > 1 and line[m.start() - 2] not in ".!?" else 1
    return out


def ngrams(line: str, n: int = 5) -> list[tuple[str, ...]]:
    """The word n-grams of a line, case and accents folded: what two copies of a text share."""
    ws = WORD.findall(fold(line))
    return [tuple(ws[i:i + n]) for i in range(len(ws) - n + 1)]


def _shingles(line: str) -> list[int]:
    return [hash(g) for g in ngrams(line)]


def _as_set(hashes: Iterable[int]) -> np.ndarray:
    """Hashes as a sorted array without repeats: an eighth of a Python set's memory."""
    return np.unique(np.fromiter(hashes, dtype=np.int64))


@dataclass(slots=True)
class _Features:
    terms: Counter
    shingles: np.ndarray  # sorted hashes of its word 5-grams
    paragraphs: set[int]  # hashes of its long lines


# Distinct lines whose words and 5-grams are kept for the copies that repeat them. The cache is
# emptied when full: wire copies tend to arrive together, and a block of distinct articles (as
# many lines as 5,000 articles have) would otherwise hold them all.
SEEN_LINES = 4_096


def _features(docs: list[Doc]) -> list[_Features]:
    """Word counts, word 5-grams and paragraph hashes of each article, computed line by line with
    each recently seen line done once: copies of one wire story share most of their lines."""
    seen: dict[str, tuple[Counter, list[int]]] = {}
    out = []
    for d in docs:
        terms: Counter = Counter()
        hashes: list[int] = []
        paragraphs: set[int] = set()
        for line in d.text.splitlines():
            line = line.strip()
            if not line:
                continue
            if line not in seen:
                if len(seen) >= SEEN_LINES:
                    seen.clear()
                seen[line] = (_terms(line), _shingles(line))
            line_terms, line_shingles = seen[line]
            terms.update(line_terms)
            hashes += line_shingles
            if len(line) >= PARAGRAPH:
                paragraphs.add(hash(line))
        out.append(_Features(terms, _as_set(hashes), paragraphs))
    return out


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    """The share of the shorter text's 5-grams that the other text has too."""
    if not len(a) or not len(b):
        return 0.0
    return len(np.intersect1d(a, b, assume_unique=True)) / min(len(a), len(b))


def _is_copy(a: np.ndarray, b: np.ndarray) -> bool:
    return overlap(a, b) >= COPY


def _vectors(counts: list[Counter]) -> list[dict[str, float]]:
    df = Counter(t for c in counts for t in c)
    n = len(counts)
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
        # A word among the distinctive words of very many articles pairs each with the next
        # MAX_POSTING of them only (a sorted neighbourhood): the stories still join up through the
        # chain, and the pairs grow with the articles, not with their square.
        for x in range(len(ids)):
            for y in range(x + 1, min(len(ids), x + 1 + MAX_POSTING)):
                shared[(ids[x], ids[y])] += 1
    return sorted(shared, key=lambda p: (-shared[p], p))


def stories(docs: list[Doc], links: Iterable[tuple[str, str]] = ()) -> list[tuple[list[str], list[list[str]]]]:
    """Stories, largest first: each its article ids in input order and its sets of wire copies
    (singletons included). Copies that share a paragraph word for word, or that ingestion linked
    as near-duplicates (`links`, pairs of ids), are folded into one source first, so a wire story
    carried by a hundred outlets costs the grouping one article."""
    features = _features(docs)
    index = {d.id: i for i, d in enumerate(docs)}
    pairs = [(index[a], index[b]) for a, b in links if a in index and b in index]
    members = _fold_copies(features, pairs)  # first article of each set of copies -> the set
    heads = sorted(members)
    head_of = {docs[h].id: h for h in heads}
    out = []
    for ids in group([docs[h] for h in heads], [features[h] for h in heads]):
        story_heads = [head_of[i] for i in ids]
        # Within the story, copies that share no paragraph word for word (an edited wire story).
        linked = copies([docs[h] for h in story_heads], [features[h] for h in story_heads])
        sets = [sorted(m for i in linked_ids for m in members[head_of[i]]) for linked_ids in linked]
        everyone = sorted(m for h in story_heads for m in members[h])
        out.append(([docs[m].id for m in everyone], [[docs[m].id for m in s] for s in sets]))
    return sorted(out, key=lambda s: (-len(s[0]), s[0][0]))


def _fold_copies(features: list[_Features], links: list[tuple[int, int]] = ()) -> dict[int, list[int]]:
    """First article of each set of copies -> the indexes of the set. Candidates share a paragraph
    or are linked; each is compared with the first article of a set, not with every member."""
    first_with: dict[int, int] = {}
    u = UnionFind()

    def fold(i: int, j: int) -> None:
        if u.find(j) != u.find(i) and _is_copy(features[i].shingles, features[u.find(j)].shingles):
            u.join(u.find(j), i)

    for i, f in enumerate(features):
        u.find(i)
        for h in f.paragraphs:
            j = first_with.setdefault(h, i)
            if j != i:
                fold(i, j)
    for i, j in sorted((max(p), min(p)) for p in links):
        fold(i, j)
    sets: dict[int, list[int]] = defaultdict(list)
    for i in range(len(features)):
        sets[u.find(i)].append(i)
    return {min(members): members for members in sets.values()}


def group(docs: list[Doc], features: list[_Features] | None = None) -> list[list[str]]:
    """Stories as lists of article ids, largest first, each in input order."""
    if not docs:
        return []
    features = features or _features(docs)
    vectors = _vectors([f.terms for f in features])
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


def copies(docs: list[Doc], features: list[_Features] | None = None) -> list[list[str]]:
    """Within one story, the sets of articles that are copies of one wire story (singletons included):
    each article is compared with the first article of every set found so far."""
    features = features or _features(docs)
    heads: list[int] = []
    sets: dict[int, list[str]] = {}
    for i, d in enumerate(docs):
        head = next((h for h in heads if _is_copy(features[i].shingles, features[h].shingles)), None)
        if head is None:
            heads.append(i)
            sets[i] = [d.id]
        else:
            sets[head].append(d.id)
    return list(sets.values())
