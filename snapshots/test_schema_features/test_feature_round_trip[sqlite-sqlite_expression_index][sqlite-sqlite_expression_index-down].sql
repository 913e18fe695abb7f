-- codegen migration 20260101000001_sqlite_expression_index (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   sqlite_expression_index
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   - drop index ix_item_lower_name on item
--
-- Hazards: none

BEGIN;

DROP INDEX ix_item_lower_name;

COMMIT;
