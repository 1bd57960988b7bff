"""Plain typed data: articles, claims and rejects, with the enums of spec/claims.md."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import Enum


class Qualifier(str, Enum):
    EXACT = "exact"
    APPROXIMATELY = "approximately"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    ALMOST = "almost"
    FEWER_THAN = "fewer_than"
    AT_MOST = "at_most"
    RANGE = "range"


class Measure(str, Enum):
    KILLED = "killed"
    INJURED = "injured"
    CAPTURED = "captured"
    MISSING = "missing"
    DISPLACED = "displaced"
    ARRESTED = "arrested"
    EVACUATED = "evacuated"
    RESCUED = "rescued"
    INFECTED = "infected"
    ATTENDED = "attended"
    AFFECTED = "affected"
    DESTROYED = "destroyed"
    OTHER = "other"


class Modality(str, Enum):
    ASSERTED = "asserted"
    PROJECTED = "projected"
    DENIED = "denied"
    HYPOTHETICAL = "hypothetical"


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Article:
    """An article as ingested: `text` is stored unchanged and every offset points into it."""

    id: str
    text: str
    source: str
    title: str | None = None
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    credits: tuple[str, ...] = ()
    format: str = "text"

    @property
    def hash(self) -> str:
        return content_hash(self.text)


@dataclass(frozen=True, slots=True)
class Claim:
    """A reported figure, with the fields of spec/claims.md (in that order)."""

    article: str
    quote: str
    sentence: str
    start: int
    end: int
    value: float
    low: float | None
    high: float | None
    qualifier: Qualifier
    measure: Measure
    who: str
    claimant: str | None
    via: str | None
    modality: Modality
    in_headline: bool

    def to_dict(self) -> dict:
        d = {name: getattr(self, name) for name in CLAIM_FIELDS}
        for key in ("qualifier", "measure", "modality"):
            d[key] = d[key].value
        for key in ("value", "low", "high"):
            if isinstance(d[key], float) and d[key].is_integer():
                d[key] = int(d[key])
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Claim":
        return cls(
            article=d["article"], quote=d["quote"], sentence=d["sentence"],
            start=int(d["start"]), end=int(d["end"]), value=d["value"],
            low=d.get("low"), high=d.get("high"),
            qualifier=Qualifier(d["qualifier"]), measure=Measure(d["measure"]),
            who=d["who"], claimant=d.get("claimant"), via=d.get("via"),
            modality=Modality(d.get("modality", "asserted")),
            in_headline=bool(d.get("in_headline", False)),
        )


CLAIM_FIELDS: tuple[str, ...] = tuple(Claim.__dataclass_fields__)


@dataclass(frozen=True, slots=True)
class Validators:
    """What a server said about a page that lets us ask "has it changed?" next time."""

    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class Reject:
    """An input that was not ingested, with the reason."""

    source: str
    reason: str


@dataclass(slots=True)
class ArticleResult:
    """One article and the claims extracted from it."""

    article: Article
    claims: list[Claim] = field(default_factory=list)
