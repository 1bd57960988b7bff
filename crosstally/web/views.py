"""What the report and the web app show, read from a crosstally database: each view is a plain dict,
rendered as a page by the templates and returned as it is by the JSON API."""
from __future__ import annotations

import json
import math
import re
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import groupby

from crosstally.errors import InputError
from crosstally.store.sql import claim_from_row
from crosstally.stories import Slot, Story, outlets_per_figure

KINDS = ("dispute", "inconsistency", "discrepancy")
PER_PAGE = 50

# SQLite and PostgreSQL sort NULL at opposite ends unless told: every ORDER BY on a nullable column says
# NULLS FIRST, as SQLite does by default.

# One claim with its slot, canonical claimant, story, and the outlet and day the story stage used.
CLAIM_SELECT = """
SELECT c.id, c.article_id, c.quote, c.sentence, c.start, c."end", c.value, c.low, c.high, c.qualifier,
       c.measure, c.who, k.name AS claimant, c.via, c.modality, c.in_headline, c.extractor_version,
       sc.slot, sc.claimant AS canonical, sc.revision, sa.story,
       coalesce(sa.outlet, a.outlet) AS outlet, coalesce(sa.date, a.date) AS date, a.title
FROM claims c
JOIN articles a ON a.id = c.article_id
LEFT JOIN claimants k ON k.id = c.claimant_id
LEFT JOIN slot_claims sc ON sc.article_id = c.article_id AND sc.start = c.start
LEFT JOIN story_articles sa ON sa.article_id = c.article_id
"""

ARTICLE_SELECT = """
SELECT a.id, a.title, coalesce(sa.outlet, a.outlet) AS outlet, coalesce(sa.date, a.date) AS date,
       a.url, a.source, a.format, a.credits, sa.story, sa.copy_group, substr(a.text, 1, 400) AS head,
       (SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS claims
FROM articles a
LEFT JOIN story_articles sa ON sa.article_id = a.id
"""


class NotFound(LookupError):
    """A story, slot, conflict, article or claimant that the database does not hold."""

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"no {kind} {key!r} in this database")
        self.kind = kind
        self.key = key


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """Filters of the claims view; None means any."""

    measure: str | None = None
    claimant: str | None = None
    outlet: str | None = None
    story: str | None = None
    date_from: str | None = None  # ISO day, inclusive
    date_to: str | None = None

    def where(self) -> tuple[str, list]:
        return _where([("c.measure", self.measure), ("coalesce(sc.claimant, k.name)", self.claimant),
                       ("coalesce(sa.outlet, a.outlet)", self.outlet), ("sa.story", self.story)],
                      self.date_from, self.date_to)


def _where(equal: list[tuple[str, str | None]], date_from: str | None = None,
           date_to: str | None = None) -> tuple[str, list]:
    """A WHERE clause: each column equal to its value where one is given, and the article's day
    within [date_from, date_to] (a stored date may carry a time after the day)."""
    conds, args = [], []
    for column, value in equal:
        if value is not None:
            conds.append(f"{column} = ?")
            args.append(value)
    if date_from is not None:
        conds.append("coalesce(sa.date, a.date) >= ?")
        args.append(date_from)
    if date_to is not None:
        conds.append("substr(coalesce(sa.date, a.date), 1, 10) <= ?")
        args.append(date_to)
    return (" WHERE " + " AND ".join(conds) if conds else ""), args


def open_db(target: str):
    """The database (a SQLite file or a postgresql:// URL) read-only; a database older than the
    views (schema 3) is an InputError."""
    from crosstally.store import describe, open_read_only

    db = open_read_only(target)
    if "slot_claims" not in db.tables():
        db.close()
        raise InputError(describe(target), "was written by an older crosstally and has no stored slots",
                         hint="run `crosstally run` on it once to upgrade it")
    return db


