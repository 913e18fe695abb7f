-- codegen migration 20260101000000_create_shop (up)
--
-- id:        20260101000000
-- parent:    none
-- message:   create shop
-- dialect:   mysql
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
-- HAZARD non-transactional: 20260101000000_create_shop: mysql commits each of these 5 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

CREATE TABLE countries (
    code VARCHAR(2) NOT NULL,
    name VARCHAR(100) NOT NULL,
    CONSTRAINT pk_countries PRIMARY KEY (code),
    CONSTRAINT uq_countries_name UNIQUE (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE products (
    id BIGINT NOT NULL AUTO_INCREMENT,
    sku VARCHAR(32) NOT NULL,
    title VARCHAR(255) NOT NULL,
    price DECIMAL(10, 2) NOT NULL,
    weight_kg DOUBLE NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    image LONGBLOB NULL,
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at TIMESTAMP(6) NULL,
    CONSTRAINT pk_products PRIMARY KEY (id),
    CONSTRAINT uq_products_sku UNIQUE (sku)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE customers (
    id INT NOT NULL AUTO_INCREMENT,
    email VARCHAR(320) NOT NULL,
    name VARCHAR(255) NOT NULL,
    nickname VARCHAR(255) NULL,
    balance DECIMAL(12, 2) NOT NULL DEFAULT 0,
    status ENUM('active', 'banned') NOT NULL DEFAULT 'active',
    country_code VARCHAR(2) NOT NULL,
    referred_by_id INT NULL,
    profile JSON NULL,
    bio TEXT NULL,
    note VARCHAR(255) NULL COMMENT 'free text, never shown to the customer',
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at TIMESTAMP(6) NULL,
    CONSTRAINT pk_customers PRIMARY KEY (id),
    CONSTRAINT uq_customers_email UNIQUE (email),
    CONSTRAINT fk_customers_country_code_countries FOREIGN KEY (country_code) REFERENCES countries (code) ON DELETE RESTRICT,
    CONSTRAINT fk_customers_referred_by_id_customers FOREIGN KEY (referred_by_id) REFERENCES customers (id) ON DELETE SET NULL,
    CONSTRAINT ck_customers_balance_non_negative CHECK (balance >= 0),
    INDEX ix_customers_country_code_created_at (country_code, created_at),
    INDEX ix_customers_status (status),
    INDEX ix_customers_referred_by_id (referred_by_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='People who order';

CREATE TABLE `order` (
    id BIGINT NOT NULL AUTO_INCREMENT,
    customer_id INT NOT NULL,
    placed_on DATE NOT NULL DEFAULT (CURRENT_DATE),
    deliver_after TIME NULL,
    reference CHAR(36) NOT NULL,
    state ENUM('cart', 'placed', 'shipped', 'cancelled') NOT NULL DEFAULT 'cart',
    created_at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    updated_at TIMESTAMP(6) NULL,
    CONSTRAINT pk_order PRIMARY KEY (id),
    CONSTRAINT uq_order_reference UNIQUE (reference),
    CONSTRAINT uq_order_customer_id_reference UNIQUE (customer_id, reference),
    CONSTRAINT fk_order_customer_id_customers FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE order_items (
    order_id BIGINT NOT NULL,
    product_id BIGINT NOT NULL,
    quantity INT NOT NULL DEFAULT 1,
    CONSTRAINT pk_order_items PRIMARY KEY (order_id, product_id),
    CONSTRAINT fk_order_items_order_id_order FOREIGN KEY (order_id) REFERENCES `order` (id) ON DELETE CASCADE,
    CONSTRAINT fk_order_items_product_id_products FOREIGN KEY (product_id) REFERENCES products (id) ON DELETE RESTRICT,
    CONSTRAINT ck_order_items_quantity_positive CHECK (quantity > 0),
    INDEX ix_order_items_product_id (product_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
