-- codegen migration 20260101000001_identity_in_composite_key_created (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   identity_in_composite_key_created
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   - drop table event
--
-- HAZARD data loss: event: the table and all its rows are deleted
-- HAZARD not reversible: event: undoing this recreates the table empty

BEGIN;

DROP TABLE event;

COMMIT;
