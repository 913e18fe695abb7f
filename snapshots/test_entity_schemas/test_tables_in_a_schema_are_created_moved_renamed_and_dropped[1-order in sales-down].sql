-- codegen migration 20260101000001_order_in_sales (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   order in sales
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (3):
--   - drop table sales.order
--   - drop enum sales.order_state
--   - drop schema sales
--
-- HAZARD data loss: sales.order: the table and all its rows are deleted
-- HAZARD not reversible: sales.order: undoing this recreates the table empty

BEGIN;

DROP TABLE sales."order";

DROP TYPE sales.order_state;

DROP SCHEMA sales;

COMMIT;
