"""The extractor's lexicon, read once from lexicon.toml beside this file."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from crosstally.model import Measure, Qualifier


def _lower(items: list[str]) -> frozenset[str]:
    return frozenset(i.lower() for i in items)


def trie_pattern(words: set[str], whole_words: bool = False) -> str:
    """A regular expression matching any of `words`, factored by shared prefixes.

    With whole_words=False a word that another extends is enough on its own (the pattern finds
    prefixes: "kill" also covers "killed"); with whole_words=True each word must match in full."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        if "" in node and not whole_words:
            return ""
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            branches.append("")
        if len(branches) == 1:
            return branches[0]
        return "(?:" + "|".join(branches) + ")"

    return emit(trie)


@dataclass(frozen=True)
class Lexicon:
    data: dict

    @classmethod
    def load(cls) -> "Lexicon":
        raw = resources.files("crosstally.extractor").joinpath("lexicon.toml").read_bytes()
        return cls(tomllib.loads(raw.decode("utf-8")))

    @cached_property
    def qualifier_phrases(self) -> list[tuple[str, Qualifier]]:
        pairs = [(p.lower(), Qualifier(q)) for q, ps in self.data["qualifiers"].items() for p in ps]
        return sorted(pairs, key=lambda p: -len(p[0]))

    @cached_property
    def qualifier_before(self) -> re.Pattern[str]:
        """A qualifier phrase ending where the (lower-cased) text ends; the leftmost match is the longest."""
        alternatives = "|".join(re.escape(p) for p, _ in self.qualifier_phrases)
        return re.compile(rf"(?<![\w])({alternatives})\s+$")

    @cached_property
    def qualifier_of_phrase(self) -> dict[str, Qualifier]:
        table: dict[str, Qualifier] = {}
        for phrase, qualifier in self.qualifier_phrases:
            table.setdefault(phrase, qualifier)
        return table

    @cached_property
    def qualifier_verbs(self) -> frozenset[str]:
        return _lower(self.data["qualifier_verbs"]["words"])

    @cached_property
    def measure_of_lemma(self) -> dict[str, Measure]:
        return {w.lower(): Measure(m) for m, ws in self.data["measure_lemmas"].items() for w in ws}

    @cached_property
    def measure_word(self) -> re.Pattern:
        """Any form of any measure word: a sentence without one cannot hold a claim."""
        stems = set(self.measure_of_lemma) | set(self.group_measure)
        stems |= {words[0] for words, _ in self.measure_phrases}
        prefixes = {s[:-1] if s.endswith(("e", "y")) and len(s) > 3 else s for s in stems}
        irregular = {w.lower() for w in self.data["measure_forms"]["irregular"]}
        # As tries ("kill|kidnap" -> "ki(?:ll|dnap)"): the engine rejects most words at a letter or two.
        return re.compile(r"\b(?:" + trie_pattern(irregular, whole_words=True) + r")\b|\b(?:"
                          + trie_pattern({p.lower() for p in prefixes}) + r")", re.IGNORECASE)

    @cached_property
    def measure_phrases(self) -> list[tuple[tuple[str, ...], Measure]]:
        return [(tuple(p.lower().split()), Measure(m))
                for m, ps in self.data["measure_phrases"].items() for p in ps]

    @cached_property
    def measure_phrases_by_first(self) -> dict[str, list[tuple[tuple[str, ...], Measure]]]:
        """The measure phrases indexed by their first word, each list in the lexicon's order."""
        table: dict[str, list[tuple[tuple[str, ...], Measure]]] = {}
        for words, measure in self.measure_phrases:
            table.setdefault(words[0], []).append((words, measure))
        return table

    @cached_property
    def group_measure(self) -> dict[str, Measure]:
        return {w.lower(): Measure(m) for m, ws in self.data["group_measures"].items() for w in ws}

    @cached_property
    def lose_objects(self) -> frozenset[str]:
        return _lower(self.data["lose"]["objects"])

    @cached_property
    def group_words(self) -> frozenset[str]:
        g = self.data["groups"]
        words = _lower(g["people"] + g["things"])
        return words | frozenset(w + "s" for w in words)

    @cached_property
    def people_words(self) -> frozenset[str]:
        return _lower(self.data["groups"]["people"])

    @cached_property
    def person_suffixes(self) -> tuple[str, ...]:
        return tuple(self.data["groups"]["person_suffixes"])

    @cached_property
    def group_synonym(self) -> dict[str, str]:
        return {w.lower(): canon for canon, ws in self.data["group_synonyms"].items() for w in ws}

    @cached_property
    def non_count_following(self) -> frozenset[str]:
        return _lower(self.data["non_count"]["following"])

    @cached_property
    def non_count_preceding(self) -> frozenset[str]:
        return _lower(self.data["non_count"]["preceding"])

    @cached_property
    def age_suffixes(self) -> tuple[str, ...]:
        return tuple(self.data["non_count"]["age_suffixes"])

    @cached_property
    def months(self) -> frozenset[str]:
        return _lower(self.data["non_count"]["months"])

    @cached_property
    def attribution_verbs(self) -> frozenset[str]:
        return _lower(self.data["attribution"]["verbs"])

    @cached_property
    def attribution_nouns(self) -> frozenset[str]:
        return _lower(self.data["attribution"]["nouns"])

    @cached_property
    def denial_verbs(self) -> frozenset[str]:
        return _lower(self.data["attribution"]["denial_verbs"])

    @cached_property
    def according_to(self) -> tuple[str, ...]:
        return tuple(self.data["attribution"]["according_to"])

    @cached_property
    def person_pronouns(self) -> frozenset[str]:
        return _lower(self.data["anaphora"]["person_pronouns"])

    @cached_property
    def thing_pronouns(self) -> frozenset[str]:
        return _lower(self.data["anaphora"]["thing_pronouns"])

    @cached_property
    def plural_pronouns(self) -> frozenset[str]:
        return _lower(self.data["anaphora"]["plural_pronouns"])

    @cached_property
    def description_heads(self) -> frozenset[str]:
        return _lower(self.data["anaphora"]["description_heads"])

    @cached_property
    def relay_names(self) -> frozenset[str]:
        return _lower(self.data["relays"]["names"])

    @cached_property
    def relay_heads(self) -> frozenset[str]:
        return _lower(self.data["relays"]["heads"])

    @cached_property
    def unnamed_channels(self) -> frozenset[str]:
        return _lower(self.data["relays"]["unnamed"])

    @cached_property
    def projection_modals(self) -> frozenset[str]:
        return _lower(self.data["modality"]["projection_modals"])

    @cached_property
    def projection_verbs(self) -> frozenset[str]:
        return _lower(self.data["modality"]["projection_verbs"])

    @cached_property
    def projection_adjectives(self) -> frozenset[str]:
        return _lower(self.data["modality"]["projection_adjectives"])

    @cached_property
    def conditional_marks(self) -> frozenset[str]:
        return _lower(self.data["modality"]["conditional_marks"])


LEXICON = Lexicon.load()