def _number(x: float | None) -> float | int | None:
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _claim(r) -> dict:
    return {
        "id": r["id"], "article": r["article_id"], "quote": r["quote"], "sentence": r["sentence"],
        "start": r["start"], "end": r["end"], "value": _number(r["value"]), "low": _number(r["low"]),
        "high": _number(r["high"]), "qualifier": r["qualifier"], "measure": r["measure"], "who": r["who"],
        "claimant": r["canonical"] if r["slot"] is not None else r["claimant"], "as_named": r["claimant"],
        "via": r["via"], "modality": r["modality"], "in_headline": bool(r["in_headline"]),
        "slot": r["slot"], "story": r["story"], "revision": bool(r["revision"]),
        "outlet": r["outlet"], "date": r["date"], "title": r["title"],
        "extractor_version": r["extractor_version"],
    }


def _page(db, sql: str, args: list, page: int, per_page: int, row) -> dict:
    total = db.execute(f"SELECT count(*) AS n FROM ({sql}) AS q", args).fetchone()["n"]
    rows = db.execute(f"{sql} LIMIT ? OFFSET ?", [*args, per_page, (page - 1) * per_page]).fetchall()
    return {"items": [row(r) for r in rows], "total": total, "page": page, "per_page": per_page,
            "pages": max(1, math.ceil(total / per_page))}


def _sentence_parts(text: str | None, claim: dict) -> list[dict]:
    """The claim's sentence as [before, the quote, after], the quote located by its offsets in the text."""
    sentence, quote = claim["sentence"], claim["quote"]
    at = -1
    if text is not None:
        begin = text.find(sentence, max(0, claim["start"] - len(sentence)), claim["end"] + len(sentence))
        if begin >= 0 and begin <= claim["start"] and claim["end"] <= begin + len(sentence):
            at = claim["start"] - begin
    if at < 0:
        at = sentence.find(quote)
    if at < 0:
        return [{"text": sentence, "mark": False}]
    return [{"text": sentence[:at], "mark": False}, {"text": quote, "mark": True},
            {"text": sentence[at + len(quote):], "mark": False}]


def totals(db) -> dict:
    counts = {t: db.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"]
              for t in ("articles", "claims", "conflicts")}
    counts["stories"] = db.execute("SELECT count(DISTINCT story) AS n FROM story_articles").fetchone()["n"]
    kinds = Counter({r["kind"]: r["n"] for r in db.execute("SELECT kind, count(*) AS n FROM conflicts GROUP BY kind")})
    counts.update({"disputes": kinds["dispute"], "inconsistencies": kinds["inconsistency"],
                   "discrepancies": kinds["discrepancy"]})
    run = db.execute("SELECT max(finished_at) AS at FROM runs").fetchone()["at"]
    return {**counts, "updated": run}


def _story_summaries(db, ids: list[str] | None = None) -> list[dict]:
    only = f" WHERE story IN ({','.join('?' * len(ids))})" if ids is not None else ""
    conflicts = defaultdict(Counter)
    for r in db.execute(f"SELECT story, kind, count(*) AS n FROM conflicts{only} GROUP BY story, kind", ids or []):
        conflicts[r["story"]][r["kind"]] = r["n"]
    slots = Counter({r["story"]: r["n"]
                     for r in db.execute(f"SELECT story, count(*) AS n FROM slots{only} GROUP BY story", ids or [])})
    # An article a run is storing has no story until the run's story stage commits: left out till then.
    where = f" WHERE sa.story IN ({','.join('?' * len(ids))})" if ids is not None else " WHERE sa.story IS NOT NULL"
    # Read story by story from the cursor: memory holds one story's articles, not the store's.
    rows = db.execute(f"{ARTICLE_SELECT}{where} ORDER BY sa.story, coalesce(sa.date, a.date) NULLS FIRST, a.id",
                      ids or [])
    by_story = ((story, list(arts)) for story, arts in groupby(rows, key=lambda r: r["story"]))
    out = []
    for story, arts in by_story:
        # The story is named by the headline its articles share most, else its first article's.
        titles = Counter(_title(r) for r in arts)
        title = titles.most_common(1)[0][0]
        days = sorted(r["date"][:10] for r in arts if r["date"])
        out.append({
            "id": story, "title": title, "articles": len(arts), "sources": len({r["copy_group"] for r in arts}),
            "outlets": sorted({r["outlet"] for r in arts if r["outlet"]}),
            "first_day": days[0] if days else None, "last_day": days[-1] if days else None,
            "slots": slots[story], "conflicts": {k: conflicts[story][k] for k in KINDS},
        })
    # Stories with disputes first, then the most covered.
    out.sort(key=lambda s: (-sum(s["conflicts"].values()), -s["articles"], _story_order(s["id"])))
    return out


