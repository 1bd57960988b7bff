"""Near-duplicates found as articles arrive: MinHash signatures, banded for lookup in the store.

The same wire story reaches us many times with a different header, byline or closing paragraph.
Each article's set of word 5-grams (the same 5-grams the story grouping compares) gets a MinHash
signature of 128 values; the signature is cut into 32 bands of 4, and each band is stored as a
key. Two articles that share a band key are candidates: at a Jaccard similarity of 0.5 they
share one with probability 1 - (1 - 0.5**4)**32 = 0.9987, at 0.3 with 0.23. A candidate is linked
when its 5-gram overlap (the share of the shorter text's 5-grams the other has too), estimated
from the two signatures and the two texts' 5-gram counts, reaches the story grouping's copy
threshold. The estimate needs no text read back, so linking costs the same however many copies
of a story the store holds; the story grouping confirms each link on the exact 5-grams before it
treats two articles as one source. A short text cut from a much longer one has a low Jaccard
similarity and may not be a candidate here; the story grouping's paragraph index still finds it.

The hashes are stable across processes and versions (CRC-32 of the n-gram, fixed permutations),
so bands stored by one run match the next.
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass

import numpy as np

from crosstally.stories import grouping

PERMUTATIONS = 128
ROWS = 4                       # values per band
BANDS = PERMUTATIONS // ROWS
# Multiply-add-shift hashing: ((a * x + b) mod 2**64) >> 32 with a odd is a universal family from
# 32-bit keys to 32-bit values; numpy's uint64 arithmetic wraps mod 2**64 by itself.
_rng = np.random.RandomState(20260301)  # fixed: stored signatures stay comparable
_A = np.frombuffer(_rng.bytes(8 * PERMUTATIONS), dtype="<u8").astype(np.uint64) | np.uint64(1)
_B = np.frombuffer(_rng.bytes(8 * PERMUTATIONS), dtype="<u8").astype(np.uint64)
MAX_CANDIDATES = 10            # candidates compared per article, those sharing most bands first


@dataclass(frozen=True, slots=True)
class Fingerprint:
    signature: np.ndarray      # PERMUTATIONS minimum hash values (32-bit values, as uint64)
    grams: int                 # distinct 5-grams in the text
    bands: tuple[int, ...] = ()  # one signed 64-bit key per band of ROWS values (see `band_keys`)

    def to_bytes(self) -> bytes:
        return self.signature.astype("<u8").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes, grams: int) -> "Fingerprint":
        return cls(np.frombuffer(data, dtype="<u8").astype(np.uint64), grams)

    def overlap(self, other: "Fingerprint") -> float:
        """The estimated share of the shorter text's 5-grams that the other has: from the Jaccard
        similarity J (the share of equal signature values), |A & B| = J (|A| + |B|) / (1 + J)."""
        j = float(np.count_nonzero(self.signature == other.signature)) / PERMUTATIONS
        shared = j * (self.grams + other.grams) / (1 + j)
        return min(1.0, shared / min(self.grams, other.grams))


def fingerprint(text: str) -> Fingerprint | None:
    """The MinHash fingerprint of a text's word 5-grams, or None for a text of fewer than five words."""
    grams = {" ".join(g) for line in text.splitlines() for g in grouping.ngrams(line.strip())}
    if not grams:
        return None
    hashes = np.fromiter((zlib.crc32(g.encode("utf-8")) for g in grams), dtype=np.uint64, count=len(grams))
    permuted = (np.outer(hashes, _A) + _B) >> np.uint64(32)
    signature = permuted.min(axis=0)
    return Fingerprint(signature, len(grams), band_keys(signature))


def band_keys(signature: np.ndarray) -> tuple[int, ...]:
    keys = []
    for b in range(BANDS):
        digest = hashlib.blake2b(signature[b * ROWS:(b + 1) * ROWS].tobytes(), digest_size=8, person=b"ctband%02d" % b)
        keys.append(int.from_bytes(digest.digest(), "big", signed=True))
    return tuple(keys)


def near_duplicates(fp: Fingerprint, candidates: list[tuple[str, Fingerprint]]) -> list[tuple[str, float]]:
    """Of the candidates (id, fingerprint), those whose estimated 5-gram overlap with the article
    makes them copies of one text, each with that overlap."""
    out = []
    for other, theirs in candidates:
        share = fp.overlap(theirs)
        if share >= grouping.COPY:
            out.append((other, round(share, 3)))
    return out
