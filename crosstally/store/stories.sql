-- crosstally store, schema version 2: the story stage's results, rewritten after every run.
-- One canonical claimant per speaker and story; each alias with the evidence that linked it.
CREATE TABLE IF NOT EXISTS claimant_aliases (
    story     TEXT NOT NULL,
    canonical TEXT NOT NULL,
    alias     TEXT NOT NULL,
    evidence  TEXT NOT NULL,
    PRIMARY KEY (story, canonical, alias)
);
CREATE TABLE IF NOT EXISTS story_articles (
    story      TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    copy_group INTEGER NOT NULL,
    PRIMARY KEY (story, article_id)
);
CREATE TABLE IF NOT EXISTS conflicts (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL CHECK (kind IN ('dispute', 'inconsistency', 'discrepancy')),
    story   TEXT NOT NULL,
    slot    TEXT NOT NULL,
    measure TEXT NOT NULL,
    body    TEXT NOT NULL  -- the conflict as written to conflicts.jsonl
);
