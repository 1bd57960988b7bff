"""Claims from parsed sentences: measure, counted group, claimant, relay and modality of each figure."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from crosstally.clean.layout import Layout, Sentence
from crosstally.extractor import attribution as attr
from crosstally.extractor.lexicon import LEXICON
from crosstally.extractor.numbers import Figure, find_figures
from crosstally.model import Claim, Measure, Modality, Qualifier

# Edges that open a new clause: a measure word beyond one belongs to another proposition.
CLAUSE_BOUNDARIES = frozenset({"ccomp", "parataxis", "advcl", "relcl", "csubj", "csubjpass"})
MAX_CUE_DISTANCE = 5
EVENT_NOUNS = frozenset({"death", "fatality", "injury", "casualty", "toll", "turnout", "attendance", "crowd"})
# A sentence that refers back to a speaker ("She said", "the ministry said") needs its antecedent parsed.
REFERS_BACK = re.compile(r"\b(he|she|it|they|his|her|its|their|the (?:ministry|agency|official|spokes\w+|"
                         r"president|minister|governor|chief|police|army|military|department|office|"
                         r"organi[sz]ation|service|government|authorities|group|mayor|commander))\b", re.I)
REPORTING_CUE = re.compile(
    r"\b(said|says|say|told|tells|reported|reports|announced|according|claimed|claims|stated|"
    r"estimated|added|confirmed|wrote|tweeted|noted|warned|put|denied|rejected|spokes\w+|official)\b",
    re.IGNORECASE,
)


@dataclass(slots=True)
class Plan:
    """Which sentences of an article need parsing, and the figures found in each."""

    layout: Layout
    figures: dict[int, list[Figure]] = field(default_factory=dict)
    parse: list[int] = field(default_factory=list)
    # Sentences whose named entities are read (sources and antecedents); the rest skip NER.
    needs_entities: set[int] = field(default_factory=set)
    # Sentences parsed because the next one refers back to someone they name ("He said...").
    antecedents: set[int] = field(default_factory=set)


def plan(layout: Layout) -> Plan:
    """Find figures cheaply; parse only the sentences that can hold a claim or name its source.

    A figure's sentence is parsed only when it holds a measure word (no claim is possible
    without one); other sentences only when they can name a source for a figure near them:
    a reporting verb in the figure's paragraph, or the sentence before one that refers back."""
    p = Plan(layout)
    text = layout.text
    for i, s in enumerate(layout.sentences):
        if not LEXICON.measure_word.search(text, s.start, s.end):
            continue
        figs = find_figures(text, s.start, s.end)
        if figs:
            p.figures[i] = figs
    paras_with_figures = {layout.sentences[i].para for i in p.figures}
    # Cues are read only where they matter: reporting verbs in figure paragraphs, references back
    # in figure sentences.
    sents = layout.sentences
    reports = {i for i, s in enumerate(sents)
               if s.para in paras_with_figures and REPORTING_CUE.search(text, s.start, s.end)}
    refers = {i for i in p.figures if REFERS_BACK.search(text, sents[i].start, sents[i].end)}
    p.antecedents = {i - 1 for i in refers if i > 0}
    for i in range(len(sents)):
        if i in p.figures or i in p.antecedents or i in reports:
            p.parse.append(i)
            if i not in p.figures or i in reports or i in refers:
                p.needs_entities.add(i)
    return p


def _path_edges(a: Token, b: Token) -> list[str] | None:
    """Dependency labels on the path between two tokens, or None when they are unconnected."""
    up_a = [a] + list(a.ancestors)
    up_b = [b] + list(b.ancestors)
    ids_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in ids_b:
            m = ids_b[t.i]
            return [x.dep_ for x in up_a[:n]] + [x.dep_ for x in up_b[:m]]
    return None


