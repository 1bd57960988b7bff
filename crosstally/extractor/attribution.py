"""Who asserts a figure: reported-speech frames, relays, anaphora and quotations."""
from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from crosstally.extractor.lexicon import LEXICON

# Titles dropped from the front of a person's name ("Maj Gen Igor Konashenkov" -> "Igor Konashenkov").
TITLES = frozenset(
    "president prime minister deputy vice governor gov mr mrs ms dr prof maj major gen general "
    "lt lieutenant col colonel capt captain sgt sergeant adm admiral inspector chief spokesman "
    "spokeswoman spokesperson secretary senator sen rep representative mayor commander "
    "sir lord king queen prince pope minister ambassador director head conductor paramedic "
    "brig brigadier marshal chancellor premier judge officer superintendent".split()
)
ORG_HEADS = frozenset("agency ministry organisation organization service department office body "
                      "government authority committee council commission".split())
PLURAL_UNNAMED = frozenset("officials authorities police sources officers organisers organizers "
                           "witnesses residents medics doctors activists rescuers".split())


def clean_name(name: str) -> str:
    """A name without leading articles, possessive endings or stray punctuation."""
    name = re.sub(r"^(?:the|a|an)\s+", "", name.strip(" ,;:’'\"“”"), flags=re.I)
    return re.sub(r"(’s|'s)$", "", name).strip()


@dataclass(frozen=True, slots=True)
class Source:
    """A source as the text names it: `name` is the claimant string, `phrase` the words around it."""

    name: str
    phrase: str
    kind: str  # "person", "org", "group", "place"
    media: bool = False
    unnamed_channel: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", clean_name(self.name))


@dataclass(slots=True)
class Mention:
    source: Source
    pos: int  # character offset in the article


@dataclass(slots=True)
class Attribution:
    claimant: str | None = None
    via: str | None = None
    denied: bool = False


