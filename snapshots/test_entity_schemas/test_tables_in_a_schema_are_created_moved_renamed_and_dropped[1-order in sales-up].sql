-- codegen migration 20260101000001_order_in_sales (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   order in sales
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (3):
--   + create schema sales
--   + create enum sales.order_state (open, paid)
--   + create table sales.order (3 columns)
--
-- Hazards: none

BEGIN;

CREATE SCHEMA IF NOT EXISTS sales;

CREATE TYPE sales.order_state AS ENUM ('open', 'paid');

CREATE TABLE sales."order" (
    id INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    state sales.order_state NOT NULL,
    CONSTRAINT pk_order PRIMARY KEY (id),
    CONSTRAINT fk_order_customer_id_customer FOREIGN KEY (customer_id) REFERENCES customer (id)
);

CREATE INDEX ix_order_state ON sales."order" (state) WHERE state = 'open';

CREATE INDEX ix_order_customer_id ON sales."order" (customer_id);

COMMIT;
