"""What SQLite and PostgreSQL stores share: the schema's migrations, one transaction per article, rows
read by column name. The SQL here is the subset both speak (`?` placeholders, which the PostgreSQL
connection rewrites; INSERT ... ON CONFLICT; RETURNING); each store says how it connects."""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from importlib import resources

from crosstally.errors import InputError
from crosstally.ingest.dedup import Fingerprint
from crosstally.model import Article, Claim, Reject, Validators

# The schema version this crosstally reads and writes; both stores migrate up to it.
SCHEMA_VERSION = 5
CORE_TABLES = {"migrations", "articles", "claims"}


def script(name: str) -> str:
    return resources.files("crosstally.store").joinpath(name).read_text("utf-8")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _day(day) -> str | None:
    """A slot's as-of day as stored: ISO, 'earlier' for a superseded figure, or NULL."""
    if day is None:
        return None
    return "earlier" if day == date.min else day.isoformat()


def claim_from_row(r) -> Claim:
    """A claim from a row of `claims` joined with its claimant's name as `claimant`."""
    return Claim.from_dict({
        "article": r["article_id"], "quote": r["quote"], "sentence": r["sentence"],
        "start": r["start"], "end": r["end"], "value": r["value"], "low": r["low"], "high": r["high"],
        "qualifier": r["qualifier"], "measure": r["measure"], "who": r["who"],
        "claimant": r["claimant"], "via": r["via"], "modality": r["modality"],
        "in_headline": bool(r["in_headline"]),
    })


def _article(r) -> Article:
    return Article(id=r["id"], text=r["text"], source=r["source"], title=r["title"], outlet=r["outlet"],
                   date=r["date"], url=r["url"], credits=tuple(json.loads(r["credits"] or "[]")), format=r["format"])


def check_crosstally(db, target: str) -> None:
    """Raise an InputError unless `db` (a connection) holds a crosstally database this version reads."""
    if not CORE_TABLES <= db.tables():
        raise InputError(target, "is not a crosstally database (it has no articles and claims tables)")
    version = db.execute("SELECT max(version) AS v FROM migrations").fetchone()["v"] or 0
    if version > SCHEMA_VERSION:
        raise InputError(target, f"was written by a newer crosstally (schema {version}, this one reads up to "
                                 f"{SCHEMA_VERSION})", hint="upgrade crosstally")


