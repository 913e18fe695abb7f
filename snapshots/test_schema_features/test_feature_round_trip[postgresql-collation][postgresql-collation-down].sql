-- codegen migration 20260101000001_collation (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   collation
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ alter column item.label: type string(20) collate C -> string(20)
--
-- Hazards: none

BEGIN;

ALTER TABLE item ALTER COLUMN label TYPE VARCHAR(20) USING label::VARCHAR(20);

COMMIT;
