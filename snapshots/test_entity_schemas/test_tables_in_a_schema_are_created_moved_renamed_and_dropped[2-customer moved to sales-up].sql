-- codegen migration 20260101000002_customer_moved_to_sales (up)
--
-- id:        20260101000002
-- parent:    20260101000001
-- message:   customer moved to sales
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ rename table customer to sales.customer
--   ~ rename enum customer_status to sales.customer_status
--
-- Hazards: none

BEGIN;

ALTER TABLE customer SET SCHEMA sales;

ALTER TYPE customer_status SET SCHEMA sales;

COMMIT;
