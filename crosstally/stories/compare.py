"""Comparing two figures by the intervals their words allow (spec/claims.md, "Comparing two figures")."""
from __future__ import annotations

import math
from dataclasses import dataclass

from crosstally.model import Claim, Qualifier


@dataclass(frozen=True, slots=True)
class Interval:
    """The values a figure's words allow; an open end excludes its bound."""

    low: float
    high: float
    low_open: bool = False
    high_open: bool = False

    def overlaps(self, other: Interval) -> bool:
        if self.low > other.low or (self.low == other.low and self.low_open):
            lo, lo_open = self.low, self.low_open
        else:
            lo, lo_open = other.low, other.low_open
        if self.high < other.high or (self.high == other.high and self.high_open):
            hi, hi_open = self.high, self.high_open
        else:
            hi, hi_open = other.high, other.high_open
        if lo < hi:
            return True
        return lo == hi and not lo_open and not hi_open


def is_rounded(value: float) -> bool:
    """A bare figure of 1,000 or more ending in 00 (1,600; 6,000; 1 million) is read as rounded."""
    return value >= 1000 and float(value).is_integer() and int(value) % 100 == 0


def interval(value: float, qualifier: Qualifier, low: float | None = None) -> Interval:
    """The comparison interval of a figure, as a careful reader takes its words."""
    q = Qualifier(qualifier)
    if q is Qualifier.EXACT:
        if is_rounded(value):
            return Interval(0.95 * value, 1.05 * value)
        return Interval(value, value)
    if q is Qualifier.APPROXIMATELY:
        return Interval(0.9 * value, 1.1 * value)
    if q is Qualifier.ALMOST:
        return Interval(0.9 * value, value)
    if q is Qualifier.MORE_THAN:
        return Interval(value, math.inf, low_open=True)
    if q is Qualifier.AT_LEAST:
        return Interval(value, math.inf)
    if q is Qualifier.FEWER_THAN:
        return Interval(0, value, high_open=True)
    if q is Qualifier.AT_MOST:
        return Interval(0, value)
    return Interval(value if low is None else low, value)  # a range: [low, high]


def claim_interval(c: Claim) -> Interval:
    return interval(c.value, c.qualifier, c.low)


def agree(a: Claim, b: Claim) -> bool:
    """Two figures agree when their comparison intervals overlap."""
    return claim_interval(a).overlaps(claim_interval(b))

