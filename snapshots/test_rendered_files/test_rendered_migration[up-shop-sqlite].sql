-- codegen migration 20260101000000_create_shop (up)
--
-- id:        20260101000000
-- parent:    none
-- message:   create shop
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (5):
--   + create table countries (2 columns)
--   + create table products (9 columns)
--   + create table customers (13 columns)
--   + create table order (8 columns)
--   + create table order_items (3 columns)
--
-- Hazards: none

BEGIN;

CREATE TABLE countries (
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    CONSTRAINT pk_countries PRIMARY KEY (code),
    CONSTRAINT uq_countries_name UNIQUE (name)
);

CREATE TABLE products (
    id INTEGER NOT NULL CONSTRAINT pk_products PRIMARY KEY AUTOINCREMENT,
    sku TEXT NOT NULL,
    title TEXT NOT NULL,
    price NUMERIC NOT NULL,
    weight_kg REAL,
    active BOOLEAN NOT NULL DEFAULT 1,
    image BLOB,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP,
    CONSTRAINT uq_products_sku UNIQUE (sku)
);

CREATE TABLE customers (
    id INTEGER NOT NULL CONSTRAINT pk_customers PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL,
    name TEXT NOT NULL,
    nickname TEXT,
    balance NUMERIC NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'active' CONSTRAINT ck_customers_status_values CHECK (status IN ('active', 'banned')),
    country_code TEXT NOT NULL,
    referred_by_id INTEGER,
    profile JSON,
    bio TEXT,
    note TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP,
    CONSTRAINT uq_customers_email UNIQUE (email),
    CONSTRAINT fk_customers_country_code_countries FOREIGN KEY (country_code) REFERENCES countries (code) ON DELETE RESTRICT,
    CONSTRAINT fk_customers_referred_by_id_customers FOREIGN KEY (referred_by_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT ck_customers_balance_non_negative CHECK (balance >= 0)
);

CREATE INDEX ix_customers_bio ON customers (bio);

CREATE INDEX ix_customers_country_code_created_at ON customers (country_code, created_at);

CREATE INDEX ix_customers_status ON customers (status) WHERE status = 'active';

CREATE INDEX ix_customers_referred_by_id ON customers (referred_by_id);

CREATE TABLE "order" (
    id INTEGER NOT NULL CONSTRAINT pk_order PRIMARY KEY AUTOINCREMENT,
    customer_id INTEGER NOT NULL,
    placed_on DATE NOT NULL DEFAULT CURRENT_DATE,
    deliver_after TIME,
    reference CHAR(36) NOT NULL,
    state TEXT NOT NULL DEFAULT 'cart' CONSTRAINT ck_order_state_values CHECK (state IN ('cart', 'placed', 'shipped', 'cancelled')),
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_at TIMESTAMP,
    CONSTRAINT uq_order_reference UNIQUE (reference),
    CONSTRAINT uq_order_customer_id_reference UNIQUE (customer_id, reference),
    CONSTRAINT fk_order_customer_id_customers FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
);

CREATE TABLE order_items (
    order_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    quantity INTEGER NOT NULL DEFAULT 1,
    CONSTRAINT pk_order_items PRIMARY KEY (order_id, product_id),
    CONSTRAINT fk_order_items_order_id_order FOREIGN KEY (order_id) REFERENCES "order" (id) ON DELETE CASCADE,
    CONSTRAINT fk_order_items_product_id_products FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE RESTRICT,
    CONSTRAINT ck_order_items_quantity_positive CHECK (quantity > 0)
);

CREATE INDEX ix_order_items_product_id ON order_items (product_id);

COMMIT;
