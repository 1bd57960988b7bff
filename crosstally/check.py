"""The editor's check: one article's figures, what does not hold together inside it, and, with a
database of other coverage, how other outlets report the same speakers' figures for the same
quantities. Reads the database; never writes to it."""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from crosstally.errors import InputError
from crosstally.ingest.sources import iter_inputs
from crosstally.ingest.web import Fetched
from crosstally.model import Article, Claim, Modality
from crosstally.settings import Settings
from crosstally.store import describe, open_store
from crosstally.stories import Analysis, Slot, Story, analyse
from crosstally.stories.compare import agree

NO_CLAIMANT = "no claimant"
INCONSISTENT = "inconsistent"


@dataclass
class Report:
    """One figure as another article gives it."""

    article: str
    outlet: str | None
    date: str | None
    claimant: str | None
    quote: str
    value: float
    agrees: bool
    wire_copy: bool  # the other article is a copy of the same wire story as the checked one

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Figure:
    claim: Claim
    claimant: str | None  # the canonical claimant
    slot: str  # the quantity, as a label
    flags: list[str] = field(default_factory=list)
    elsewhere: list[Report] = field(default_factory=list)  # the same claimant, the same slot
    disputed_by: list[Report] = field(default_factory=list)  # other claimants, figures that do not overlap

    def to_dict(self) -> dict:
        return {**self.claim.to_dict(), "canonical_claimant": self.claimant, "slot": self.slot,
                "flags": self.flags, "elsewhere": [r.to_dict() for r in self.elsewhere],
                "disputed_by": [r.to_dict() for r in self.disputed_by]}


@dataclass
class CheckReport:
    article: Article
    figures: list[Figure]
    inconsistencies: list[dict]  # conflicts of one claimant with itself inside the article
    database: str | None = None
    story: list[str] = field(default_factory=list)  # the other articles of its story in the database
    copies: list[str] = field(default_factory=list)  # stored copies of the same wire story

    @property
    def unattributed(self) -> list[Figure]:
        return [f for f in self.figures if NO_CLAIMANT in f.flags]

    @property
    def flagged(self) -> bool:
        return bool(self.inconsistencies or self.unattributed)

    def to_dict(self) -> dict:
        a = self.article
        return {"article": {"id": a.id, "title": a.title, "outlet": a.outlet, "date": a.date, "source": a.source},
                "database": self.database, "story": self.story, "copies": self.copies,
                "figures": [f.to_dict() for f in self.figures], "inconsistencies": self.inconsistencies}


def read_one(path: str, settings: Settings) -> Article:
    """The one article at `path` (a file, a URL or "-"), or an InputError saying why it is not one."""
    if path != "-" and Path(path).is_dir():
        raise InputError(path, "is a folder; check reads one article", hint="crosstally run reads folders")
    items = list(islice(iter_inputs([path], settings), 2))
    if len(items) > 1:
        raise InputError(path, "holds more than one article (a feed, a list of URLs or an archive); "
                               "check reads one", hint="crosstally run reads them all")
    if not items:
        raise InputError(path, "holds no article")
    item = items[0].article if isinstance(items[0], Fetched) else items[0]
    if isinstance(item, InputError):
        raise item
    return item


def check(path: str, db: str | None = None, settings: Settings | None = None, extractor=None) -> CheckReport:
    """Check the article at `path`; with `db` (a crosstally.db), against the coverage stored there.
    A stored article with the same id is taken to be an earlier version of this one and left out."""
    settings = settings or Settings()
    article = read_one(path, settings)
    others: list[Article] = []
    stored: list[Claim] = []
    if db is not None:  # open the database before the model loads, so a bad path fails at once
        store = open_store(db, read_only=True)
        try:
            others = [a for a in store.articles() if a.id != article.id]
            stored = [c for c in store.claims() if c.article != article.id]
        finally:
            store.close()
    if extractor is None:
        from crosstally.extractor.pipeline import Extractor, load_nlp

        extractor = Extractor(load_nlp(settings.model))
    claims = extractor.extract(article.text, title=article.title, article_id=article.id)
    alone = analyse([article], claims)
    report = CheckReport(article, [], [c for c in alone.conflicts if c["kind"] == "inconsistency"],
                         describe(db) if db is not None else None)
    inconsistent = {(side["article"], side["start"]) for c in report.inconsistencies for side in (c["a"], c["b"])}
    if db is None:
        analysis, story = alone, alone.stories[0] if alone.stories else None
    else:
        analysis = analyse([*others, article], [*stored, *claims])
        story = next((s for s in analysis.stories if article.id in s.articles), None)
        if story is not None:
            report.story = [a for a in story.articles if a != article.id]
            report.copies = next((sorted(set(m) - {article.id}) for m in story.copies if article.id in m), [])
    by_id = {a.id: a for a in others}
    slot_of = {(c.article, c.start): slot for slot in (story.slots if story else []) for c in slot.claims}
    for c in claims:
        slot = slot_of.get((c.article, c.start))
        fig = Figure(c, analysis.claimant_of.get((c.article, c.start)), slot.label if slot else c.measure.value)
        if c.modality is Modality.ASSERTED and c.claimant is None:
            fig.flags.append(NO_CLAIMANT)
        if (c.article, c.start) in inconsistent:
            fig.flags.append(INCONSISTENT)
        if db is not None and slot is not None and story is not None and c.modality is Modality.ASSERTED:
            _compare(fig, slot, story, analysis, by_id)
        report.figures.append(fig)
    return report


def _compare(fig: Figure, slot: Slot, story: Story, analysis: Analysis, by_id: dict[str, Article]) -> None:
    """Fill `elsewhere` and `disputed_by` from the other articles' claims in the figure's slot: one
    report per article and distinct figure."""
    mine = fig.claim
    copy_of = story.copy_of
    seen: set[tuple] = set()
    for c in slot.claims:
        if c.article == mine.article or c.modality is not Modality.ASSERTED:
            continue
        who = analysis.claimant_of.get((c.article, c.start))
        key = (c.article, who, c.qualifier, c.value, c.low)
        if key in seen:
            continue
        seen.add(key)
        a = by_id.get(c.article)
        report = Report(c.article, a.outlet if a else None, a.date if a else None, who, c.quote, c.value,
                        agree(mine, c), copy_of.get(c.article, c.article) == copy_of.get(mine.article, mine.article))
        if who == fig.claimant:
            fig.elsewhere.append(report)
        elif who is not None and fig.claimant is not None and not report.agrees:
            fig.disputed_by.append(report)
