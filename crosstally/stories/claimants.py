"""One canonical claimant per speaker within a story, each alias with the evidence that linked it.

A claimant is first read as its article names it. Names are then joined when:
- they are the same name once case, accents, possessives and appositions are set aside;
- one is a spelling variant of the other (Zelensky / Zelenskyy), or a surname of a full name;
- the text ties a person to the body he or she speaks for ("Russian Defense Ministry spokesman
  Igor Konashenkov", "Dedi Prasetyo, a spokesman for the National Police");
- within one article, a short form (the ministry, police) names the one fuller name it fits, and
  a state's name or seat of government (Russia, Moscow, the Kremlin) names the body the article
  credits with the same figure.
Short forms and state names are never joined across articles by their spelling alone: "Ukraine"
may be the president in one article and the emergency service in another.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from crosstally.model import Claim
from crosstally.stories.unionfind import UnionFind
from crosstally.stories.words import STOPWORDS, STORY_LEXICON, stem, words

ORG_HEADS = frozenset(
    "ministry ministries department office agency service services police army military government "
    "authority authorities council committee commission organisation organization nations union "
    "archive institute court parliament command forces guard unit bureau centre center board "
    "administration secretariat federation association faculty university".split())


@lru_cache(maxsize=65536)
def display_name(raw: str) -> str:
    """The name without appositions, brackets or a trailing title ("X, an unofficial organisation",
    "United Nations (UN", "Russian Defense Ministry spokesman")."""
    name = re.split(r"\s*[,(\[;]\s*", raw.strip(), maxsplit=1)[0].strip(" .’'\"“”")
    for title in STORY_LEXICON.speaker_titles:
        m = re.match(rf"^(.{{3,}}?)\s+{re.escape(title)}$", name, flags=re.IGNORECASE)
        if m and any(w in ORG_HEADS for w in words(m.group(1))):
            return m.group(1)
    # "independent organisation Public Assembly Archive": the capitalised name after a description
    m = re.match(r"^(?:[a-z][\w-]*\s+)+((?:[A-Z][\w’'-]*\s*){2,})$", name)
    if m:
        return m.group(1).strip()
    return name


def key_of(name: str) -> frozenset[str]:
    """The stems of a name's content words, order-free: "Russian Ministry of Defence" and
    "Russia's defense ministry" share one."""
    return frozenset(stem(w) for w in words(name) if w not in STOPWORDS)


def _edit_distance(a: str, b: str, limit: int = 2) -> int:
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _variant(a: list[str], b: list[str]) -> bool:
    """Same words up to small spelling differences in long ones (zelensky / zelenskyy)."""
    if len(a) != len(b) or a == b:
        return False
    for x, y in zip(a, b, strict=True):
        if x != y and not (min(len(x), len(y)) >= 5 and x[0] == y[0] and _edit_distance(x, y) <= 2):
            return False
    return True


def _initials(name: str) -> str:
    """ "World Health Organization" -> "WHO"; "United Nations" -> "UN"."""
    return "".join(t[0] for t in name.replace("-", " ").split() if t[:1].isupper())


def _is_description(name: str) -> bool:
    """A short form that names a speaker by role only: "the ministry", "Ukrainian president",
    "police chief" (at most two words, the last a lower-case role or body)."""
    toks = name.split()
    return len(toks) <= 2 and (toks[-1][:1].islower() or len(toks) == 1) and (
        toks[-1].lower() in ORG_HEADS or toks[-1].lower() in STORY_LEXICON.speaker_titles)


def _is_person(name: str) -> bool:
    toks = name.split()
    return 2 <= len(toks) <= 4 and all(t[:1].isupper() for t in toks) and not (set(words(name)) & ORG_HEADS)


@dataclass
class Node:
    """A claimant as one article names it."""

    article: str
    raw: str
    name: str
    key: frozenset[str]
    local: bool  # a short form or a state's name: resolved inside its article only
    claims: list[Claim] = field(default_factory=list)
    home: str = ""  # the article, or the set of copies it belongs to; rules "within an article" read this


@dataclass
class Claimants:
    """The result: canonical name per (article, claimant as written), and each canonical's aliases."""

    canonical: dict[tuple[str, str], str]
    aliases: dict[str, dict[str, str]]  # canonical -> alias -> evidence

    def of(self, claim: Claim) -> str | None:
        if claim.claimant is None:
            return None
        return self.canonical.get((claim.article, claim.claimant), claim.claimant)