def _norm_words(s: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", s.lower())


def is_media(phrase: str) -> bool:
    low = phrase.lower().strip()
    words = _norm_words(phrase)
    if not words:
        return False
    if low in LEXICON.unnamed_channels:
        return False
    names = LEXICON.relay_names
    for n in range(1, 4):
        for i in range(len(words) - n + 1):
            if " ".join(words[i:i + n]) in names:
                return True
    raw_tokens = re.findall(r"[A-Za-z]+", phrase)
    if any(t in {"AP", "AFP", "RIA", "TASS"} for t in raw_tokens):
        return True
    joined = " ".join(words)
    if re.search(r"\b(news|press) (agency|service)\b|\bwire service\b", joined):
        return True
    capitalised = phrase.split()[0][:1].isupper()
    return words[-1] in LEXICON.relay_heads and capitalised or words[0] in ("broadcaster", "newspaper", "daily")


# Per-Doc caches kept in doc.user_data: a parsed sentence is read by every figure in it.
_TOKENS = "crosstally.tokens"
_SOURCES = "crosstally.sources"


def tokens(doc: Doc) -> list[Token]:
    """The tokens of a Doc as one list, made once: rules walk each parsed sentence many times."""
    found = doc.user_data.get(_TOKENS)
    if found is None:
        found = doc.user_data[_TOKENS] = list(doc)
    return found


def _span_text(doc: Doc, toks: list[Token]) -> str:
    lo = min(t.i for t in toks)
    hi = max(t.i for t in toks)
    while lo <= hi and (doc[lo].dep_ in ("det", "punct", "cc", "case") or doc[lo].lower_ in ("the", "a", "an")):
        lo += 1
    while hi >= lo and (doc[hi].is_punct or doc[hi].dep_ == "case" or doc[hi].lower_ in ("'s", "’s")):
        hi -= 1
    if lo > hi:
        return ""
    return doc[lo:hi + 1].text


def _np_tokens(tok: Token) -> list[Token]:
    """The noun phrase of `tok`, without clauses, conjuncts or most prepositions."""
    keep = [tok]
    stack = list(tok.children)
    while stack:
        c = stack.pop()
        if c.dep_ in ("relcl", "acl", "cc", "conj", "punct", "advcl", "ccomp", "parataxis", "nummod"):
            continue
        # "Ministry of Interior", "police in Malang", "students at X" keep their complement
        if c.dep_ == "prep" and c.lower_ not in ("of", "in", "at"):
            continue
        keep.append(c)
        stack.extend(c.children)
    return keep


def _strip_titles(name: str) -> str:
    words = name.split()
    while len(words) > 2 and words[0].lower().strip(".") in TITLES:
        words = words[1:]
    return " ".join(words)


def _name_after_title(doc: Doc, lo: int, hi: int) -> str | None:
    """ "spokesman Pavel Orlov", "Governor Ana Ruiz": proper names after a title are a person."""
    words = list(doc[lo:hi + 1])
    for k in range(len(words) - 1, -1, -1):
        if words[k].lower_.strip(".") in TITLES:
            tail = words[k + 1:]
            if 2 <= len(tail) <= 4 and all(t.text[:1].isupper() and t.is_alpha for t in tail):
                return " ".join(t.text for t in tail)
            return None
    return None


def source_of(tok: Token) -> Source | None:
    """The source a subject token names (pronouns are left to the resolver); each token's answer
    is worked out once, as every figure of a sentence may ask for the same speaker."""
    cache = tok.doc.user_data.setdefault(_SOURCES, {})
    if tok.i not in cache:
        cache[tok.i] = _source_of(tok)
    return cache[tok.i]


def _source_of(tok: Token) -> Source | None:
    doc = tok.doc
    toks = _np_tokens(tok)
    phrase = _span_text(doc, toks)
    if not phrase:
        return None
    lo, hi = min(t.i for t in toks), max(t.i for t in toks)
    for e in doc.ents:
        # A name runs to its end: "Office for the Coordination of Humanitarian Affairs"
        if e.label_ in ("ORG", "GPE", "NORP", "FAC") and e.start <= tok.i < e.end and e.end - 1 > hi:
            hi = e.end - 1
            phrase = _span_text(doc, [doc[i] for i in range(lo, hi + 1)])
    persons = [e for e in doc.ents if e.label_ == "PERSON" and lo <= e.start and e.end - 1 <= hi]
    media = is_media(phrase)
    if persons and not media:
        name = _strip_titles(persons[-1].text.strip(" ,’'"))
        name = re.sub(r"(’s|'s)$", "", name)
        return Source(name=name, phrase=phrase, kind="person")
    titled = _name_after_title(doc, lo, hi)
    if titled and not media:
        return Source(name=titled, phrase=phrase, kind="person")
    phrase = re.sub(r"^(?:the|a|an)\s+", "", phrase, flags=re.I)
    unnamed = phrase.lower() in LEXICON.unnamed_channels
    gpe = any(e.label_ == "GPE" and e.start == lo and e.end - 1 == hi for e in doc.ents)
    plural = tok.tag_ in ("NNS", "NNPS") or tok.lower_ in PLURAL_UNNAMED
    kind = "place" if gpe else "group" if plural and tok.pos_ != "PROPN" else "org"
    return Source(name=phrase, phrase=phrase, kind=kind, media=media, unnamed_channel=unnamed)


class Discourse:
    """The speakers an article has named so far, for pronouns and short descriptions."""

    def __init__(self) -> None:
        self.mentions: list[Mention] = []

    def add(self, source: Source, pos: int) -> None:
        if source.media or source.unnamed_channel:
            return
        self.mentions.append(Mention(source, pos))

    def add_entities(self, doc: Doc, base: int) -> None:
        for e in doc.ents:
            if e.label_ == "PERSON":
                name = _strip_titles(e.text.strip(" ,’'"))
                name = re.sub(r"(’s|'s)$", "", name)
                self.add(Source(name, _phrase_around(e), "person"), base + e.start_char)
            elif e.label_ == "ORG" and not is_media(e.text):
                self.add(Source(e.text, _phrase_around(e), "org"), base + e.start_char)

    def resolve(self, tok: Token, pos: int) -> Source | None:
        """The earlier speaker a pronoun or description refers to."""
        low = tok.lower_
        before = [m for m in self.mentions if m.pos < pos]
        if low in LEXICON.person_pronouns:
            return next((m.source for m in reversed(before) if m.source.kind == "person"), None)
        if low in LEXICON.thing_pronouns:
            return next((m.source for m in reversed(before) if m.source.kind == "org"), None)
        if low in LEXICON.plural_pronouns:
            return next((m.source for m in reversed(before) if m.source.kind in ("group", "org")), None)
        head = tok.lemma_.lower()
        if head not in LEXICON.description_heads and low not in LEXICON.description_heads:
            return None
        if not any(c.lower_ in ("the", "this", "that") for c in tok.children if c.dep_ == "det") \
                and not any(c.dep_ == "poss" for c in tok.children):
            return None
        mods = [c.lower_ for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i]
        for m in reversed(before):
            words = _norm_words(m.source.phrase)
            if (low in words or head in words) and all(w in words for w in mods):
                return m.source
        if head in ORG_HEADS and not mods:
            # "the agency", "the ministry": the organisation most recently named
            return next((m.source for m in reversed(before) if m.source.kind == "org"), None)
        return None


def _phrase_around(ent) -> str:
    """An entity with the titles and organisation words just before it ("spokesman Igor X")."""
    doc = ent.doc
    lo = ent.start
    while lo > 0 and doc[lo - 1].dep_ in ("compound", "amod", "poss", "case") or (
            lo > 0 and doc[lo - 1].is_title and doc[lo - 1].pos_ in ("PROPN", "NOUN")):
        lo -= 1
        if ent.start - lo > 8:
            break
    return doc[lo:ent.end].text


def resolve_source(tok: Token, discourse: Discourse, base: int) -> Source | None:
    """The source a subject token names, pronouns and descriptions resolved."""
    pronouns = LEXICON.person_pronouns | LEXICON.thing_pronouns | LEXICON.plural_pronouns
    if tok.lower_ in pronouns:
        return discourse.resolve(tok, base + tok.idx)
    if tok.pos_ == "PRON" and not tok.text.isupper():
        return None  # "who", "which": a relative pronoun names no one
    poss = [c for c in tok.children if c.dep_ == "poss" and c.pos_ == "PRON"]
    if poss and tok.lemma_.lower() in LEXICON.description_heads:
        # "its officials said": the organisation speaks through them
        found = discourse.resolve(poss[0], base + poss[0].idx)
        if found is not None:
            return found
    src = source_of(tok)
    if src is None:
        return None
    if len(src.phrase.split()) <= 3 and src.kind in ("org", "group", "person"):
        # "the ministry", "the Ukrainian president", "the police chief": refer back when possible
        det = any(c.lower_ in ("the", "this", "that") for c in tok.children if c.dep_ == "det")
        if det and (tok.lemma_.lower() in LEXICON.description_heads or tok.lower_ in LEXICON.description_heads):
            found = discourse.resolve(tok, base + tok.idx)
            if found is not None:
                return found
    return src


NOT_SOURCES = frozenset({"toll", "number", "figure", "death", "total", "count", "tally", "estimate",
                         "casualty", "fatality", "injury", "turnout", "attendance", "crowd"})


def _subject(verb: Token) -> Token | None:
    for c in verb.children:
        if c.dep_ == "nsubj":
            # "Death Toll Revised Down": a toll is what is reported, not who reports it
            return None if c.lemma_.lower() in NOT_SOURCES else c
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    # "X said ... and added that ...": a conjoined verb shares its subject
    if verb.dep_ == "conj" and verb.head.pos_ in ("VERB", "AUX"):
        return _subject(verb.head)
    return None


def _pobj(prep: Token) -> Token | None:
    for c in prep.children:
        if c.dep_ == "pobj":
            return c
        if c.dep_ == "prep":  # "according" -> "to" -> X
            found = _pobj(c)
            if found is not None:
                return found
    return None


def _cited(verb: Token) -> Token | None:
    """ "... citing the ministry": the source a reporting verb cites."""
    for c in verb.children:
        if c.lemma_ in ("cite", "quote") and c.dep_ in ("advcl", "xcomp", "conj", "prep", "acl"):
            for g in c.children:
                if g.dep_ in ("dobj", "pobj"):
                    return g
    return None


def source_heads(doc: Doc) -> list[Token]:
    """Every token the attribution rules may read a source from: the subject or cited source of a
    reporting verb, the possessor or by/from-object of a reporting noun, the object of
    "according to". Names elsewhere in a sentence are never looked up."""
    heads: list[Token | None] = []
    for t in tokens(doc):
        lemma = t.lemma_.lower()
        if t.pos_ in ("VERB", "AUX") and lemma in LEXICON.attribution_verbs:
            heads += [_subject(t), _cited(t)]
        elif t.pos_ in ("NOUN", "PROPN") and lemma in LEXICON.attribution_nouns:
            for c in t.children:
                if c.dep_ == "poss":
                    heads.append(c)
                elif c.dep_ == "prep" and c.lower_ in ("by", "from"):
                    heads.append(_pobj(c))
        if t.lower_ == "according" or (t.lower_ in ("per", "citing") and t.dep_ == "prep"):
            heads.append(_pobj(t))
    return [h for h in heads if h is not None]


def source_tokens(doc: Doc) -> set[int]:
    """The tokens of every phrase `source_of` may be asked to name."""
    return {t.i for h in source_heads(doc) for t in _np_tokens(h)}


CLAUSE_EDGES = ("ccomp", "xcomp", "parataxis", "advcl", "dobj", "pobj", "prep", "conj", "acl",
                "relcl", "attr", "oprd", "npadvmod", "dep", "nsubj", "nsubjpass", "appos", "pcomp")


def frames(anchor: Token, discourse: Discourse, base: int) -> list[tuple[Source, bool]]:
    """Sources asserting the clause of `anchor`, innermost first, with whether each denies it."""
    out: list[tuple[Source, bool]] = []
    path = [anchor] + list(anchor.ancestors)
    seen_according: set[int] = set()
    for child, parent in zip(path, path[1:]):
        lemma = parent.lemma_.lower()
        if parent.pos_ in ("VERB", "AUX") and lemma in LEXICON.attribution_verbs \
                and child.dep_ in CLAUSE_EDGES and child.dep_ not in ("nsubj", "nsubjpass"):
            cited = _cited(parent)
            if cited is not None:
                src = resolve_source(cited, discourse, base)
                if src is not None:
                    out.append((src, False))
            subj = _subject(parent)
            if subj is not None:
                src = resolve_source(subj, discourse, base)
                if src is not None:
                    out.append((src, lemma in LEXICON.denial_verbs))
        elif parent.pos_ in ("NOUN", "PROPN") and lemma in LEXICON.attribution_nouns \
                and child.dep_ in ("acl", "ccomp", "relcl", "prep", "appos", "pobj"):
            for c in parent.children:
                if c.dep_ == "poss":
                    src = resolve_source(c, discourse, base)
                    if src is not None:
                        out.append((src, False))
                elif c.dep_ == "prep" and c.lower_ in ("by", "from"):
                    obj = _pobj(c)
                    if obj is not None and (src := resolve_source(obj, discourse, base)):
                        out.append((src, False))
        for c in parent.children:
            # "X are missing, the agency added": the reporting verb hangs under the clause it reports
            if c.dep_ in ("parataxis", "advcl") and c.lemma_.lower() in LEXICON.attribution_verbs \
                    and c.i not in seen_according and c is not child and c.i > anchor.i \
                    and not any(g.dep_ in ("ccomp", "xcomp", "dobj", "attr") for g in c.children):
                seen_according.add(c.i)
                subj = _subject(c)
                if subj is not None and (src := resolve_source(subj, discourse, base)):
                    out.append((src, c.lemma_.lower() in LEXICON.denial_verbs))
                continue
            if c.i in seen_according:
                continue
            if c.lower_ == "according" or (c.lower_ in ("per", "citing") and c.dep_ == "prep"):
                seen_according.add(c.i)
                obj = _pobj(c)
                if obj is not None and (src := resolve_source(obj, discourse, base)):
                    out.append((src, False))
    noun = anchor.head if anchor.dep_ == "nummod" else anchor
    for c in noun.children:
        # "the 11,300 deaths that the UN office had given": the reporter is in a relative clause
        if c.dep_ == "relcl" and c.lemma_.lower() in LEXICON.attribution_verbs:
            subj = _subject(c)
            if subj is not None and (src := resolve_source(subj, discourse, base)):
                out.append((src, c.lemma_.lower() in LEXICON.denial_verbs))
    if not out:
        # "according to X" attached elsewhere in the sentence still sources the sentence
        for t in anchor.doc:
            if t.lower_ == "according" and t.i not in seen_according:
                obj = _pobj(t)
                if obj is not None and (src := resolve_source(obj, discourse, base)):
                    out.append((src, False))
    return out


def decide(found: list[tuple[Source, bool]]) -> Attribution:
    """The claimant is the innermost source that is not a relay; a named relay outside it is `via`."""
    att = Attribution()
    for src, denies in found:
        if src.unnamed_channel:
            continue
        if denies:
            att.claimant, att.denied = src.name, True
            return att
        if src.media:
            att.via = att.via or src.phrase
            continue
        if att.claimant is None:
            att.claimant = src.name
    if att.claimant is None and att.via is not None:
        # A relay reporting in its own name is the one asserting the figure.
        att.claimant, att.via = att.via, None
    return att


def sentence_relay(doc: Doc, claimant: str) -> str | None:
    """ "..., as reported by Al Jazeera" / "according to Reuters": a named outlet anywhere in the sentence."""
    for t in tokens(doc):
        obj = None
        if t.lower_ == "according":
            obj = _pobj(t)
        elif t.dep_ == "agent" and t.head.lemma_ in ("report", "carry", "publish", "broadcast"):
            obj = _pobj(t)
        if obj is not None:
            phrase = _span_text(doc, _np_tokens(obj))
            if phrase and phrase != claimant and is_media(phrase):
                return phrase
    return None


def told_relay(doc: Doc) -> str | None:
    """ "X told broadcaster Metro TV": a named outlet receiving the statement is the relay."""
    for t in tokens(doc):
        if t.lemma_ == "tell":
            for c in t.children:
                if c.dep_ in ("dobj", "dative", "iobj"):
                    phrase = _span_text(doc, _np_tokens(c))
                    if phrase and is_media(phrase):
                        return phrase
    return None


HEADLINE_PREFIX = re.compile(r"^([A-Z][\w.’']*(?:\s+[A-Z][\w.’']*){0,2}):\s")
NOT_HEADLINE_SOURCES = frozenset("breaking update updated live watch exclusive analysis explainer opinion "
                                 "video photos pictures factbox timeline editorial comment".split())
HEADLINE_SOURCE = re.compile(r"(?:^|\s)[:–—-]\s*([A-Z][\w’'.]*(?:\s+[A-Z][\w’'.]*){0,3})\s*$|:\s*([A-Z][\w’'.]*(?:\s+[\w’'.]+){0,3})\s*$")


def headline_source(title: str) -> Source | None:
    """ "...: Kremlin", "... - RIA", "WHO: ...": a headline's source."""
    m = HEADLINE_SOURCE.search(title)
    if m:
        name = (m.group(1) or m.group(2) or "").strip()
    elif p := HEADLINE_PREFIX.match(title):
        name = p.group(1)  # "WHO: 3,985 bodies recovered"
    else:
        return None
    if name.lower() in NOT_HEADLINE_SOURCES:
        return None
    if not name or re.search(r"\d", name) or len(name.split()) > 4:
        return None
    return Source(name=name, phrase=name, kind="org", media=is_media(name))
