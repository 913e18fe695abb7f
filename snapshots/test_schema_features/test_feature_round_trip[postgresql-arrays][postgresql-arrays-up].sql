-- codegen migration 20260101000001_arrays (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   arrays
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + add column item.scores integer[] NOT NULL
--   ~ alter column item.tags: type string(20)[] -> text[]
--
-- HAZARD table rewrite: item.scores: a volatile SQL default is computed for every existing row

BEGIN;

ALTER TABLE item ADD COLUMN scores INTEGER[] NOT NULL DEFAULT '{}';

ALTER TABLE item ALTER COLUMN tags TYPE TEXT[] USING tags::TEXT[];

COMMIT;