class SQLStore:
    """A crosstally database behind a connection with `execute`, `executemany`, `tables`, `script`
    and `close`; subclasses say how to connect and which migrations bring a database up to date."""

    migrations: list[tuple[int, str, str]]  # (version, name, SQL): each runs once, in order
    begin = "BEGIN"  # how a writing transaction starts

    def __init__(self, target: str, read_only: bool = False) -> None:
        self.target = target
        self._claimant_ids: dict[str, int] = {}
        self._pending_ids: dict[str, int] = {}
        self._batched = False
        self.db = self.connect(read_only)
        try:
            if read_only:
                check_crosstally(self.db, target)
            else:
                self.migrate()
        except BaseException:
            self.db.close()
            raise

    def connect(self, read_only: bool):
        raise NotImplementedError

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction, rolled back on any exception (Ctrl-C too: never leave one open). Inside
        `batch()`, it is part of the batch's transaction."""
        if self._batched:
            yield
            return
        self.db.execute(self.begin)
        try:
            yield
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    @contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for everything stored inside, each article as whole as on its own: a run
        stores a few hundred extracted articles at once (`runner.in_transactions`), a commit per
        batch rather than per article. A crash loses the batch, which the next run reads again."""
        try:
            with self.transaction():
                self._batched = True
                try:
                    yield
                finally:
                    self._batched = False
        except BaseException:
            self._claimant_ids.clear()  # ids learnt inside the batch may have been rolled back
            raise

    def migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations (version INTEGER PRIMARY KEY, "
                        "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        done = {r["version"] for r in self.db.execute("SELECT version FROM migrations")}
        for version, name, sql in self.migrations:
            if version in done:
                continue
            with self.transaction():
                self._lock_migrations()
                if self.db.execute("SELECT 1 FROM migrations WHERE version = ?", (version,)).fetchone():
                    continue  # applied, perhaps by another process while this one waited
                self.db.script(sql)
                self.db.execute("INSERT INTO migrations VALUES (?, ?, ?)", (version, name, _now()))

    def _lock_migrations(self) -> None:
        """Keep two processes from migrating at once (SQLite's writing transaction already does)."""

    def schema_version(self) -> int:
        return self.db.execute("SELECT max(version) AS v FROM migrations").fetchone()["v"]

    def start_run(self, inputs: list[str], version: str) -> int:
        row = self.db.execute("INSERT INTO runs (started_at, version, inputs) VALUES (?, ?, ?) RETURNING id",
                              (_now(), version, json.dumps(inputs))).fetchone()
        return int(row["id"])

    def finish_run(self, run_id: int, articles: int, added: int, claims: int, rejects: int) -> None:
        self.db.execute("UPDATE runs SET finished_at = ?, articles = ?, added = ?, claims = ?, rejects = ? "
                        "WHERE id = ?", (_now(), articles, added, claims, rejects, run_id))

    def article_hash(self, article_id: str) -> str | None:
        row = self.db.execute("SELECT hash FROM articles WHERE id = ?", (article_id,)).fetchone()
        return row["hash"] if row else None

    def _claimant_id(self, name: str | None) -> int | None:
        if name is None:
            return None
        # Claimants are never deleted, so an id read in a committed transaction holds; ids read in
        # the open one are kept aside until it commits.
        known = self._claimant_ids.get(name) or self._pending_ids.get(name)
        if known is None:
            self.db.execute("INSERT INTO claimants (name) VALUES (?) ON CONFLICT DO NOTHING", (name,))
            known = self.db.execute("SELECT id FROM claimants WHERE name = ?", (name,)).fetchone()["id"]
            self._pending_ids[name] = known
        return known

    def save_article(self, article: Article, claims: list[Claim], run_id: int, version: str,
                     fetch: Validators | None = None, fingerprint: Fingerprint | None = None,
                     near: list[tuple[str, float]] = ()) -> None:
        """Store an article and its claims in one transaction, replacing an older version of it,
        with the validators of the fetch it came from, its MinHash fingerprint and its links to
        near-duplicates."""
        self._pending_ids.clear()
        try:
            with self.transaction():
                self._save_article(article, claims, run_id, version, fetch, fingerprint, near)
            self._claimant_ids.update(self._pending_ids)
        finally:
            self._pending_ids.clear()

    def _save_article(self, article: Article, claims: list[Claim], run_id: int, version: str,
                      fetch: Validators | None, fingerprint: Fingerprint | None,
                      near: list[tuple[str, float]]) -> None:
        self.db.execute("DELETE FROM articles WHERE id = ?", (article.id,))
        self.db.execute("DELETE FROM duplicates WHERE id = ?", (article.id,))
        self.db.execute(
            "INSERT INTO articles (id, hash, source, title, outlet, date, url, credits, format, text, "
            "run_id, ingested_at, extractor_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article.id, article.hash, article.source, article.title, article.outlet, article.date,
             article.url, json.dumps(list(article.credits)), article.format, article.text, run_id, _now(),
             version))
        self._insert_claims(claims, version)
        if fingerprint is not None:
            self._save_fingerprint(article.id, fingerprint)
        self.db.executemany("INSERT INTO near_duplicates VALUES (?, ?, ?) ON CONFLICT (article_id, other_id) "
                            "DO UPDATE SET overlap = excluded.overlap",
                            [row for other, share in near if other != article.id
                             for row in ((article.id, other, share), (other, article.id, share))])
        if fetch is not None:
            self.remember_fetch(fetch, article.id)

    def _insert_claims(self, claims: list[Claim], version: str) -> None:
        for c in claims:
            self.db.execute(
                'INSERT INTO claims (article_id, quote, sentence, start, "end", value, low, high, qualifier, '
                "measure, who, claimant_id, via, modality, in_headline, extractor_version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (c.article, c.quote, c.sentence, c.start, c.end, c.value, c.low, c.high, c.qualifier.value,
                 c.measure.value, c.who, self._claimant_id(c.claimant), c.via, c.modality.value,
                 int(c.in_headline), version))

    def replace_claims(self, article_id: str, claims: list[Claim], version: str) -> None:
        """Replace a stored article's claims with these, made by extractor `version`, in one
        transaction; the article, its fingerprint and its links stay as they are."""
        self._pending_ids.clear()
        try:
            with self.transaction():
                self.db.execute("DELETE FROM claims WHERE article_id = ?", (article_id,))
                self._insert_claims(claims, version)
                self.db.execute("UPDATE articles SET extractor_version = ? WHERE id = ?", (version, article_id))
            self._claimant_ids.update(self._pending_ids)
        finally:
            self._pending_ids.clear()

    def read_by(self, version: str | None = None) -> list[str]:
        """Ids of the stored articles, in order: all of them, or those an extractor other than
        `version` read (or one no record names)."""
        if version is None:
            return [r["id"] for r in self.db.execute("SELECT id FROM articles ORDER BY id")]
        return [r["id"] for r in self.db.execute(
            "SELECT id FROM articles WHERE extractor_version IS NULL OR extractor_version != ? ORDER BY id",
            (version,))]

    def remember_fetch(self, fetch: Validators, article_id: str) -> None:
        """Record the validators of the page that became `article_id` (an article or a duplicate)."""
        self.db.execute("INSERT INTO fetches VALUES (?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
                        "article_id = excluded.article_id, etag = excluded.etag, "
                        "last_modified = excluded.last_modified, fetched_at = excluded.fetched_at",
                        (fetch.url, article_id, fetch.etag, fetch.last_modified, _now()))

    def validators(self, url: str) -> Validators | None:
        """The validators of the last fetch of `url`, while what it became is still stored."""
        row = self.db.execute(
            "SELECT f.* FROM fetches f WHERE f.url = ? AND (EXISTS (SELECT 1 FROM articles a WHERE a.id = f.article_id) "
            "OR EXISTS (SELECT 1 FROM duplicates d WHERE d.id = f.article_id))", (url,)).fetchone()
        if row is None or not (row["etag"] or row["last_modified"]):
            return None
        return Validators(url, row["etag"], row["last_modified"])

    def same_text(self, article: Article) -> str | None:
        """The stored article, other than this one, whose text is exactly this article's."""
        row = self.db.execute("SELECT id FROM articles WHERE hash = ? AND id != ? ORDER BY id LIMIT 1",
                              (article.hash, article.id)).fetchone()
        return row["id"] if row else None

    def save_duplicate(self, article: Article, same_as: str, fetch: Validators | None = None) -> None:
        """Record that `article` has exactly the text of the stored article `same_as`."""
        with self.transaction():
            self.db.execute("DELETE FROM articles WHERE id = ?", (article.id,))
            self.db.execute("DELETE FROM duplicates WHERE id = ?", (article.id,))
            self.db.execute("INSERT INTO duplicates VALUES (?, ?, ?, ?, ?, ?, ?)",
                            (article.id, same_as, article.source, article.url, article.outlet, article.date, _now()))
            if fetch is not None:
                self.remember_fetch(fetch, article.id)

    def band_candidates(self, fp: Fingerprint, article_id: str, limit: int) -> list[tuple[str, Fingerprint]]:
        """Up to `limit` stored articles sharing MinHash band keys with `fp`, those sharing most first.
        At most ten matches per band are read: enough to find the closest copies of a story that a
        thousand outlets carried, without reading all thousand."""
        bands = fp.bands
        rows = self.db.execute(
            f"SELECT m.article_id, m.grams, m.signature FROM minhash m JOIN "
            f"(SELECT article_id, count(*) AS shared FROM "
            f" (SELECT article_id FROM minhash_bands WHERE band_key IN ({','.join('?' * len(bands))}) LIMIT ?) b "
            f" WHERE article_id != ? GROUP BY article_id ORDER BY shared DESC, article_id LIMIT ?) c "
            f"USING (article_id) ORDER BY c.shared DESC, m.article_id", (*bands, 10 * len(bands), article_id, limit))
        return [(r["article_id"], Fingerprint.from_bytes(r["signature"], r["grams"])) for r in rows]

    def unfingerprinted(self) -> Iterator[tuple[str, str]]:
        """Articles stored before fingerprints were (schema 3 and older): (id, text)."""
        rows = self.db.execute("SELECT id, text FROM articles a WHERE NOT EXISTS "
                               "(SELECT 1 FROM minhash m WHERE m.article_id = a.id)").fetchall()
        yield from ((r["id"], r["text"]) for r in rows)

    def _save_fingerprint(self, article_id: str, fp: Fingerprint) -> None:
        self.db.execute("DELETE FROM minhash WHERE article_id = ?", (article_id,))
        self.db.execute("INSERT INTO minhash VALUES (?, ?, ?)", (article_id, fp.grams, fp.to_bytes()))
        self.db.execute("DELETE FROM minhash_bands WHERE article_id = ?", (article_id,))
        self.db.executemany("INSERT INTO minhash_bands VALUES (?, ?)", [(k, article_id) for k in fp.bands])

    def save_fingerprint(self, article_id: str, fp: Fingerprint) -> None:
        with self.transaction():
            self._save_fingerprint(article_id, fp)

    def near_duplicate_pairs(self, ids: Iterable[str] | None = None) -> list[tuple[str, str]]:
        """Linked near-duplicates, each pair once; with `ids`, the pairs within those articles."""
        if ids is None:
            return [(r["article_id"], r["other_id"]) for r in
                    self.db.execute("SELECT article_id, other_id FROM near_duplicates WHERE article_id < other_id")]
        wanted = set(ids)
        return [(r["article_id"], r["other_id"]) for r in self._in(
            "SELECT article_id, other_id FROM near_duplicates WHERE article_id < other_id AND article_id IN ({})",
            sorted(wanted)) if r["other_id"] in wanted]

    def _in(self, sql: str, ids: list[str], size: int = 500) -> Iterator:
        """Rows of `sql`, whose IN ({}) takes the ids a few hundred at a time."""
        for k in range(0, len(ids), size):
            part = ids[k:k + size]
            yield from self.db.execute(sql.format(", ".join("?" * len(part))), part)

    def article_days(self) -> Iterator[tuple[str, str | None, str | None]]:
        """(id, date, outlet) of every stored article, without its text."""
        for r in self.db.execute("SELECT id, date, outlet FROM articles ORDER BY id"):
            yield r["id"], r["date"], r["outlet"]

    def articles_in(self, ids: list[str]) -> Iterator[Article]:
        for r in self._in("SELECT * FROM articles WHERE id IN ({}) ORDER BY id", ids):
            yield _article(r)

    def claims_in(self, ids: list[str]) -> Iterator[Claim]:
        yield from map(claim_from_row, self._in(
            "SELECT c.*, k.name AS claimant FROM claims c LEFT JOIN claimants k ON k.id = c.claimant_id "
            "WHERE c.article_id IN ({}) ORDER BY c.article_id, c.start", ids))

    def save_reject(self, run_id: int, reject: Reject) -> None:
        self.db.execute("INSERT INTO rejects (run_id, source, reason, at) VALUES (?, ?, ?, ?)",
                        (run_id, reject.source, reject.reason, _now()))

    def claims(self) -> Iterator[Claim]:
        rows = self.db.execute(
            'SELECT c.*, k.name AS claimant FROM claims c LEFT JOIN claimants k ON k.id = c.claimant_id '
            'ORDER BY c.article_id, c.start')
        for r in rows:
            yield claim_from_row(r)

    def articles(self) -> Iterator[Article]:
        for r in self.db.execute("SELECT * FROM articles ORDER BY id"):
            yield _article(r)

    def article(self, article_id: str) -> Article | None:
        row = self.db.execute("SELECT * FROM articles WHERE id = ?", (article_id,)).fetchone()
        return _article(row) if row else None

    def save_analysis(self, analysis) -> None:
        """Replace the story stage's tables with this analysis, in one transaction."""
        with self.transaction():
            self.clear_analysis()
            self.add_analysis(analysis)

    def add_analysis(self, analysis) -> None:
        """Store the analysis of one block, inside the caller's transaction."""
        for story in analysis.stories:
            for group, members in enumerate(story.copies):
                self.db.executemany("INSERT INTO story_articles VALUES (?, ?, ?, ?, ?)",
                                    [(story.id, a, group, *analysis.sources.get(a, (None, None)))
                                     for a in members])
            self.db.executemany("INSERT INTO claimant_aliases VALUES (?, ?, ?, ?)",
                                [(story.id, canonical, alias, why)
                                 for canonical, aliases in story.claimants.items()
                                 for alias, why in aliases.items()])
            self.db.executemany("INSERT INTO slots VALUES (?, ?, ?, ?, ?, ?)",
                                [(s.id, story.id, s.measure, s.group, _day(s.as_of), s.label)
                                 for s in story.slots])
            self.db.executemany("INSERT INTO slot_claims VALUES (?, ?, ?, ?, ?)",
                                [(c.article, c.start, s.id, analysis.claimant_of.get((c.article, c.start)),
                                  int((c.article, c.start) in analysis.revisions))
                                 for s in story.slots for c in s.claims])
            self.db.executemany("INSERT INTO timelines (story, claimant, body) VALUES (?, ?, ?)",
                                [(story.id, t["claimant"], json.dumps(t, ensure_ascii=False))
                                 for t in story.timelines])
        self.db.executemany("INSERT INTO conflicts (kind, story, slot, slot_id, measure, body) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            [(c["kind"], c["story"], c["slot"], c["slot_id"], c["measure"],
                              json.dumps(c, ensure_ascii=False))
                             for c in analysis.conflicts])

    ANALYSIS_TABLES = ("claimant_aliases", "story_articles", "conflicts", "slots", "slot_claims", "timelines")

    def clear_analysis(self) -> None:
        """Empty the story stage's tables; conflict ids start again from 1."""
        for table in self.ANALYSIS_TABLES:
            self.db.execute(f"DELETE FROM {table}")

    def counts(self) -> dict[str, int]:
        return {t: self.db.execute(f"SELECT count(*) AS n FROM {t}").fetchone()["n"]
                for t in ("articles", "claims", "claimants", "runs", "rejects", "conflicts", "duplicates",
                          "near_duplicates")}

    def close(self) -> None:
        self.db.close()
