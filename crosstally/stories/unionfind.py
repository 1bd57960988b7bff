"""Disjoint sets, for grouping articles into stories and names into speakers."""
from __future__ import annotations

from collections.abc import Hashable


class UnionFind:
    """Sets joined pairwise; `why` keeps, for each joined item, the reason given when it joined."""

    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}
        self.why: dict[Hashable, str] = {}

    def find(self, x: Hashable) -> Hashable:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: Hashable, b: Hashable, why: str = "") -> None:
        """Put b's set into a's (a's root stays the root)."""
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra
            if why:
                self.why.setdefault(b, why)
