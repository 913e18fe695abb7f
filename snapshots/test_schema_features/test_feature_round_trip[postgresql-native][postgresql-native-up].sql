-- codegen migration 20260101000001_native (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   native
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + add column item.during tstzrange NULL
--   ~ alter column item.price: type money -> numeric(12, 2)
--
-- HAZARD data loss: item.price: money -> numeric(12, 2) may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.price: changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big table: add a column of the new type, fill it in batches, then switch)

BEGIN;

ALTER TABLE item ADD COLUMN during tstzrange;

ALTER TABLE item ALTER COLUMN price DROP DEFAULT;
ALTER TABLE item ALTER COLUMN price TYPE numeric(12, 2) USING price::numeric(12, 2);
ALTER TABLE item ALTER COLUMN price SET DEFAULT 0;

COMMIT;
