-- codegen migration 20260101000000_create_shop (down)
--
-- id:        20260101000000
-- parent:    none
-- message:   create shop
-- dialect:   mysql
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
-- HAZARD non-transactional: 20260101000000_create_shop: mysql commits each of these 5 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

DROP TABLE order_items;

DROP TABLE `order`;

DROP TABLE customers;

DROP TABLE products;

DROP TABLE countries;
