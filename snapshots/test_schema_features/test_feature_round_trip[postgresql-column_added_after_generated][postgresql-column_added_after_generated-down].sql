-- codegen migration 20260101000001_column_added_after_generated (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   column_added_after_generated
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   - drop column item.mood
--   - drop enum item_mood
--
-- HAZARD data loss: item.mood: the column and its values are deleted
-- HAZARD not reversible: item.mood: undoing this brings the column back empty

BEGIN;

ALTER TABLE item DROP COLUMN mood;

DROP TYPE item_mood;

COMMIT;