def _tokens_in(doc: Doc, start: int, end: int) -> list[Token]:
    """The tokens that overlap doc.text[start:end] (a figure starts and ends inside a word)."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return [t for t in doc if t.idx < end and t.idx + len(t) > start]
    return list(span)


# Kept in doc.user_data: a Doc is parsed once and read by every figure in it.
_CUES = "crosstally.cue_candidates"


def _anchor(toks: list[Token]) -> Token:
    ids = {t.i for t in toks}
    for t in toks:
        if t.head.i not in ids or t.head is t:
            return t
    return toks[-1]


def _phrase_cues(doc: Doc) -> dict[int, Measure]:
    """Multi-word cues ("lost their lives", "taken hostage"), matched on lemmas of content words."""
    cues: dict[int, Measure] = {}
    content = [t for t in attr.tokens(doc) if t.dep_ not in ("det", "poss") and not t.is_punct]
    seq = [t.lemma_.lower() for t in content]
    by_first = LEXICON.measure_phrases_by_first
    for k, lemma in enumerate(seq):
        for words, measure in by_first.get(lemma, ()):
            if tuple(seq[k:k + len(words)]) == words:
                cues[content[k].i] = measure
    return cues


def _cue_measure(tok: Token, anchor: Token, phrase_cues: dict[int, Measure]) -> Measure | None:
    if tok.i in phrase_cues:
        return phrase_cues[tok.i]
    lemma, low = tok.lemma_.lower(), tok.lower_
    if lemma == "lose":
        objects = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
        if any(o.lemma_.lower() in LEXICON.lose_objects or o.i == anchor.i or o.is_ancestor(anchor)
               for o in objects):
            return Measure.KILLED
        return None
    m = LEXICON.measure_of_lemma.get(lemma) or LEXICON.measure_of_lemma.get(low)
    if m is Measure.RESCUED and lemma == "safety" and not any(a.lemma_ == "bring" for a in tok.ancestors):
        return None
    return m


def _cue_candidates(doc: Doc, phrase_cues: dict[int, Measure]) -> list[Token]:
    """The tokens that can cue a measure at all (the rest never need a path computed)."""
    found = doc.user_data.get(_CUES)
    if found is None:
        table = LEXICON.measure_of_lemma
        found = doc.user_data[_CUES] = [
            t for t in attr.tokens(doc)
            if t.i in phrase_cues or t.lemma_.lower() in table or t.lower_ in table or t.lemma_.lower() == "lose"]
    return found


def measure_for(anchor: Token, figure_ids: set[int], phrase_cues: dict[int, Measure],
                counted: Token | None) -> Measure | None:
    """The measure whose cue is nearest the figure in the tree, within the figure's clause."""
    best: tuple[float, int, Measure] | None = None
    for tok in _cue_candidates(anchor.doc, phrase_cues):
        if tok.i in figure_ids:
            continue
        m = _cue_measure(tok, anchor, phrase_cues)
        if m is None:
            continue
        edges = _path_edges(anchor, tok)
        if edges is None or len(edges) > MAX_CUE_DISTANCE:
            continue
        crossed = CLAUSE_BOUNDARIES.intersection(edges)
        # "the toll, which an official put at 174": a relative clause reaches its antecedent.
        if crossed and not (crossed == {"relcl"} and tok.is_ancestor(anchor) and edges.count("relcl") == 1
                            and edges[-1] == "relcl"):
            continue
        score = float(len(edges))
        if counted is not None and tok.i == counted.i and tok.lemma_.lower() in LEXICON.people_words:
            # The counted group ("56 protesters") says less than a predicate ("were injured").
            score += 2.5
        key = (score, abs(tok.i - anchor.i), m)
        if best is None or key[:2] < best[:2]:
            best = key
    if best is None:
        best_linear = _linear_cue(anchor, counted, figure_ids, phrase_cues)
        if best_linear is not None:
            return best_linear
    if best is None and counted is not None:
        return LEXICON.group_measure.get(counted.lemma_.lower())
    return best[2] if best else None


def _linear_cue(anchor: Token, counted: Token | None, figure_ids: set[int],
                phrase_cues: dict[int, Measure]) -> Measure | None:
    """A predicate right after the figure or its group ("174 dead", "N people took part"),
    for parses that attach it elsewhere."""
    doc = anchor.doc
    start = max([anchor.i, *figure_ids] + ([counted.i] if counted is not None else [])) + 1
    for tok in doc[start:start + 3]:
        if tok.is_punct or tok.dep_ in ("cc", "mark") or tok.like_num:
            return None
        m = _cue_measure(tok, anchor, phrase_cues)
        if m is not None:
            return m
        if tok.pos_ not in ("AUX", "ADV", "PART"):
            return None
    return None


