"""The JSON API's response shapes (pydantic, at the boundary only): each mirrors the dict a view in
`crosstally.web.views` returns, so the OpenAPI description says exactly what a page shows."""
from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

Number = int | float
Kind = Literal["dispute", "inconsistency", "discrepancy"]
T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="rows matching, over all pages")
    page: int
    per_page: int
    pages: int


class Claim(BaseModel):
    """One mention of a figure, with the fields of spec/claims.md and where the story stage put it."""

    id: int
    article: str
    quote: str
    sentence: str
    start: int
    end: int
    value: Number
    low: Number | None
    high: Number | None
    qualifier: str
    measure: str
    who: str
    claimant: str | None = Field(description="the canonical claimant within its story; null: the outlet's own voice")
    as_named: str | None = Field(description="the claimant as this article names it")
    via: str | None
    modality: str
    in_headline: bool
    slot: str | None
    story: str | None
    revision: bool
    outlet: str | None
    date: str | None
    title: str | None
    extractor_version: str


class Part(BaseModel):
    text: str
    mark: bool


class Side(BaseModel):
    article: str
    quote: str
    start: int
    value: Number
    claimant: str | None
    sentence: str
    parts: list[Part] = Field(description="the sentence cut around the quote, which has mark=true")
    outlet: str | None
    date: str | None
    title: str | None
    qualifier: str | None


class Conflict(BaseModel):
    id: int
    kind: Kind
    story: str
    slot: str
    slot_label: str
    measure: str
    why: str
    pairs: int = Field(description="pairs of claims this conflict stands for")
    a: Side
    b: Side


class Figure(BaseModel):
    """One claimant's figure in a slot, with how many independent sources carry an agreeing one."""

    claimant: str | None
    quote: str
    value: Number
    qualifier: str
    low: Number | None
    high: Number | None
    articles: list[str]
    outlets: int
    outlet_names: list[str]


class Slot(BaseModel):
    id: str
    story: str
    label: str
    measure: str
    group: str
    as_of: str | None
    figures: list[Figure]
    claims: list[Claim]
    conflicts: list[Conflict]


class TimelinePoint(BaseModel):
    as_of: str | None
    quote: str
    value: Number
    qualifier: str
    article: str
    start: int
    revision: bool


class Timeline(BaseModel):
    claimant: str
    measure: str
    group: str
    story: str
    points: list[TimelinePoint]


class StorySummary(BaseModel):
    id: str
    title: str
    articles: int
    sources: int = Field(description="independent sources: a wire story and its copies count once")
    outlets: list[str]
    first_day: str | None
    last_day: str | None
    slots: int
    conflicts: dict[str, int]


class ArticleSummary(BaseModel):
    id: str
    title: str
    outlet: str | None
    date: str | None
    url: str | None
    story: str | None
    claims: int


class Alias(BaseModel):
    alias: str
    evidence: str


class StoryClaimant(BaseModel):
    claimant: str
    aliases: list[Alias]


class Story(StorySummary):
    articles: list[ArticleSummary]  # type: ignore[assignment]
    conflicts: list[Conflict]  # type: ignore[assignment]
    slots: list[Slot]  # type: ignore[assignment]
    timelines: list[Timeline]
    claimants: list[StoryClaimant]


class NearDuplicate(BaseModel):
    id: str
    title: str
    outlet: str | None
    date: str | None
    overlap: float = Field(description="estimated share of the shorter text's word 5-grams the other has too")


class Duplicate(BaseModel):
    id: str
    source: str
    url: str | None
    outlet: str | None
    date: str | None


class Article(ArticleSummary):
    source: str
    format: str
    credits: list[str]
    text: str = Field(description="the text exactly as ingested; every claim's start and end point into it")
    claims_list: list[Claim]
    near_duplicates: list[NearDuplicate] = Field(description="copies of the same text with other headers or endings")
    duplicates: list[Duplicate] = Field(description="inputs with exactly this text, stored once as this article")


class SearchHit(ArticleSummary):
    snippet: list[Part]


class Search(BaseModel):
    q: str
    articles: Page[SearchHit]
    claims: Page[Claim]


class Claimant(BaseModel):
    name: str
    aliases: list[str]
    stories: list[str]
    measures: dict[str, int]
    claims: list[Claim]
    outlets: list[str]
    timelines: list[Timeline]
    conflicts: list[Conflict]


class Totals(BaseModel):
    articles: int
    claims: int
    conflicts: int
    stories: int
    disputes: int
    inconsistencies: int
    discrepancies: int
    updated: str | None


class Overview(BaseModel):
    totals: Totals
    conflicts: Page[Conflict]
    stories: Page[StorySummary]


class Problem(BaseModel):
    """An error: the status and what was wrong with the request."""

    status: int
    title: str
    detail: str