def _story_order(story: str) -> tuple:
    """S2 before S10, and S2.3 (a slot) before S2.10; B1.S9 (block 1) before B2.S1."""
    return (*map(int, re.findall(r"\d+", story)), story)


def stories(db, page: int = 1, per_page: int = PER_PAGE) -> dict:
    everything = _story_summaries(db)
    start = (page - 1) * per_page
    return {"items": everything[start:start + per_page], "total": len(everything), "page": page,
            "per_page": per_page, "pages": max(1, math.ceil(len(everything) / per_page))}


def overview(db) -> dict:
    """The front page: totals, the conflicts first, then the stories."""
    return {"totals": totals(db), "conflicts": conflicts(db, per_page=20),
            "stories": stories(db, per_page=PER_PAGE)}


def _texts(db, ids: set[str]) -> dict[str, str]:
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    return {r["id"]: r["text"] for r in db.execute(f"SELECT id, text FROM articles WHERE id IN ({marks})", list(ids))}


def _claims_at(db, keys: set[tuple[str, int]]) -> dict[tuple[str, int], dict]:
    out = {}
    for article in {a for a, _ in keys}:
        for r in db.execute(f"{CLAIM_SELECT} WHERE c.article_id = ?", (article,)):
            if (r["article_id"], r["start"]) in keys:
                out[(r["article_id"], r["start"])] = _claim(r)
    return out


def _conflicts(db, rows: list) -> list[dict]:
    """Conflicts as stored, each side with its sentence (the words marked), outlet, title and day."""
    bodies = [(r["id"], json.loads(r["body"])) for r in rows]
    keys = {(b[side]["article"], b[side]["start"]) for _, b in bodies for side in ("a", "b")}
    claims = _claims_at(db, keys)
    texts = _texts(db, {a for a, _ in keys})
    out = []
    for cid, body in bodies:
        sides = {}
        for side in ("a", "b"):
            s = body[side]
            claim = claims.get((s["article"], s["start"]))
            sides[side] = {**s, "sentence": claim["sentence"] if claim else s["quote"],
                           "parts": _sentence_parts(texts.get(s["article"]), claim) if claim else
                           [{"text": s["quote"], "mark": True}],
                           "outlet": claim["outlet"] if claim else None, "date": claim["date"] if claim else None,
                           "title": claim["title"] if claim else None,
                           "qualifier": claim["qualifier"] if claim else None}
        out.append({"id": cid, "kind": body["kind"], "story": body["story"], "slot": body["slot_id"],
                    "slot_label": body["slot"], "measure": body["measure"], "why": body["why"],
                    "pairs": body["pairs"], "a": sides["a"], "b": sides["b"]})
    return out


def conflicts(db, kind: str | None = None, story: str | None = None,
              measure: str | None = None, page: int = 1, per_page: int = PER_PAGE) -> dict:
    """Disputes first, then inconsistencies, then discrepancies."""
    where, args = _where([("kind", kind), ("story", story), ("measure", measure)])
    sql = (f"SELECT id, body FROM conflicts{where} ORDER BY CASE kind WHEN 'dispute' THEN 0 "
           "WHEN 'inconsistency' THEN 1 ELSE 2 END, id")
    result = _page(db, sql, args, page, per_page, lambda r: r)
    result["items"] = _conflicts(db, result["items"])
    return result


def conflict(db, conflict_id: int) -> dict:
    rows = db.execute("SELECT id, body FROM conflicts WHERE id = ?", (conflict_id,)).fetchall()
    if not rows:
        raise NotFound("conflict", str(conflict_id))
    return _conflicts(db, rows)[0]


def _story_model(db, story_id: str) -> Story:
    groups: dict[int, list[str]] = defaultdict(list)
    for r in db.execute("SELECT article_id, copy_group FROM story_articles WHERE story = ? ORDER BY article_id",
                        (story_id,)):
        groups[r["copy_group"]].append(r["article_id"])
    return Story(story_id, [a for g in groups.values() for a in g], list(groups.values()))


