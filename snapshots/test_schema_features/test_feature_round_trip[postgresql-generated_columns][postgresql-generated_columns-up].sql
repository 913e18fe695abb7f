-- codegen migration 20260101000001_generated_columns (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   generated_columns
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + add column item.lowered string(40) NULL generated as (lower(name))
--   ~ alter column item.doubled: generated length(name) * 2 -> length(name) * 3
--
-- Hazards: none

BEGIN;

ALTER TABLE item ADD COLUMN lowered VARCHAR(40) GENERATED ALWAYS AS (lower(name)) STORED;

ALTER TABLE item DROP COLUMN doubled;
ALTER TABLE item ADD COLUMN doubled INTEGER GENERATED ALWAYS AS (length(name) * 3) STORED NOT NULL;

COMMIT;
