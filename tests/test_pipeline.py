"""The fast paths of the spaCy side give what the full pipeline gives."""
from __future__ import annotations

from itertools import pairwise

import pytest

from crosstally.extractor.attributes import FastAttributeRuler, fast_ruler
from crosstally.extractor.attribution import source_tokens
from crosstally.extractor.pipeline import name_windows, recognise_names

SENTENCES = [
    "The regional health office said on Tuesday that 212 people had been killed in the floods.",
    "According to Maria Okonkwo, a spokeswoman for the Lagos State Emergency Management Agency, 40 were hurt.",
    "Ukrainian officials put the toll at 31, while the Russian Defence Ministry said none had died.",
    "\u201cWe ain't gonna stop counting,\u201d said rescuer Tomas Ek, who has worked in Kiruna since 2004.",
    "Let's be clear: at least 1,200 were evacuated from Port Harcourt and 300 from Bonny Island.",
    "Police arrested  57 protesters outside the Hungarian parliament,   AFP reported.",
    "It was unclear how many had drowned.",
    "There were 12 dead on Monday and there are still 30 missing, y'all.",
]


@pytest.fixture(scope="module")
def nlp(extractor):
    return extractor.nlp


def _attributes(doc):
    return [(t.pos_, str(t.morph), t.lemma_, t.tag_, t.dep_) for t in doc]


def test_fast_attribute_ruler_sets_what_the_ruler_sets(nlp):
    ruler = nlp.get_pipe("attribute_ruler")
    fast = fast_ruler(ruler)
    assert isinstance(fast, FastAttributeRuler)
    lemmatizer = nlp.get_pipe("lemmatizer")
    for doc in nlp.pipe(SENTENCES, disable=["attribute_ruler", "lemmatizer", "ner"]):
        expected = lemmatizer(ruler(doc.copy()))
        got = lemmatizer(fast(doc.copy()))
        assert _attributes(got) == _attributes(expected), doc.text
    # Twice over the same words: the second time the cached effects are used.
    for doc in nlp.pipe(SENTENCES[:2], disable=["attribute_ruler", "lemmatizer", "ner"]):
        assert _attributes(fast(doc.copy())) == _attributes(ruler(doc.copy()))


def test_fast_attribute_ruler_maps_tags_to_parts_of_speech(nlp):
    fast = fast_ruler(nlp.get_pipe("attribute_ruler"))
    doc = fast(next(nlp.pipe(["Officials in Lagos counted 40 bodies."],
                              disable=["attribute_ruler", "lemmatizer", "ner"])))
    assert [t.pos_ for t in doc] == ["NOUN", "ADP", "PROPN", "VERB", "NUM", "NOUN", "PUNCT"]


def test_name_windows_cover_source_names_only(nlp):
    text = ("Ahmed Salem of the Libyan Red Crescent said rescuers had found 40 bodies "
            "in the streets of the old quarter of Derna overnight.")
    doc = next(nlp.pipe([text], disable=["ner"]))
    windows = name_windows(doc)
    covered = {i for lo, hi in windows for i in range(lo, hi)}
    said = next(t.i for t in doc if t.text == "said")
    assert {0, 1, said} <= covered  # the speaker, with the context that reaches the verb
    derna = next(t.i for t in doc if t.text == "Derna")
    assert derna not in covered  # a place in an adverbial names nobody
    assert all(b[0] > a[1] for a, b in pairwise(windows))  # merged, in order


def test_entities_from_windows_match_entities_from_whole_sentences(nlp):
    full = list(nlp.pipe(SENTENCES))
    windowed = list(nlp.pipe(SENTENCES, disable=["ner"]))
    recognise_names(nlp.get_pipe("ner"), windowed)
    for a, b in zip(full, windowed, strict=True):
        # Every name in a source phrase is found as it is in the whole sentence.
        read = source_tokens(a)
        expected = {(e.start, e.end, e.label_) for e in a.ents if any(t.i in read for t in e)}
        assert expected <= {(e.start, e.end, e.label_) for e in b.ents}, a.text
    speakers = [e.text for d in windowed for e in d.ents if e.label_ == "PERSON"]
    assert "Maria Okonkwo" in speakers and "Tomas Ek" in speakers


def test_a_sentence_later_referred_back_to_gets_every_speaker_name(nlp):
    text = "Interior Minister Imad Trabelsi visited the port on Monday."
    plain = next(nlp.pipe([text], disable=["ner"]))
    antecedent = next(nlp.pipe([text], disable=["ner"]))
    recognise_names(nlp.get_pipe("ner"), [plain, antecedent], [False, True])
    assert not plain.ents  # no reporting verb: no name here is a source
    assert "Imad Trabelsi" in [e.text for e in antecedent.ents if e.label_ == "PERSON"]


def test_numpy_blas_gives_the_claims_stock_spacy_gives(extractor):
    """The models run their matrix products through numpy's BLAS; the claims must be those of the
    stock pipeline (thinc's BLIS), on the shipped samples and the constructed sentences."""
    from crosstally.extractor.pipeline import Extractor, _load_english
    from crosstally.runner import sample_dir

    stock = Extractor(_load_english())
    assert any(getattr(p, "model", None) is not None and not p.model.ops.use_blis for _, p in extractor.nlp.components)
    assert all(getattr(p, "model", None) is None or p.model.ops.use_blis for _, p in stock.nlp.components)
    texts = [p.read_text(encoding="utf-8") for p in sorted(sample_dir().glob("*.txt"))] + [" ".join(SENTENCES)]
    for text in texts:
        assert extractor.extract(text) == stock.extract(text)