def counted_noun(anchor: Token, figure_ids: set[int]) -> Token | None:
    """The noun a figure counts: "498 soldiers", "498 of its soldiers", "2 million people"."""
    tok = anchor
    if tok.dep_ in ("nummod", "quantmod", "amod", "compound", "nmod") and tok.head.pos_ in ("NOUN", "PROPN") \
            and tok.head.i not in figure_ids:
        return tok.head
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "of":
            obj = attr._pobj(c)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN", "PRON"):
                return obj
    if tok.pos_ == "NOUN" and tok.lower_ not in ("hundred", "thousand", "million", "billion") \
            and not tok.like_num:
        return tok
    named = _group_in_toll(anchor)
    if named is not None:
        return named
    # "180 injured": an adjectival participle standing for the group
    nxt = anchor.doc[anchor.i + 1] if anchor.i + 1 < len(anchor.doc) else None
    if nxt is not None and nxt.pos_ == "NOUN" and nxt.head.i in figure_ids:
        return nxt
    return None


TOLL_NOUNS = frozenset({"number", "toll", "count", "tally", "figure", "total"})


def _group_in_toll(anchor: Token) -> Token | None:
    """ "the number of war dead among the Ukrainian forces was 2,870", "the toll among civilians rose
    to 40": a figure given for a toll names its group in the toll's own phrase (for/among X)."""
    verb = anchor.head if anchor.dep_ in ("attr", "acomp") else None
    if anchor.dep_ == "pobj" and anchor.head.lower_ in ("to", "at"):
        verb = anchor.head.head
    if verb is None:
        return None
    subject = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    if subject is None or subject.lemma_.lower() not in TOLL_NOUNS:
        return None
    for t in subject.subtree:
        if t.dep_ == "prep" and t.lower_ in ("for", "among"):
            obj = attr._pobj(t)
            if obj is not None and obj.pos_ in ("NOUN", "PROPN") and plausible_group(obj) \
                    and obj.lemma_.lower() not in LEXICON.measure_of_lemma:
                return obj
    return None


def plausible_group(noun: Token) -> bool:
    """Whether a counted noun can be a group affected by an event: people, listed things,
    event nouns ("deaths"), nationalities, or agent nouns ("workers", "civilians")."""
    lemma, low = noun.lemma_.lower(), noun.lower_
    if noun.pos_ == "PRON" or lemma in ("other", "others"):
        return True
    if lemma in LEXICON.group_words or low in LEXICON.group_words:
        return True
    if lemma in LEXICON.measure_of_lemma or lemma in LEXICON.group_measure or lemma in EVENT_NOUNS:
        return True
    if noun.ent_type_ == "NORP" or noun.pos_ == "PROPN":
        return True
    return low.endswith(LEXICON.person_suffixes) and noun.tag_ in ("NNS", "NNPS")


def _pluralise(word: str) -> str:
    if word == "person":
        return "people"
    if word.endswith(("s", "men")):
        return word
    if word.endswith("y") and not word.endswith(("ay", "ey", "oy")):
        return word[:-1] + "ies"
    return word + "s"


def group_phrase(noun: Token) -> str | None:
    """The counted group in the article's words, normalised ("Russian soldiers", "civilians")."""
    lemma = noun.lemma_.lower()
    if noun.pos_ == "PRON":
        return None
    mods = [c for c in noun.children
            if c.i < noun.i and c.dep_ in ("amod", "compound", "nmod")
            and not c.like_num and c.lower_ not in ("other", "more", "another", "further", "additional")]
    proper = [c.text for c in mods if c.text[:1].isupper() and c.pos_ in ("ADJ", "PROPN", "NOUN")
              and c.ent_type_ in ("NORP", "GPE", "")]
    if lemma in EVENT_NOUNS:
        people = [c for c in mods if c.lemma_.lower() in LEXICON.people_words]
        if people:
            return _pluralise(people[-1].lemma_.lower())
        return None
    if lemma in ("other", "others"):
        return None
    if lemma in LEXICON.measure_of_lemma and lemma not in LEXICON.group_words:
        return None  # "1,597 sustaining wounds": the noun says what happened, not to whom
    word = noun.lower_ if noun.tag_ in ("NNS", "NNPS") else noun.lemma_.lower()
    word = LEXICON.group_synonym.get(word, LEXICON.group_synonym.get(lemma, word))
    if noun.tag_ not in ("NNS", "NNPS") and word == lemma and lemma in LEXICON.people_words:
        word = _pluralise(word)
    if noun.tag_ == "NNPS" or noun.ent_type_ == "NORP":  # "Russians", "Palestinians": kept as written
        return noun.text
    compounds = [c.lower_ for c in mods if c.dep_ == "compound" and not c.text[:1].isupper()]
    parts = [p for p in proper if p.lower() != word] + compounds + [word]
    return " ".join(parts)


