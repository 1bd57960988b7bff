-- crosstally store, schema version 4: what the web told us about each page, and duplicates.

-- The validators of the last fetch of each URL, so the next one can ask "has it changed?".
-- `article_id` is the article (or the exact duplicate) the page became; no foreign key, as a
-- duplicate is not an article: the validators count only while one of the two exists.
CREATE TABLE IF NOT EXISTS fetches (
    url           TEXT PRIMARY KEY,
    article_id    TEXT NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    fetched_at    TEXT NOT NULL
);

-- Exact duplicates: an input whose text is an article's, stored once under that article.
CREATE TABLE IF NOT EXISTS duplicates (
    id      TEXT PRIMARY KEY,
    same_as TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source  TEXT NOT NULL,
    url     TEXT,
    outlet  TEXT,
    date    TEXT,
    seen_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS duplicates_same_as ON duplicates(same_as);

-- MinHash signature of each article's word 5-grams and their number (crosstally/ingest/dedup.py),
-- and the signature's band keys, by which articles that may be copies find each other.
CREATE TABLE IF NOT EXISTS minhash (
    article_id TEXT PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    grams      INTEGER NOT NULL,
    signature  BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS minhash_bands (
    band_key   INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS minhash_bands_key ON minhash_bands(band_key);
CREATE INDEX IF NOT EXISTS minhash_bands_article ON minhash_bands(article_id);

-- Near-duplicates: two copies of one text (the same wire story with another header), each pair
-- stored both ways, with the share of the shorter text's 5-grams the other has.
CREATE TABLE IF NOT EXISTS near_duplicates (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    other_id   TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    overlap    REAL NOT NULL,
    PRIMARY KEY (article_id, other_id)
);
CREATE INDEX IF NOT EXISTS near_duplicates_other ON near_duplicates(other_id);
