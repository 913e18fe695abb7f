-- codegen migration 20260101000001_renamed_under_generated_column (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   renamed_under_generated_column
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ rename column item.label to title
--
-- Hazards: none

ALTER TABLE item RENAME COLUMN label TO title;