def _slot_view(db, row, story: Story, with_claims: bool = True) -> dict:
    """A slot: each claimant's figures with the outlets behind them, its conflicts, and (unless
    with_claims is false, as in report.html, which does not list them) every claim in it."""
    claims, model = [], []
    claimant_of, outlet_of = {}, {}
    for r in db.execute(f"{CLAIM_SELECT} WHERE sc.slot = ? "
                        "ORDER BY coalesce(sa.date, a.date) NULLS FIRST, c.article_id, c.start", (row["id"],)):
        model.append(claim_from_row(r))
        claimant_of[(r["article_id"], r["start"])] = r["canonical"]
        outlet_of[r["article_id"]] = r["outlet"]
        if with_claims:
            claims.append(_claim(r))
    slot = Slot(row["id"], row["story"], row["measure"], row["grp"], None, model)
    figures = []
    for f in outlets_per_figure(story, slot, claimant_of):
        figures.append({**f, "value": _number(f["value"]), "low": _number(f["low"]), "high": _number(f["high"]),
                        "outlet_names": sorted({outlet_of[a] for a in f["articles"] if outlet_of.get(a)})})
    view = {"id": row["id"], "story": row["story"], "label": row["label"], "measure": row["measure"],
            "group": row["grp"], "as_of": row["as_of"], "figures": figures, "claims": claims,
            "conflicts": _conflicts(db, db.execute("SELECT id, body FROM conflicts WHERE slot_id = ? ORDER BY id",
                                                   (row["id"],)).fetchall())}
    if not with_claims:
        del view["claims"]
    return view


def slot(db, slot_id: str) -> dict:
    row = db.execute("SELECT * FROM slots WHERE id = ?", (slot_id,)).fetchone()
    if row is None:
        raise NotFound("slot", slot_id)
    return _slot_view(db, row, _story_model(db, row["story"]))


def _timelines(db, where: str, args: tuple) -> list[dict]:
    return [{**json.loads(r["body"]), "story": r["story"]}
            for r in db.execute(f"SELECT story, body FROM timelines WHERE {where} ORDER BY rowid", args)]


def _slot_rows(db, story_id: str) -> list:
    rows = db.execute("SELECT * FROM slots WHERE story = ?", (story_id,)).fetchall()
    rows.sort(key=lambda r: _story_order(r["id"]))
    return rows


def story(db, story_id: str) -> dict:
    """A story: its conflicts first, then each slot with every claimant's figure, timelines, articles."""
    summary = _story_summaries(db, [story_id])
    if not summary:
        raise NotFound("story", story_id)
    model = _story_model(db, story_id)
    aliases: dict[str, list[dict]] = defaultdict(list)
    for r in db.execute("SELECT canonical, alias, evidence FROM claimant_aliases WHERE story = ? "
                        "ORDER BY canonical, alias", (story_id,)):
        aliases[r["canonical"]].append({"alias": r["alias"], "evidence": r["evidence"]})
    articles = db.execute(f"{ARTICLE_SELECT} WHERE sa.story = ? ORDER BY coalesce(sa.date, a.date) NULLS FIRST, a.id",
                          (story_id,)).fetchall()
    return {
        **summary[0],
        "conflicts": conflicts(db, story=story_id, per_page=10_000)["items"],
        "slots": [_slot_view(db, r, model) for r in _slot_rows(db, story_id)],
        "timelines": _timelines(db, "story = ?", (story_id,)),
        "claimants": [{"claimant": k, "aliases": v} for k, v in aliases.items()],
        "articles": [_article_summary(r) for r in articles],
    }


def quantities(slots: list[dict]) -> list[dict]:
    """The story's table of contents from its slot views: each slot's label, figures and conflicts counted."""
    return [{"id": s["id"], "label": s["label"], "figures": len(s["figures"]), "conflicts": len(s["conflicts"])}
            for s in slots]