LEADING = re.compile(r"^(?:(?:a|an|the|to|by|from|of|for|said|says|according|told|and)\s+)+", re.IGNORECASE)


def _speaks_for(person: str, texts: Iterable[str]) -> list[tuple[str, str]]:
    """The bodies a person speaks for, where a text says so, each with the words that say it:
    "defense ministry spokesman Igor Konashenkov", "Dedi Prasetyo, a spokesman for the National Police".
    Only the words around each mention of the name are read."""
    titles = "|".join(re.escape(t) for t in STORY_LEXICON.speaker_titles)
    before = re.compile(rf"((?:[\w’'.-]+\s+){{1,5}}?)(?:{titles})\s+(?:[A-Z][\w.-]*\s+){{0,3}}$")
    after = re.compile(rf"^,\s+(?:a|an|the)\s+(?:\w+\s+){{0,2}}(?:{titles})\s+(?:for|of|at)\s+"
                       rf"((?:the\s+)?(?:[A-Z][\w’'.-]*\s*(?:of\s+|for\s+)?){{1,6}})")
    found = []
    for text in texts:
        at = text.find(person)
        while at >= 0:
            end = at + len(person)
            if end == len(text) or not text[end].isalnum():
                for m, evidence in ((before.search(text[max(0, at - 90):at]), None),
                                    (after.match(text[end:end + 120]), None)):
                    if m is None:
                        continue
                    body = display_name(LEADING.sub("", m.group(1).strip()))
                    if set(words(body)) & ORG_HEADS:
                        phrase = m.group(0) + person if m.re is before else person + m.group(0)
                        found.append((body, evidence or phrase))
            at = text.find(person, end)
    return found


