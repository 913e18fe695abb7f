-- codegen migration 20260101000002_customer_moved_to_sales (down)
--
-- id:        20260101000002
-- parent:    20260101000001
-- message:   customer moved to sales
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ rename enum sales.customer_status to customer_status
--   ~ rename table sales.customer to customer
--
-- Hazards: none

BEGIN;

-- into the default schema: the first on the search path, where unqualified names are created
DO $$ BEGIN EXECUTE format('ALTER TYPE %s SET SCHEMA %I', 'sales.customer_status', current_schema()); END $$;

-- into the default schema: the first on the search path, where unqualified names are created
DO $$ BEGIN EXECUTE format('ALTER TABLE %s SET SCHEMA %I', 'sales.customer', current_schema()); END $$;

COMMIT;
