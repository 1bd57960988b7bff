-- crosstally store, schema version 3: what the report and `crosstally serve` show, so that the
-- web app reads the story stage's results instead of recomputing them, and full-text search.
CREATE TABLE IF NOT EXISTS slots (
    id       TEXT PRIMARY KEY,   -- S1.2: story S1, its second slot
    story    TEXT NOT NULL,
    measure  TEXT NOT NULL,
    grp      TEXT NOT NULL,      -- the counted group as the articles write it
    as_of    TEXT,               -- ISO day, 'earlier' for a superseded figure, or NULL
    label    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS slots_story ON slots(story);

-- Each claim's slot and canonical claimant (NULL: the outlet's own voice), keyed as claims are.
CREATE TABLE IF NOT EXISTS slot_claims (
    article_id TEXT NOT NULL,
    start      INTEGER NOT NULL,
    slot       TEXT NOT NULL,
    claimant   TEXT,
    revision   INTEGER NOT NULL,
    PRIMARY KEY (article_id, start)
);
CREATE INDEX IF NOT EXISTS slot_claims_slot ON slot_claims(slot);
CREATE INDEX IF NOT EXISTS slot_claims_claimant ON slot_claims(claimant);

CREATE TABLE IF NOT EXISTS timelines (
    story     TEXT NOT NULL,
    claimant  TEXT NOT NULL,
    body      TEXT NOT NULL      -- the timeline as written to stories.jsonl
);
CREATE INDEX IF NOT EXISTS timelines_claimant ON timelines(claimant);

-- The outlet and day the story stage used for each article (a --meta index fills what the text lacks).
ALTER TABLE story_articles ADD COLUMN outlet TEXT;
ALTER TABLE story_articles ADD COLUMN date TEXT;
ALTER TABLE conflicts ADD COLUMN slot_id TEXT;
CREATE INDEX IF NOT EXISTS conflicts_slot ON conflicts(slot_id);
CREATE INDEX IF NOT EXISTS story_articles_article ON story_articles(article_id);

CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(title, text, content='articles');
CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
END;
CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts (articles_fts, rowid, title, text) VALUES ('delete', old.rowid, old.title, old.text);
END;
INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');

CREATE VIRTUAL TABLE IF NOT EXISTS claims_fts USING fts5(quote, sentence, who, content='claims', content_rowid='id');
CREATE TRIGGER IF NOT EXISTS claims_fts_insert AFTER INSERT ON claims BEGIN
    INSERT INTO claims_fts (rowid, quote, sentence, who) VALUES (new.id, new.quote, new.sentence, new.who);
END;
CREATE TRIGGER IF NOT EXISTS claims_fts_delete AFTER DELETE ON claims BEGIN
    INSERT INTO claims_fts (claims_fts, rowid, quote, sentence, who) VALUES ('delete', old.id, old.quote, old.sentence, old.who);
END;
INSERT INTO claims_fts (claims_fts) VALUES ('rebuild');
