-- codegen migration 20260101000000_customer (down)
--
-- id:        20260101000000
-- parent:    none
-- message:   customer
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   - drop table customer
--   - drop enum customer_status
--
-- HAZARD data loss: customer: the table and all its rows are deleted
-- HAZARD not reversible: customer: undoing this recreates the table empty

BEGIN;

DROP TABLE customer;

DROP TYPE customer_status;

COMMIT;
