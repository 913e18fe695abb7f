-- codegen migration 20260101000003_order_renamed_in_sales (down)
--
-- id:        20260101000003
-- parent:    20260101000002
-- message:   order renamed in sales
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (6):
--   ~ rename primary key pk_purchase to pk_order on sales.purchase
--   ~ rename foreign key fk_purchase_customer_id_customer to fk_order_customer_id_customer on sales.purchase
--   ~ rename index ix_purchase_state to ix_order_state on sales.purchase
--   ~ rename index ix_purchase_customer_id to ix_order_customer_id on sales.purchase
--   ~ rename enum sales.purchase_state to sales.order_state
--   ~ rename table sales.purchase to sales.order
--
-- Hazards: none

BEGIN;

ALTER TABLE sales.purchase RENAME CONSTRAINT pk_purchase TO pk_order;

ALTER TABLE sales.purchase RENAME CONSTRAINT fk_purchase_customer_id_customer TO fk_order_customer_id_customer;

ALTER INDEX sales.ix_purchase_state RENAME TO ix_order_state;

ALTER INDEX sales.ix_purchase_customer_id RENAME TO ix_order_customer_id;

ALTER TYPE sales.purchase_state RENAME TO order_state;

ALTER TABLE sales.purchase RENAME TO "order";

COMMIT;
