"""The story stage's word lists (stories/lexicon.toml) and name normalisation shared by its parts."""
from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cached_property, lru_cache
from importlib import resources

STOPWORDS = frozenset(
    "the a an of for and in on at to by from with its his her their our this that these those".split())


def fold(text: str) -> str:
    """Lower case without accents or curly apostrophes: "Vučić’s" -> "vucic's"."""
    if text.isascii():  # nothing to decompose: the common case, at C speed
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'").replace("‘", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[str, ...]:
    """The folded words of a name, possessive endings dropped (cached: names and groups repeat)."""
    return tuple(re.sub(r"'s?$", "", w) for w in re.findall(r"[a-z0-9][a-z0-9'.-]*", fold(text)))


def stem(word: str) -> str:
    """Five letters stand for a word and its derivations (russia/russian, defence/defense), with a
    plural kept apart: "officials" (a group) is not "official" (one person)."""
    word = word.replace("defence", "defense")
    plural = "+" if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")) else ""
    return (word[:5] if len(word) > 5 else word) + plural


class StoryLexicon:
    @cached_property
    def data(self) -> dict:
        raw = resources.files("crosstally.stories").joinpath("lexicon.toml").read_bytes()
        return tomllib.loads(raw.decode("utf-8"))

    @cached_property
    def group_head(self) -> dict[str, str]:
        """Group word -> its kind ("troops" -> "soldiers"); multi-word entries included."""
        return {w: kind for kind, ws in self.data["group_heads"].items() for w in ws}

    @cached_property
    def revision_verbs(self) -> re.Pattern:
        alternatives = "|".join(re.escape(w) for w in sorted(self.data["revision"]["verbs"], key=len, reverse=True))
        # The verb, then at most a few particles, right before the figure: "rose to", "revised down to".
        return re.compile(rf"\b(?:{alternatives})\b(?:\s+(?:up|down|again|further|now|sharply|to|at|on\s+\w+))*\s*$",
                          re.IGNORECASE)

    @cached_property
    def revision_phrases(self) -> re.Pattern:
        alternatives = "|".join(re.escape(w) for w in sorted(self.data["revision"]["phrases"], key=len, reverse=True))
        return re.compile(rf"\b(?:{alternatives})\b", re.IGNORECASE)

    @cached_property
    def speaker_titles(self) -> list[str]:
        return sorted(self.data["speakers"]["titles"], key=len, reverse=True)

    @cached_property
    def metonym_state(self) -> dict[str, str]:
        """A name standing for a state ("kremlin") -> the state ("russia")."""
        return {fold(n): state for state, names in self.data["metonyms"].items() for n in names}


STORY_LEXICON = StoryLexicon()
