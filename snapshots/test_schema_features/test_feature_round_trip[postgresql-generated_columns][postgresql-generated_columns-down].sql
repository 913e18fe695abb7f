-- codegen migration 20260101000001_generated_columns (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   generated_columns
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.doubled: generated length(name) * 3 -> length(name) * 2
--   - drop column item.lowered
--
-- Hazards: none

BEGIN;

ALTER TABLE item DROP COLUMN doubled;
ALTER TABLE item ADD COLUMN doubled INTEGER GENERATED ALWAYS AS (length(name) * 2) STORED NOT NULL;

ALTER TABLE item DROP COLUMN lowered;

COMMIT;
