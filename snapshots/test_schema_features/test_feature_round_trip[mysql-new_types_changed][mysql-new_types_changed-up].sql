-- codegen migration 20260101000001_new_types_changed (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   new_types_changed
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.code: type char(3) -> char(5)
--   ~ alter column item.score: type real -> float
--
-- HAZARD data loss: item.code: char(3) -> char(5) may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.code: changing the type rewrites the table under an exclusive lock
-- HAZARD data loss: item.score: real -> float may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.score: changing the type rewrites the table under an exclusive lock
-- HAZARD non-transactional: 20260101000001_new_types_changed: mysql commits each of these 2 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE item MODIFY COLUMN code CHAR(5) NOT NULL;

ALTER TABLE item MODIFY COLUMN score DOUBLE NULL;
