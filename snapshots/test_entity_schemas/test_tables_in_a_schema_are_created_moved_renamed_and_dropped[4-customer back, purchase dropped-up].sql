-- codegen migration 20260101000004_customer_back_purchase_dropped (up)
--
-- id:        20260101000004
-- parent:    20260101000003
-- message:   customer back, purchase dropped
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (5):
--   ~ rename table sales.customer to customer
--   ~ rename enum sales.customer_status to customer_status
--   - drop table sales.purchase
--   - drop enum sales.purchase_state
--   - drop schema sales
--
-- HAZARD data loss: sales.purchase: the table and all its rows are deleted
-- HAZARD not reversible: sales.purchase: undoing this recreates the table empty

BEGIN;

-- into the default schema: the first on the search path, where unqualified names are created
DO $$ BEGIN EXECUTE format('ALTER TABLE %s SET SCHEMA %I', 'sales.customer', current_schema()); END $$;

-- into the default schema: the first on the search path, where unqualified names are created
DO $$ BEGIN EXECUTE format('ALTER TYPE %s SET SCHEMA %I', 'sales.customer_status', current_schema()); END $$;

DROP TABLE sales.purchase;

DROP TYPE sales.purchase_state;

DROP SCHEMA sales;

COMMIT;
