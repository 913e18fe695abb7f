-- codegen migration 20260101000001_postgresql_only_types_added (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   postgresql_only_types_added
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   - drop column item.wait
--   - drop column item.runtime
--
-- HAZARD data loss: item.wait: the column and its values are deleted
-- HAZARD not reversible: item.wait: undoing this brings the column back empty
-- HAZARD data loss: item.runtime: the column and its values are deleted
-- HAZARD not reversible: item.runtime: undoing this brings the column back empty

BEGIN;

ALTER TABLE item DROP COLUMN wait;

ALTER TABLE item DROP COLUMN runtime;

COMMIT;
