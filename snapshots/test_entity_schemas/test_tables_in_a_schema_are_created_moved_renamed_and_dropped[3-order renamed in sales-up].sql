-- codegen migration 20260101000003_order_renamed_in_sales (up)
--
-- id:        20260101000003
-- parent:    20260101000002
-- message:   order renamed in sales
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (6):
--   ~ rename table sales.order to sales.purchase
--   ~ rename enum sales.order_state to sales.purchase_state
--   ~ rename index ix_order_customer_id to ix_purchase_customer_id on sales.purchase
--   ~ rename index ix_order_state to ix_purchase_state on sales.purchase
--   ~ rename foreign key fk_order_customer_id_customer to fk_purchase_customer_id_customer on sales.purchase
--   ~ rename primary key pk_order to pk_purchase on sales.purchase
--
-- Hazards: none

BEGIN;

ALTER TABLE sales."order" RENAME TO purchase;

ALTER TYPE sales.order_state RENAME TO purchase_state;

ALTER INDEX sales.ix_order_customer_id RENAME TO ix_purchase_customer_id;

ALTER INDEX sales.ix_order_state RENAME TO ix_purchase_state;

ALTER TABLE sales.purchase RENAME CONSTRAINT fk_order_customer_id_customer TO fk_purchase_customer_id_customer;

ALTER TABLE sales.purchase RENAME CONSTRAINT pk_order TO pk_purchase;

COMMIT;
