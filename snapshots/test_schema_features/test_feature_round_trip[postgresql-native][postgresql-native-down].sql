-- codegen migration 20260101000001_native (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   native
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.price: type numeric(12, 2) -> money
--   - drop column item.during
--
-- HAZARD data loss: item.price: numeric(12, 2) -> money may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.price: changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big table: add a column of the new type, fill it in batches, then switch)
-- HAZARD data loss: item.during: the column and its values are deleted
-- HAZARD not reversible: item.during: undoing this brings the column back empty

BEGIN;

ALTER TABLE item ALTER COLUMN price DROP DEFAULT;
ALTER TABLE item ALTER COLUMN price TYPE money USING price::money;
ALTER TABLE item ALTER COLUMN price SET DEFAULT 0;

ALTER TABLE item DROP COLUMN during;

COMMIT;
