-- codegen migration 20260101000001_column_added_after_generated (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   column_added_after_generated
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + create enum item_mood (a, b)
--   + add column item.mood enum(a, b) NULL
--
-- Hazards: none

BEGIN;

CREATE TYPE item_mood AS ENUM ('a', 'b');

ALTER TABLE item ADD COLUMN mood item_mood;

COMMIT;