def _quantities(db, story_id: str, slot_rows: list) -> list[dict]:
    """quantities() counted by the database, without reading the slots' claims. A figure is what
    outlets_per_figure keys it by: the claimant, qualifier, value and low end of a claim in the slot."""
    figures = Counter({r["slot"]: r["n"] for r in db.execute(
        "SELECT slot, count(*) AS n FROM (SELECT DISTINCT sc.slot, sc.claimant, c.qualifier, c.value, c.low "
        "FROM slots s JOIN slot_claims sc ON sc.slot = s.id "
        "JOIN claims c ON c.article_id = sc.article_id AND c.start = sc.start WHERE s.story = ?) AS f "
        "GROUP BY slot", (story_id,))})
    conflicts = Counter({r["slot_id"]: r["n"] for r in db.execute(
        "SELECT slot_id, count(*) AS n FROM conflicts WHERE story = ? GROUP BY slot_id", (story_id,))})
    return [{"id": r["id"], "label": r["label"], "figures": figures[r["id"]], "conflicts": conflicts[r["id"]]}
            for r in slot_rows]


def story_outline(db, summary: dict) -> dict:
    """A story as report.html shows it, in flat memory however many articles it has: its summary
    (from stories()), its quantities counted by the database, its timelines, and its slots as an
    iterator, each slot's claims read only when the page reaches it."""
    model = _story_model(db, summary["id"])
    slot_rows = _slot_rows(db, summary["id"])
    return {**summary, "quantities": _quantities(db, summary["id"], slot_rows),
            "slots": (_slot_view(db, r, model, with_claims=False) for r in slot_rows),
            "timelines": _timelines(db, "story = ?", (summary["id"],))}


def _title(r) -> str:
    """The article's title, else its first line (a headline in most plain-text articles), else its id."""
    if r["title"]:
        return r["title"]
    first = next((line.strip() for line in (r["head"] or "").splitlines() if line.strip()), "")
    return (first[:120] + "…" if len(first) > 120 else first) or r["id"]


def _article_summary(r) -> dict:
    return {"id": r["id"], "title": _title(r), "outlet": r["outlet"], "date": r["date"], "url": r["url"],
            "story": r["story"], "claims": r["claims"]}


def article_segments(text: str, claims: list[dict]) -> list[dict]:
    """The text cut at its claims: plain runs and marked figures, in order; an overlapping claim is
    left unmarked rather than cutting another in two."""
    out, at = [], 0
    for c in sorted(claims, key=lambda c: (c["start"], -c["end"])):
        if c["start"] < at or c["end"] > len(text):
            continue
        if c["start"] > at:
            out.append({"text": text[at:c["start"]], "claim": None})
        out.append({"text": text[c["start"]:c["end"]], "claim": c})
        at = c["end"]
    if at < len(text):
        out.append({"text": text[at:], "claim": None})
    return out


def article(db, article_id: str) -> dict:
    """An article's text with every figure marked in place, and its claims."""
    row = db.execute(f"{ARTICLE_SELECT} WHERE a.id = ?", (article_id,)).fetchone()
    if row is None:
        raise NotFound("article", article_id)
    text = db.execute("SELECT text FROM articles WHERE id = ?", (article_id,)).fetchone()["text"]
    claims = [_claim(r) for r in db.execute(f"{CLAIM_SELECT} WHERE c.article_id = ? ORDER BY c.start", (article_id,))]
    return {**_article_summary(row), "source": row["source"], "format": row["format"],
            "credits": json.loads(row["credits"] or "[]"), "text": text, "claims_list": claims,
            "segments": article_segments(text, claims), **_copies(db, article_id)}


def _copies(db, article_id: str) -> dict:
    """The near-duplicates linked to an article, and the exact duplicates stored as it."""
    try:
        near = [{"id": r["id"], "title": r["title"] or r["id"], "outlet": r["outlet"], "date": r["date"],
                 "overlap": r["overlap"]} for r in db.execute(
            "SELECT a.id, a.title, a.outlet, a.date, n.overlap FROM near_duplicates n JOIN articles a "
            "ON a.id = n.other_id WHERE n.article_id = ? ORDER BY n.overlap DESC, a.id", (article_id,))]
        same = [dict(r) for r in db.execute(
            "SELECT id, source, url, outlet, date FROM duplicates WHERE same_as = ? ORDER BY id", (article_id,))]
    except sqlite3.OperationalError:  # a SQLite database from before schema 4: nothing linked yet
        near, same = [], []
    return {"near_duplicates": near, "duplicates": same}


