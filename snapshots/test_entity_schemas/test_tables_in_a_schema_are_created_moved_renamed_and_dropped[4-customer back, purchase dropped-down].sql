-- codegen migration 20260101000004_customer_back_purchase_dropped (down)
--
-- id:        20260101000004
-- parent:    20260101000003
-- message:   customer back, purchase dropped
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (5):
--   + create schema sales
--   + create enum sales.purchase_state (open, paid)
--   + create table sales.purchase (3 columns)
--   ~ rename enum customer_status to sales.customer_status
--   ~ rename table customer to sales.customer
--
-- Hazards: none

BEGIN;

CREATE SCHEMA IF NOT EXISTS sales;

CREATE TYPE sales.purchase_state AS ENUM ('open', 'paid');

CREATE TABLE sales.purchase (
    id INTEGER NOT NULL,
    customer_id INTEGER NOT NULL,
    state sales.purchase_state NOT NULL,
    CONSTRAINT pk_purchase PRIMARY KEY (id),
    CONSTRAINT fk_purchase_customer_id_customer FOREIGN KEY (customer_id) REFERENCES customer (id)
);

CREATE INDEX ix_purchase_state ON sales.purchase (state) WHERE state = 'open';

CREATE INDEX ix_purchase_customer_id ON sales.purchase (customer_id);

ALTER TYPE customer_status SET SCHEMA sales;

ALTER TABLE customer SET SCHEMA sales;

COMMIT;
