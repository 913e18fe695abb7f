-- codegen migration 20260101000001_widen_types (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   widen_types
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (6):
--   ~ alter column measure.amount: type decimal(6,2) -> decimal(12,2)
--   ~ alter column measure.code: type string(10) -> string(40)
--   ~ alter column measure.count: type integer -> bigint
--   ~ alter column measure.id: type integer -> bigint
--   ~ alter column measure.label: type string(20) -> text
--   ~ alter column measure.ratio: type integer -> float
--
-- HAZARD table rewrite: measure.count: changing the type rewrites the table under an exclusive lock
-- HAZARD table rewrite: measure.id: changing the type rewrites the table under an exclusive lock
-- HAZARD table rewrite: measure.ratio: changing the type rewrites the table under an exclusive lock
-- HAZARD non-transactional: 20260101000001_widen_types: mysql commits each of these 6 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE measure MODIFY COLUMN amount DECIMAL(12, 2) NOT NULL;

ALTER TABLE measure MODIFY COLUMN code VARCHAR(40) NOT NULL;

ALTER TABLE measure MODIFY COLUMN count BIGINT NOT NULL DEFAULT 0;

ALTER TABLE measure MODIFY COLUMN id BIGINT NOT NULL;

ALTER TABLE measure MODIFY COLUMN label TEXT NOT NULL;

ALTER TABLE measure MODIFY COLUMN ratio DOUBLE NOT NULL;
