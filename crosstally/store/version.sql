-- crosstally store, schema version 5: the extractor version that read each article (as its claims
-- record it), so that `crosstally reprocess` finds what an older extractor read, articles without
-- figures included. NULL: read before this was kept, and no claim says by which version.
ALTER TABLE articles ADD COLUMN extractor_version TEXT;
UPDATE articles SET extractor_version =
    (SELECT max(c.extractor_version) FROM claims c WHERE c.article_id = articles.id);