def resolve(claims: list[Claim], texts: dict[str, str], copy_of: dict[str, int] | None = None) -> Claimants:
    """Canonical claimants for the claims of one story (`texts`: article id -> text). Copies of one
    wire story (`copy_of`: article -> its set) name their speakers alike, so a name as one set
    writes it is one node, read in the first article that has it."""
    copy_of = copy_of or {}
    nodes: list[Node] = []
    index: dict[tuple, int] = {}
    written: dict[tuple[str, str], int] = {}  # (article, claimant as written) -> node
    for c in claims:
        if c.claimant is None:
            continue
        k = (copy_of.get(c.article, c.article), c.claimant)
        if k not in index:
            name = display_name(c.claimant)
            folded = " ".join(words(name))
            local = folded in STORY_LEXICON.metonym_state or _is_description(name)
            index[k] = len(nodes)
            nodes.append(Node(c.article, c.claimant, name, key_of(name), local,
                              home=f"copies {k[0]}" if c.article in copy_of else c.article))
        node = nodes[index[k]]
        written.setdefault((c.article, c.claimant), index[k])
        if c.article == node.article:
            node.claims.append(c)
    readers = {copy_of.get(a, a): text for a, text in texts.items()}  # one text per set of copies
    u = UnionFind()
    for i in range(len(nodes)):
        u.find(i)

    # Names across the story: the same key, a spelling variant, a surname.
    # Rules run on one node per distinct name; nodes with the same name are joined first.
    first_of: dict[str, int] = {}
    for i, n in enumerate(nodes):
        if n.local:
            continue
        if n.name in first_of:
            u.join(first_of[n.name], i, f"the same name as {n.name!r}")
        else:
            first_of[n.name] = i
    named = list(first_of.values())
    people = [i for i in named if _is_person(nodes[i].name)]
    is_person = set(people)
    person_names = {nodes[i].name for i in people}
    by_key: dict[frozenset[str], int] = {}
    for i in named:
        n = nodes[i]
        if i in is_person:
            continue  # people join by their words, below: stems would join Andrea Smithers and Andrew Smithson
        if n.key in by_key:
            u.join(by_key[n.key], i, f"the same name as {nodes[by_key[n.key]].name!r}")
        else:
            by_key[n.key] = i
    # Bodies: an acronym of a name (WHO, UN), and a name inside exactly one fuller name
    # ("United Nations" in "United Nations Office" in "United Nations humanitarian office").
    orgs = [i for i in named if i not in is_person]
    for i in orgs:
        acronym = nodes[i].name.replace(".", "")
        if 2 <= len(acronym) <= 6 and acronym.isupper() and acronym.isalpha():
            for j in orgs:
                if j != i and _initials(nodes[j].name) == acronym:
                    u.join(j, i, f"the initials of {nodes[j].name!r}")
                    break
    for i in orgs:
        ki = nodes[i].key
        if len(ki) < 2:
            continue
        wider = {u.find(j): j for j in orgs if ki < nodes[j].key}
        if len(wider) == 1:
            j = next(iter(wider.values()))
            u.join(j, i, f"a shorter form of {nodes[j].name!r}")
    name_words = {i: words(nodes[i].name) for i in named}
    for i in named:
        wi = name_words[i]
        for j in people:
            if i == j:
                continue
            wj = name_words[j]
            if wi == wj:
                u.join(j, i, f"the same name as {nodes[j].name!r}")
            elif _variant(wi, wj):
                u.join(j, i, f"a spelling of {nodes[j].name!r}")
            elif len(wi) == 1 and (wi[0] == wj[-1] or _variant(wi, wj[-1:])):
                u.join(j, i, f"the surname of {nodes[j].name!r}")

    # A person and the body the text says he or she speaks for.
    bodies: dict[frozenset[str], int] = {}
    for i in named:
        bodies.setdefault(nodes[i].key, i)
    spoken: dict[str, list[tuple[str, str]]] = {}
    for i in people:
        name = nodes[i].name
        if name not in spoken:
            spoken[name] = _speaks_for(name, readers.values())
        for body, evidence in spoken[name]:
            bk = key_of(body)
            target = next((j for k, j in bodies.items()
                           if k == bk or (min(len(k), len(bk)) >= 2 and (k <= bk or bk <= k))), None)
            if target is None:
                target = len(nodes)
                nodes.append(Node(nodes[i].article, body, body, bk, False, home=nodes[i].home))
                bodies[bk] = target
            u.join(target, i, f"speaks for {nodes[target].name!r}: \u201c{' '.join(evidence.split())}\u201d")

    # Short forms and state names: first within their article, then within the story.
    by_article: dict[str, list[int]] = defaultdict(list)
    for i, n in enumerate(nodes):
        by_article[n.home].append(i)
    named_all = [j for j, n in enumerate(nodes) if not n.local and n.claims]
    def alone(i: int) -> bool:
        return sizes[u.find(i)] == 1

    is_state = [" ".join(words(n.name)) in STORY_LEXICON.metonym_state for n in nodes]
    # A cluster of short forms only ("police", "district police") still looks for the name it stands for.
    named_roots = {u.find(j) for j, n in enumerate(nodes) if not n.local}
    for scope in ("article", "story"):
        for i, n in enumerate(nodes):
            if not n.local or is_state[i] or not n.claims or u.find(i) in named_roots:
                continue
            pool = [j for j in by_article[n.home] if not nodes[j].local] if scope == "article" else named_all
            where = f"in {n.article}" if scope == "article" else "in this story"
            fits = {u.find(j): j for j in pool if n.key and n.key <= nodes[j].key}
            if not fits and scope == "article":
                # A shorter description refers back to a fuller one ("police" to "district police").
                fits = {u.find(j): j for j in by_article[n.home]
                        if nodes[j].local and not is_state[j] and n.key and n.key < nodes[j].key}
            if len(fits) == 1:
                j = next(iter(fits.values()))
                u.join(j, i, f"a short form of {nodes[j].name!r} {where}")
                if not nodes[j].local:
                    named_roots.add(u.find(i))
                continue
            if scope == "article":
                text = texts.get(n.article, "")
                titled = [j for j in people if re.search(
                    rf"\b(?i:{re.escape(n.name)})\s+(?:[A-Z][\w.-]*\s+){{0,3}}{re.escape(nodes[j].name)}\b", text)]
                if len({u.find(j) for j in titled}) == 1:
                    u.join(titled[0], i, f"the title of {nodes[titled[0]].name!r} {where}")
                    named_roots.add(u.find(i))
                    continue
                # "an official" is the person the article credits with the same figure
                if words(n.name)[-1] in STORY_LEXICON.speaker_titles:
                    pool_people = [j for j in pool if nodes[j].name in person_names]
                    j = _same_figure(n, [nodes[j] for j in pool_people], state_stem=None)
                    if j is not None:
                        u.join(pool_people[j], i, f"the {n.name.lower()} credited with {nodes[pool_people[j]].name!r}'s figure {where}")
                        named_roots.add(u.find(i))
    # A state's name or seat stands for the body its article credits with the same figure; where
    # the article credits none, it stays as named ("Kyiv").
    sizes = Counter(u.find(j) for j in range(len(nodes)))
    cluster_words: dict[int, set[str]] = defaultdict(set)
    for k, node in enumerate(nodes):
        cluster_words[u.find(k)] |= node.key
    for i, n in enumerate(nodes):
        if not (is_state[i] and n.claims):
            continue
        pool = [j for j in by_article[n.home] if not is_state[j] and (not nodes[j].local or not alone(j))]
        j = _same_figure(n, [nodes[j] for j in pool])
        if j is not None:
            u.join(pool[j], i, f"names {nodes[pool[j]].name!r}, credited with the same figure in {n.article}")
            continue
        # Else a body of that state credited with the same figure elsewhere in the story ("Moscow"
        # for the ministry's 498); a state name no body shares a figure with stays as named.
        state_stem = stem(STORY_LEXICON.metonym_state[" ".join(words(n.name))].split()[0])
        tied = [j for j in range(len(nodes)) if not is_state[j] and nodes[j].claims
                and state_stem in cluster_words[u.find(j)]]
        j = _same_figure(n, [nodes[j] for j in tied])
        if j is not None:
            u.join(tied[j], i, f"names {nodes[tied[j]].name!r}, a body of {n.name} credited with the same figure")
    # Unresolved short forms and state names join their namesakes only.
    leftover: dict[frozenset[str], int] = {}
    named_roots = {u.find(j) for j, n in enumerate(nodes) if not n.local}
    for i, n in enumerate(nodes):
        if n.local and u.find(i) not in named_roots:
            if n.key in leftover:
                u.join(leftover[n.key], i, "the same name")
            else:
                leftover[n.key] = i

    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(nodes)):
        groups[u.find(i)].append(i)
    aliases: dict[str, dict[str, str]] = {}
    name_of: dict[int, str] = {}
    for members in groups.values():
        name = _canonical_name([nodes[i] for i in members])
        aliases[name] = {}
        for i in members:
            n = nodes[i]
            name_of[i] = name
            if n.raw != name:
                aliases[name].setdefault(n.raw, u.why.get(i, f"the same speaker as {name!r}"))
    canonical = {k: name_of[i] for k, i in written.items()}
    return Claimants(canonical, aliases)


