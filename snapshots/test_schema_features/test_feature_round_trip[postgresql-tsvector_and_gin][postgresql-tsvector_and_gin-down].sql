-- codegen migration 20260101000001_tsvector_and_gin (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   tsvector_and_gin
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   - drop index ix_item_body on item
--   - drop column item.body
--
-- HAZARD data loss: item.body: the column and its values are deleted
-- HAZARD not reversible: item.body: undoing this brings the column back empty

BEGIN;

DROP INDEX ix_item_body;

ALTER TABLE item DROP COLUMN body;

COMMIT;
