-- codegen migration 20260101000001_index_orders_and_expressions (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   index_orders_and_expressions
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   + create index ix_item_created_name on item (created desc, name asc)
--
-- HAZARD long lock: item: building ix_item_created_name blocks writes to the table until it is done

BEGIN;

CREATE INDEX ix_item_created_name ON item (created DESC, name ASC);

COMMIT;
