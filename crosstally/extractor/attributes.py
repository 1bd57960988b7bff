"""Faster stand-ins for spaCy's attribute ruler and rule lemmatizer, giving the same output.

The English models' attribute ruler maps tags to parts of speech and morphology with ~180
one-token patterns run through the general Matcher, which costs as much as the parser. Here the
one-token patterns are indexed by the tag they test, checked directly and cached per
(tag, word, dependency); the few longer patterns ("there were", "let 's") go through a Matcher,
only on sentences where one can start. Matches are applied in the ruler's order (later patterns
win), so tokens end up with exactly the attributes the ruler would set.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from typing import NamedTuple

from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler, Lemmatizer
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import set_token_attrs

Test = Callable[[Token], bool]
CACHE_LIMIT = 200_000
# Only attributes fixed by a token's (tag, lower-cased form, dependency label), the cache key.
_GETTERS: dict[str, Callable[[Token], object]] = {
    "TAG": lambda t: t.tag_,
    "LOWER": lambda t: t.lower_,
    "DEP": lambda t: t.dep_,
    "IS_SPACE": lambda t: t.is_space,
}


class Entry(NamedTuple):
    """What the one-token patterns do to a token: their ids, their merged attributes, and whether
    a multi-token pattern can start at it."""

    ids: tuple[int, ...]
    effect: dict[int, object]
    starts_long: bool


class Unsupported(ValueError):
    """A pattern this fast path does not understand; the caller keeps the real ruler."""


def _value_test(value: object) -> Callable[[object], bool]:
    if not isinstance(value, dict):
        return lambda v: v == value
    if len(value) != 1:
        raise Unsupported(f"pattern value {value!r}")
    (op, arg), = value.items()
    if op == "IN":
        options = frozenset(arg)
        return lambda v: v in options
    if op == "NOT_IN":
        options = frozenset(arg)
        return lambda v: v not in options
    if op == "REGEX":
        rx = re.compile(arg)
        return lambda v: bool(rx.search(v))
    raise Unsupported(f"pattern operator {op}")


def _token_test(spec: dict) -> Test:
    checks = []
    for key, value in spec.items():
        if key not in _GETTERS:
            raise Unsupported(f"pattern attribute {key}")
        checks.append((_GETTERS[key], _value_test(value)))
    return lambda t: all(ok(get(t)) for get, ok in checks)


class FastAttributeRuler:
    """Applies an AttributeRuler's patterns to a Doc, with the same result."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        by_tag: dict[str, list[tuple[int, Test]]] = defaultdict(list)
        any_tag: list[tuple[int, Test]] = []
        self.long = Matcher(ruler.vocab)
        self.long_starts: list[Test] = []
        for attr_id, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                if any(spec.get("OP") for spec in pattern):
                    raise Unsupported("pattern with an operator")
                if len(pattern) > 1:
                    self.long.add(str(attr_id), [pattern])
                    self.long_starts.append(_token_test(pattern[0]))
                    continue
                spec = pattern[0]
                test = _token_test(spec)
                tag = spec.get("TAG")
                if isinstance(tag, str):
                    by_tag[tag].append((attr_id, test))
                elif isinstance(tag, dict) and set(tag) == {"IN"}:
                    for t in tag["IN"]:
                        by_tag[t].append((attr_id, test))
                else:
                    any_tag.append((attr_id, test))
        self.any_tag = any_tag
        # Each tag's candidates merged with the tag-free ones, in the ruler's order.
        self.candidates = {tag: sorted([*rules, *any_tag], key=lambda r: r[0]) for tag, rules in by_tag.items()}
        # Every pattern reads only a token's tag, lower-cased form, dependency label and whether it
        # is space, so what happens to a token is fixed by (tag, lower, dep) and can be cached.
        self.cache: dict[tuple[int, int, int], Entry] = {}

    def _entry(self, token: Token) -> Entry:
        ids = tuple(attr_id for attr_id, test in self.candidates.get(token.tag_, self.any_tag) if test(token))
        effect: dict[int, object] = {}
        for attr_id in ids:
            effect.update(self.ruler.attrs[attr_id])
        return Entry(ids, effect, any(test(token) for test in self.long_starts))

    def __call__(self, doc: Doc) -> Doc:
        cache = self.cache
        entries = []
        for token in doc:
            key = (token.tag, token.lower, token.dep)
            entry = cache.get(key)
            if entry is None:
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                entry = cache[key] = self._entry(token)
            entries.append(entry)
        extra: dict[int, list[int]] = {}
        if any(e.starts_long for e in entries):
            # A multi-token exception ("there were", "let's") sets one token of its match.
            strings, indices = self.ruler.vocab.strings, self.ruler.indices
            for match_id, start, end in self.long(doc, allow_missing=True):
                attr_id = int(strings[match_id])
                extra.setdefault(doc[start:end][indices[attr_id]].i, []).append(attr_id)
        for token, entry in zip(doc, entries, strict=True):
            if token.i in extra:
                # Later patterns win, so a token's single- and multi-token matches apply in pattern order.
                for attr_id in sorted({*entry.ids, *extra[token.i]}):
                    set_token_attrs(token, self.ruler.attrs[attr_id])
            elif entry.effect:
                set_token_attrs(token, entry.effect)
        return doc


class CachedLemmatizer:
    """spaCy's rule lemmatizer with every lemma cached by (word, part of speech, morphology).

    The rule lemmatizer's answer depends only on those three; it caches them itself but not the
    common early answers (a base form, an untagged word), which then cost a rule walk each time."""

    def __init__(self, lemmatizer: Lemmatizer) -> None:
        self.lemmatizer = lemmatizer
        self.cache: dict[tuple[int, int, int], int] = {}

    def __call__(self, doc: Doc) -> Doc:
        lemmatizer, cache = self.lemmatizer, self.cache
        strings = doc.vocab.strings
        overwrite = lemmatizer.overwrite
        for token in doc:
            if overwrite or token.lemma == 0:
                key = (token.orth, token.pos, token.morph.key)
                lemma = cache.get(key)
                if lemma is None:
                    if len(cache) >= CACHE_LIMIT:
                        cache.clear()
                    lemma = cache[key] = strings.add(lemmatizer.lemmatize(token)[0])
                token.lemma = lemma
        return doc


def fast_step(proc):
    """The fast twin of a pipeline component where there is one, else the component itself."""
    if isinstance(proc, AttributeRuler):
        return fast_ruler(proc)
    if isinstance(proc, Lemmatizer) and proc.mode == "rule":
        return CachedLemmatizer(proc)
    return proc


def fast_ruler(ruler: AttributeRuler) -> Callable[[Doc], Doc]:
    """The fast equivalent of `ruler`, or the ruler itself when its patterns are beyond the fast path."""
    try:
        return FastAttributeRuler(ruler)
    except Unsupported:
        return ruler