def _figure_tokens(doc: Doc, fig: Figure, base: int) -> tuple[list[Token], list[Token]]:
    quote = _tokens_in(doc, fig.start - base, fig.end - base)
    num = _tokens_in(doc, fig.num_start - base, fig.num_end - base)
    return quote, num or quote


def modality_of(anchor: Token) -> Modality:
    """Projected under a modal or a forecast; hypothetical under "if"; asserted otherwise."""
    for tok in [anchor] + list(anchor.ancestors):
        if tok.pos_ not in ("VERB", "AUX"):
            continue
        if tok.lemma_.lower() in LEXICON.attribution_verbs:
            break
        children = list(tok.children)
        auxes = [c.lower_ for c in children if c.dep_ in ("aux", "auxpass")]
        if any(c.lower_ in LEXICON.conditional_marks for c in children if c.dep_ == "mark"):
            return Modality.HYPOTHETICAL
        if any(a in LEXICON.projection_modals for a in auxes) and "have" not in auxes and "been" not in auxes:
            return Modality.PROJECTED
        head = tok.head
        if tok.dep_ == "xcomp" and (head.lemma_.lower() in LEXICON.projection_verbs
                                    or head.lower_ in LEXICON.projection_adjectives):
            return Modality.PROJECTED
        if tok.dep_ == "xcomp" and any(c.lower_ in LEXICON.projection_adjectives for c in head.children):
            return Modality.PROJECTED
    return Modality.ASSERTED


_QUOTE_PAIRS = (("“", "”"), ('"', '"'), ("„", "”"), ("«", "»"))


def quote_span(text: str, para: tuple[int, int], pos: int) -> tuple[int, int] | None:
    """The quotation (open, close offsets) in a paragraph that holds `pos`."""
    s, e = para
    for open_q, close_q in _QUOTE_PAIRS:
        i = s
        while True:
            a = text.find(open_q, i, e)
            if a < 0:
                break
            b = text.find(close_q, a + 1, e)
            if b < 0:
                if a < pos:
                    return a, e  # a quotation running to the end of the paragraph
                break
            if a < pos < b:
                return a, b
            i = b + 1
    return None