def article_ids(db) -> list[str]:
    """Every article's id, in the order of the articles list."""
    return [r["id"] for r in db.execute("SELECT a.id FROM articles a LEFT JOIN story_articles sa "
                                        "ON sa.article_id = a.id ORDER BY coalesce(sa.date, a.date) NULLS FIRST, a.id")]


def articles(db, outlet: str | None = None, story: str | None = None,
             date_from: str | None = None, date_to: str | None = None, page: int = 1,
             per_page: int = PER_PAGE) -> dict:
    where, args = _where([("coalesce(sa.outlet, a.outlet)", outlet), ("sa.story", story)], date_from, date_to)
    return _page(db, f"{ARTICLE_SELECT}{where} ORDER BY coalesce(sa.date, a.date) NULLS FIRST, a.id", args, page, per_page,
                 _article_summary)


def claims(db, where: ClaimFilter = ClaimFilter(), page: int = 1, per_page: int = PER_PAGE) -> dict:
    clause, args = where.where()
    return _page(db, f"{CLAIM_SELECT}{clause} ORDER BY coalesce(sa.date, a.date) NULLS FIRST, c.article_id, c.start",
                 args, page, per_page, _claim)


def claimant(db, name: str) -> dict:
    """Everything one claimant is reported to have said, by day, and their timelines."""
    rows = db.execute(f"{CLAIM_SELECT} WHERE coalesce(sc.claimant, k.name) = ? "
                      "ORDER BY coalesce(sa.date, a.date) NULLS FIRST, c.article_id, c.start", (name,)).fetchall()
    if not rows:
        raise NotFound("claimant", name)
    items = [_claim(r) for r in rows]
    aliases = sorted({r["alias"] for r in db.execute("SELECT alias FROM claimant_aliases WHERE canonical = ?", (name,))}
                     - {name})
    return {"name": name, "aliases": aliases, "stories": sorted({c["story"] for c in items if c["story"]},
                                                                key=_story_order),
            "measures": dict(Counter(c["measure"] for c in items)), "claims": items,
            "outlets": sorted({c["outlet"] for c in items if c["outlet"]}),
            "timelines": _timelines(db, "claimant = ?", (name,)),
            "conflicts": _conflicts(db, db.execute(
                f"SELECT id, body FROM conflicts WHERE {_json_text(db, 'body', 'a', 'claimant')} = ? "
                f"OR {_json_text(db, 'body', 'b', 'claimant')} = ? ORDER BY id", (name, name)).fetchall())}


def _json_text(db, column: str, *path: str) -> str:
    """SQL for the text at `path` in the JSON held by `column`."""
    if db.dialect == "postgresql":
        return f"({column}::jsonb #>> '{{{','.join(path)}}}')"
    return f"json_extract({column}, '$.{'.'.join(path)}')"


def search_terms(q: str) -> list[tuple[str, bool]]:
    """The user's words, each with whether it ends in * (a prefix). Control characters (a NUL ends
    the query string inside SQLite) are never part of a word."""
    q = "".join(ch if unicodedata.category(ch) not in ("Cc", "Cs") else " " for ch in q)
    terms = []
    for word in q.split():
        prefix = word.endswith("*") and len(word) > 1
        word = word.rstrip("*")
        if word:
            terms.append((word, prefix))
    return terms


def fts_query(q: str) -> str:
    """User words as an FTS5 query that cannot be a syntax error: each word a quoted term, all required;
    a trailing * keeps its prefix meaning."""
    return " ".join('"' + word.replace('"', '""') + '"' + ("*" if prefix else "") for word, prefix in search_terms(q))


def ts_query(q: str) -> str:
    """User words as a PostgreSQL tsquery that cannot be a syntax error, meaning what fts_query does."""
    return " & ".join("'" + word.replace("\\", "\\\\").replace("'", "''") + "'" + (":*" if prefix else "")
                      for word, prefix in search_terms(q))


