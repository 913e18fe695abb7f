-- codegen migration 20260101000001_nullability_and_defaults (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   nullability_and_defaults
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (5):
--   ~ alter column customer.city: NULL -> NOT NULL, default 'Paris' -> 'Lyon'
--   ~ alter column customer.name: NULL -> NOT NULL
--   ~ alter column customer.note: NOT NULL -> NULL
--   ~ alter column customer.score: default none -> 10
--   ~ alter column customer.vip: default False -> True
--
-- HAZARD long lock: customer.city: SET NOT NULL scans the whole table under an exclusive lock
-- HAZARD long lock: customer.name: SET NOT NULL scans the whole table under an exclusive lock
-- HAZARD non-transactional: 20260101000001_nullability_and_defaults: mysql commits each of these 7 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

UPDATE customer SET city = 'Lyon' WHERE city IS NULL;
ALTER TABLE customer MODIFY COLUMN city VARCHAR(255) NOT NULL DEFAULT 'Lyon';

UPDATE customer SET name = 'unknown' WHERE name IS NULL;
ALTER TABLE customer MODIFY COLUMN name VARCHAR(255) NOT NULL;

ALTER TABLE customer MODIFY COLUMN note VARCHAR(255) NULL;

ALTER TABLE customer MODIFY COLUMN score INT NOT NULL DEFAULT 10;

ALTER TABLE customer MODIFY COLUMN vip BOOLEAN NOT NULL DEFAULT TRUE;
