-- codegen migration 20260101000001_collation (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   collation
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ alter column item.label: type string(20) -> string(20) collate utf8mb4_bin
--
-- Hazards: none

ALTER TABLE item MODIFY COLUMN label VARCHAR(20) COLLATE utf8mb4_bin NULL;