def _same_figure(node: Node, others: list[Node], state_stem: str | None = "") -> int | None:
    """The other claimant with a figure for the same measure and group within 5% of one of
    `node`'s figures; a body named for the state ("Russian Defense Ministry") first."""
    if state_stem == "":
        state_stem = stem(STORY_LEXICON.metonym_state[" ".join(words(node.name))].split()[0])
    best: tuple[float, int] | None = None
    for j, other in enumerate(others):
        for a in node.claims:
            for b in other.claims:
                if a.measure != b.measure:
                    continue
                gap = abs(a.value - b.value) / max(a.value, b.value, 1)
                if gap > 0.05 or words(a.who)[-1:] != words(b.who)[-1:]:
                    continue
                # A body named for the state ("Russian Defense Ministry") is the likelier speaker.
                score = gap - (0.5 if state_stem and state_stem in other.key else 0.0)
                if best is None or score < best[0]:
                    best = (score, j)
    return best[1] if best else None


def _canonical_name(members: list[Node]) -> str:
    """The name a reader knows the speaker by: a body over its spokesperson, then the name most
    articles use, then the fullest."""
    candidates = [n for n in members if not n.local] or members
    orgs = [n for n in candidates if set(words(n.name)) & ORG_HEADS and any(t[:1].isupper() for t in n.name.split())]
    pool = orgs or candidates
    counts = Counter(n.name for n in pool for _ in (n.claims or [None]))
    return max(counts, key=lambda name: (counts[name], len(name)))
