-- codegen migration 20260101000001_postgresql_only_types_added (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   postgresql_only_types_added
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + add column item.runtime interval NULL
--   + add column item.wait interval NOT NULL
--
-- Hazards: none

BEGIN;

ALTER TABLE item ADD COLUMN runtime TEXT;

ALTER TABLE item ADD COLUMN wait TEXT NOT NULL DEFAULT '1 day';

COMMIT;
