-- codegen migration 20260101000001_identity_in_composite_key (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   identity_in_composite_key
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ alter column event.id: autoincrement off
--
-- Hazards: none

BEGIN;

ALTER TABLE event ALTER COLUMN id DROP IDENTITY;

COMMIT;
