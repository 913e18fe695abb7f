-- codegen migration 20260101000001_arrays (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   arrays
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.tags: type text[] -> string(20)[]
--   - drop column item.scores
--
-- HAZARD data loss: item.tags: text[] -> string(20)[] may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.tags: changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big table: add a column of the new type, fill it in batches, then switch)
-- HAZARD data loss: item.scores: the column and its values are deleted
-- HAZARD not reversible: item.scores: undoing this brings the column back empty

BEGIN;

ALTER TABLE item ALTER COLUMN tags TYPE VARCHAR(20)[] USING tags::VARCHAR(20)[];

ALTER TABLE item DROP COLUMN scores;

COMMIT;
