-- codegen migration 20260101000001_column_added_after_generated (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   column_added_after_generated
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   + add column item.mood enum(a, b) NULL
--
-- Hazards: none

BEGIN;

ALTER TABLE item ADD COLUMN mood TEXT CONSTRAINT ck_item_mood_values CHECK (mood IN ('a', 'b'));

COMMIT;
