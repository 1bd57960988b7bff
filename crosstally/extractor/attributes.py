"""A faster stand-in for spaCy's attribute ruler, giving the same output.

The English models' attribute ruler maps tags to parts of speech and morphology with ~180
one-token patterns run through the general Matcher, which costs as much as the parser. Here the
one-token patterns are indexed by the tag they test and checked directly; the few longer
patterns ("gon na", "let 's") still go through a Matcher. Matches are applied in the ruler's
order (later patterns win), so tokens end up with exactly the attributes the ruler would set.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable

from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, Token
from spacy.tokens._retokenize import set_token_attrs

Test = Callable[[Token], bool]
CACHE_LIMIT = 200_000
_GETTERS: dict[str, Callable[[Token], object]] = {
    "TAG": lambda t: t.tag_,
    "LOWER": lambda t: t.lower_,
    "ORTH": lambda t: t.text,
    "DEP": lambda t: t.dep_,
    "POS": lambda t: t.pos_,
    "IS_SPACE": lambda t: t.is_space,
}


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
        self.by_tag: dict[str, list[tuple[int, Test]]] = defaultdict(list)
        self.any_tag: list[tuple[int, Test]] = []
        self.long = Matcher(ruler.vocab)
        has_long = False
        for attr_id, entry in enumerate(ruler.patterns):
            for pattern in entry["patterns"]:
                if len(pattern) != 1:
                    self.long.add(str(attr_id), [pattern])
                    has_long = True
                    continue
                spec = pattern[0]
                if spec.get("OP"):
                    raise Unsupported("pattern with an operator")
                test = _token_test(spec)
                tag = spec.get("TAG")
                if isinstance(tag, str):
                    self.by_tag[tag].append((attr_id, test))
                elif isinstance(tag, dict) and set(tag) == {"IN"}:
                    for t in tag["IN"]:
                        self.by_tag[t].append((attr_id, test))
                else:
                    self.any_tag.append((attr_id, test))
        self.has_long = has_long
        self.cache: dict[tuple[int, int, int], dict[int, object]] = {}
        # Each tag's candidates merged with the tag-free ones, in the ruler's order.
        self.candidates = {tag: sorted([*rules, *self.any_tag], key=lambda r: r[0])
                           for tag, rules in self.by_tag.items()}

    def _effect(self, token: Token) -> dict[int, object]:
        """What the one-token patterns set on a token, merged in the ruler's order."""
        merged: dict[int, object] = {}
        for attr_id, test in self.candidates.get(token.tag_, self.any_tag):
            if test(token):
                merged.update(self.ruler.attrs[attr_id])
        return merged

    def __call__(self, doc: Doc) -> Doc:
        if self.has_long and self.long(doc, allow_missing=True):
            return self.ruler(doc)  # a rare multi-token exception: let the ruler order it
        cache = self.cache
        for token in doc:
            # One-token patterns read only the tag, the lower-cased form and the dependency label.
            key = (token.tag, token.lower, token.dep)
            effect = cache.get(key)
            if effect is None:
                if len(cache) >= CACHE_LIMIT:
                    cache.clear()
                effect = cache[key] = self._effect(token)
            if effect:
                set_token_attrs(token, effect)
        return doc


def fast_ruler(ruler: AttributeRuler) -> Callable[[Doc], Doc]:
    """The fast equivalent of `ruler`, or the ruler itself when its patterns are beyond the fast path."""
    try:
        return FastAttributeRuler(ruler)
    except Unsupported:
        return ruler
