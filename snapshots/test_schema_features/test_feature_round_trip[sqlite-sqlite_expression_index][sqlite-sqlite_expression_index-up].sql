-- codegen migration 20260101000001_sqlite_expression_index (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   sqlite_expression_index
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   + create index ix_item_lower_name on item ((lower(name)))
--
-- HAZARD long lock: item: building ix_item_lower_name blocks writes to the table until it is done

BEGIN;

CREATE INDEX ix_item_lower_name ON item ((lower(name)));

COMMIT;
