-- codegen migration 20260101000001_new_types_changed (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   new_types_changed
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.code: type char(3) -> char(5)
--   ~ alter column item.score: type real -> float
--
-- HAZARD data loss: item.code: char(3) -> char(5) may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.code: changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big table: add a column of the new type, fill it in batches, then switch)
-- HAZARD data loss: item.score: real -> float may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.score: changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big table: add a column of the new type, fill it in batches, then switch)

BEGIN;

ALTER TABLE item ALTER COLUMN code TYPE CHAR(5) USING code::CHAR(5);

ALTER TABLE item ALTER COLUMN score TYPE DOUBLE PRECISION USING score::DOUBLE PRECISION;

COMMIT;
