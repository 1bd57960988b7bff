"""crosstally: who said which number, and where the numbers disagree."""
from __future__ import annotations

from crosstally.model import Article, Claim, Measure, Modality, Qualifier

__version__ = "0.1.0"
__all__ = ["extract", "Claim", "Article", "Measure", "Modality", "Qualifier", "__version__"]


def extract(text: str, title: str | None = None, article_id: str = "") -> list[Claim]:
    """The claims in one article's text (its title line, if given, marks `in_headline`)."""
    from crosstally.extractor.pipeline import Extractor

    return _extractor(Extractor).extract(text, title=title, article_id=article_id)


_EXTRACTOR = None


def _extractor(cls):
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = cls()
    return _EXTRACTOR
