-- codegen migration 20260101000000_create_shop (down)
--
-- id:        20260101000000
-- parent:    none
-- message:   create shop
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (5):
--   - drop table order_items
--   - drop table order
--   - drop table customers
--   - drop table products
--   - drop table countries
--
-- HAZARD data loss: order_items: the table and all its rows are deleted
-- HAZARD not reversible: order_items: undoing this recreates the table empty
-- HAZARD data loss: order: the table and all its rows are deleted
-- HAZARD not reversible: order: undoing this recreates the table empty
-- HAZARD data loss: customers: the table and all its rows are deleted
-- HAZARD not reversible: customers: undoing this recreates the table empty
-- HAZARD data loss: products: the table and all its rows are deleted
-- HAZARD not reversible: products: undoing this recreates the table empty
-- HAZARD data loss: countries: the table and all its rows are deleted
-- HAZARD not reversible: countries: undoing this recreates the table empty

PRAGMA foreign_keys = OFF;

BEGIN;

DROP TABLE order_items;

DROP TABLE "order";

DROP TABLE customers;

DROP TABLE products;

DROP TABLE countries;

-- PRAGMA foreign_key_check only reports; this fails, and so rolls back, when a row points at nothing.
CREATE TEMP TABLE _codegen_foreign_key_check ("table" TEXT, CONSTRAINT "a row references a missing parent (see PRAGMA foreign_key_check)" CHECK ("table" IS NULL));
INSERT INTO _codegen_foreign_key_check SELECT "table" FROM pragma_foreign_key_check;
DROP TABLE _codegen_foreign_key_check;

COMMIT;

PRAGMA foreign_keys = ON;