# What PostgreSQL searches: the same expressions its GIN indexes hold (crosstally/store/postgres.sql).
ARTICLE_TSVECTOR = "to_tsvector('simple', coalesce(a.title, '') || ' ' || a.text)"
CLAIM_TSVECTOR = "to_tsvector('simple', c.quote || ' ' || c.sentence || ' ' || c.who)"
HEADLINE = "StartSel=\x02, StopSel=\x03, MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=…"


def search(db, q: str, page: int = 1, per_page: int = PER_PAGE) -> dict:
    """Full-text search over articles (title and text) and claims (quote, sentence, counted group)."""
    if not search_terms(q):
        return {"q": q, "articles": _empty(per_page), "claims": _empty(per_page)}
    columns = ("a.id, a.title, coalesce(sa.outlet, a.outlet) AS outlet, coalesce(sa.date, a.date) AS date, "
               "a.url, sa.story, substr(a.text, 1, 400) AS head, "
               "(SELECT count(*) FROM claims c WHERE c.article_id = a.id) AS claims")
    # Hits are marked with control characters that no article keeps, so the page can mark them after escaping.
    if db.dialect == "postgresql":
        match = ts_query(q)
        art_sql = (f"SELECT {columns}, ts_headline('simple', a.text, to_tsquery('simple', ?), ?) AS snippet "
                   f"FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id "
                   f"WHERE {ARTICLE_TSVECTOR} @@ to_tsquery('simple', ?) "
                   f"ORDER BY ts_rank({ARTICLE_TSVECTOR}, to_tsquery('simple', ?)) DESC, a.id")
        art_args = [match, HEADLINE, match, match]
        claim_sql = (f"{CLAIM_SELECT} WHERE {CLAIM_TSVECTOR} @@ to_tsquery('simple', ?) "
                     f"ORDER BY ts_rank({CLAIM_TSVECTOR}, to_tsquery('simple', ?)) DESC, c.id")
        claim_args = [match, match]
    else:
        match = fts_query(q)
        art_sql = (f"SELECT {columns}, snippet(articles_fts, 1, char(2), char(3), '…', 16) AS snippet "
                   "FROM articles_fts JOIN articles a ON a.rowid = articles_fts.rowid "
                   "LEFT JOIN story_articles sa ON sa.article_id = a.id "
                   "WHERE articles_fts MATCH ? ORDER BY articles_fts.rank")
        art_args = [match]
        claim_sql = (f"{CLAIM_SELECT} JOIN claims_fts ON claims_fts.rowid = c.id WHERE claims_fts MATCH ? "
                     "ORDER BY claims_fts.rank")
        claim_args = [match]
    found_articles = _page(db, art_sql, art_args, page, per_page,
                           lambda r: {**_article_summary(r), "snippet": _snippet(r["snippet"])})
    return {"q": q, "articles": found_articles, "claims": _page(db, claim_sql, claim_args, page, per_page, _claim)}


def _empty(per_page: int) -> dict:
    return {"items": [], "total": 0, "page": 1, "per_page": per_page, "pages": 1}


def _snippet(marked: str) -> list[dict]:
    parts, mark = [], False
    for i, piece in enumerate(marked.replace("\x03", "\x02").split("\x02")):
        mark = i % 2 == 1
        if piece:
            parts.append({"text": piece, "mark": mark})
    return parts


def facets(db) -> dict:
    """The values the filters offer: measures, claimants, outlets and stories present in the database."""
    def column(sql: str) -> list[str]:
        return [r["v"] for r in db.execute(sql) if r["v"] is not None]

    return {
        "measures": column("SELECT DISTINCT measure AS v FROM claims ORDER BY measure"),
        "claimants": column("SELECT claimant AS v FROM slot_claims WHERE claimant IS NOT NULL GROUP BY claimant "
                            "ORDER BY count(*) DESC, claimant LIMIT 500"),
        "outlets": column("SELECT DISTINCT coalesce(sa.outlet, a.outlet) AS v FROM articles a "
                          "LEFT JOIN story_articles sa ON sa.article_id = a.id ORDER BY 1"),
        "stories": sorted(column("SELECT DISTINCT story AS v FROM story_articles"), key=_story_order),
    }