class ArticleExtraction:
    """Turns one article's parsed sentences into claims, in reading order."""

    def __init__(self, article_id: str, plan_: Plan, docs: dict[int, Doc]) -> None:
        self.id = article_id
        self.plan = plan_
        self.layout = plan_.layout
        self.docs = docs
        self.discourse = attr.Discourse()
        self.sentence_attr: dict[int, list[tuple[int, attr.Source]]] = {}
        self._cue_cache: dict[int, dict[int, Measure]] = {}
        self.headline = attr.headline_source(self.layout.title) if self.layout.title else None
        words = self.layout.text.lower()
        self.about_protest = bool(re.search(r"\b(protest|demonstrat|rally|rallies|march)", words))

    def claims(self) -> list[Claim]:
        # Speakers first: a quotation is often attributed after it ('..." the minister said').
        for i in sorted(self.docs):
            self.discourse.add_entities(self.docs[i], self.layout.sentences[i].start)
            self._collect_speakers(i, self.docs[i], self.layout.sentences[i].start)
        out: list[Claim] = []
        last_group: str | None = None
        for i in sorted(self.docs):
            doc = self.docs[i]
            sent = self.layout.sentences[i]
            previous: attr.Attribution | None = None
            for fig in self.plan.figures.get(i, []):
                claim, previous = self._claim(sent, doc, fig, last_group, previous)
                if claim is not None:
                    out.append(claim)
                    last_group = claim.who
        return out

    def _phrase_cues(self, doc: Doc) -> dict[int, Measure]:
        key = id(doc)
        if key not in self._cue_cache:
            self._cue_cache[key] = _phrase_cues(doc)
        return self._cue_cache[key]

    def _collect_speakers(self, i: int, doc: Doc, base: int) -> None:
        """Remember the subjects of reporting verbs, for quotations and later pronouns."""
        speakers = []
        for t in attr.tokens(doc):
            if t.pos_ in ("VERB", "AUX") and t.lemma_.lower() in LEXICON.attribution_verbs:
                subj = attr._subject(t)
                if subj is None:
                    continue
                src = attr.resolve_source(subj, self.discourse, base)
                if src is not None:
                    speakers.append((base + t.idx, src))
            elif t.lower_ == "according":
                obj = attr._pobj(t)
                if obj is not None and (src := attr.resolve_source(obj, self.discourse, base)):
                    speakers.append((base + t.idx, src))
        self.sentence_attr[i] = speakers
        for pos, src in speakers:
            self.discourse.add(src, pos)

    def _quote_speaker(self, sent: Sentence, fig: Figure) -> tuple[attr.Source, int] | None:
        para = self.layout.paragraphs[sent.para]
        span = quote_span(self.layout.text, para, fig.start)
        if span is None:
            return None
        qs, qe = span
        best: tuple[int, attr.Source, int] | None = None
        for j, speakers in self.sentence_attr.items():
            if self.layout.sentences[j].para != sent.para:
                continue
            for pos, src in speakers:
                if qs <= pos <= qe or src.media or src.unnamed_channel:
                    continue
                dist = pos - qe if pos > qe else qs - pos
                if best is None or dist < best[0]:
                    best = (dist, src, j)
        return (best[1], best[2]) if best else None

    def _claim(self, sent: Sentence, doc: Doc, fig: Figure, last_group: str | None,
               previous: attr.Attribution | None) -> tuple[Claim | None, attr.Attribution | None]:
        base = sent.start
        text = self.layout.text
        quote_toks, num_toks = _figure_tokens(doc, fig, base)
        if not num_toks:
            return None
        if fig.qualifier is Qualifier.RANGE:
            num_toks = [t for t in quote_toks if t.lower_ not in ("between", "from")] or quote_toks
        anchor = _anchor(num_toks)
        raw = text[fig.num_start:fig.num_end].lower()
        nxt = text[fig.num_end:fig.num_end + 4].lower()
        if raw in ("one", "a hundred") and (nxt.startswith(" of") or anchor.dep_ in ("det", "poss")):
            return None, previous  # "one of the worst", "no one": a pronoun, not a count
        figure_ids = {t.i for t in quote_toks}
        counted = counted_noun(anchor, figure_ids)
        if counted is not None and not plausible_group(counted):
            return None, previous  # "two dams gave way", "42,000 tickets": not a count of the affected
        phrase_cues = self._phrase_cues(doc)
        measure = measure_for(anchor, figure_ids, phrase_cues, counted)
        if measure is None:
            return None, previous
        who = group_phrase(counted) if counted is not None else None
        if who is None:
            who = last_group or "people"
        if measure is Measure.ATTENDED and who in ("people", "citizens", "persons") and self.about_protest:
            who = "protesters"
        found = attr.frames(anchor, self.discourse, base)
        att = attr.decide(found)
        relay_doc = doc
        if att.claimant is None and not found:
            speaker = self._quote_speaker(sent, fig)
            if speaker is not None:
                att.claimant = speaker[0].name
                relay_doc = self.docs[speaker[1]]
            elif previous is not None and previous.claimant is not None:
                # "498 killed, 1,597 wounded": one attribution covers the figures listed under it
                att = attr.Attribution(previous.claimant, previous.via, previous.denied)
        if sent.in_title and self.headline is not None:
            if self.headline.media and att.via is None:
                att.via = self.headline.phrase
            elif not self.headline.media and att.claimant is None:
                att.claimant = self.headline.name
        if att.via is None and att.claimant is not None:
            att.via = attr.told_relay(relay_doc) or attr.sentence_relay(relay_doc, att.claimant)
        modality = Modality.DENIED if att.denied else modality_of(anchor)
        return Claim(
            article=self.id,
            quote=text[fig.start:fig.end],
            sentence=text[sent.start:sent.end],
            start=fig.start, end=fig.end,
            value=fig.value, low=fig.low, high=fig.high,
            qualifier=fig.qualifier, measure=measure, who=who,
            claimant=att.claimant, via=att.via, modality=modality,
            in_headline=sent.in_title,
        ), att

