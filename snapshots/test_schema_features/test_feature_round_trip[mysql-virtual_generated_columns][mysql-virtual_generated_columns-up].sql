-- codegen migration 20260101000001_virtual_generated_columns (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   virtual_generated_columns
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + add column item.lowered string(40) NULL generated as (lower(name))
--   ~ alter column item.doubled: generated id * 2 -> id * 3 (virtual)
--
-- HAZARD non-transactional: 20260101000001_virtual_generated_columns: mysql commits each of these 3 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE item ADD COLUMN lowered VARCHAR(40) GENERATED ALWAYS AS (lower(name)) STORED;

ALTER TABLE item DROP COLUMN doubled;
ALTER TABLE item ADD COLUMN doubled INT GENERATED ALWAYS AS (id * 3) VIRTUAL;
