-- crosstally store, schema version 1. One row per article as ingested, its claims, the claimants
-- they name, the runs that wrote them and the inputs those runs rejected.

CREATE TABLE IF NOT EXISTS articles (
    id          TEXT PRIMARY KEY,          -- file name without extension
    hash        TEXT NOT NULL,             -- sha256 of `text`
    source      TEXT NOT NULL,             -- path or URL it was read from
    title       TEXT,
    outlet      TEXT,
    date        TEXT,                      -- ISO date where known
    url         TEXT,
    credits     TEXT NOT NULL DEFAULT '[]',-- JSON list: wire credits (AP, AFP, Reuters)
    format      TEXT NOT NULL,             -- text | html
    text        TEXT NOT NULL,             -- exactly as ingested: every offset points here
    run_id      INTEGER REFERENCES runs(id),
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_hash ON articles(hash);

CREATE TABLE IF NOT EXISTS claimants (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE IF NOT EXISTS claims (
    id                INTEGER PRIMARY KEY,
    article_id        TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    quote             TEXT NOT NULL,
    sentence          TEXT NOT NULL,
    start             INTEGER NOT NULL,
    "end"             INTEGER NOT NULL,
    value             REAL NOT NULL,
    low               REAL,
    high              REAL,
    qualifier         TEXT NOT NULL,
    measure           TEXT NOT NULL,
    who               TEXT NOT NULL,
    claimant_id       INTEGER REFERENCES claimants(id),
    via               TEXT,
    modality          TEXT NOT NULL,
    in_headline       INTEGER NOT NULL,
    extractor_version TEXT NOT NULL,
    UNIQUE (article_id, start, "end")
);
CREATE INDEX IF NOT EXISTS claims_measure ON claims(measure);
CREATE INDEX IF NOT EXISTS claims_claimant ON claims(claimant_id);

CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    version     TEXT NOT NULL,
    inputs      TEXT NOT NULL,             -- JSON list of the paths given
    articles    INTEGER NOT NULL DEFAULT 0,-- articles read
    added       INTEGER NOT NULL DEFAULT 0,-- new or changed articles stored
    claims      INTEGER NOT NULL DEFAULT 0,
    rejects     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS rejects (
    id     INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    at     TEXT NOT NULL
);
