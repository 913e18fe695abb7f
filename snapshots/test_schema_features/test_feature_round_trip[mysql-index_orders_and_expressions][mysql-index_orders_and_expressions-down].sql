-- codegen migration 20260101000001_index_orders_and_expressions (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   index_orders_and_expressions
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   - drop index ix_item_created_name on item
--
-- Hazards: none

DROP INDEX ix_item_created_name ON item;
