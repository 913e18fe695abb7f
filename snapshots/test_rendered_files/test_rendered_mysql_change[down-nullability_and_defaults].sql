-- codegen migration 20260101000001_nullability_and_defaults (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   nullability_and_defaults
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (5):
--   ~ alter column customer.vip: default True -> False
--   ~ alter column customer.score: default 10 -> none
--   ~ alter column customer.note: NULL -> NOT NULL
--   ~ alter column customer.name: NOT NULL -> NULL
--   ~ alter column customer.city: NOT NULL -> NULL, default 'Lyon' -> 'Paris'
--
-- HAZARD long lock: customer.note: SET NOT NULL scans the whole table under an exclusive lock
-- HAZARD non-transactional: 20260101000001_nullability_and_defaults: mysql commits each of these 6 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE customer MODIFY COLUMN vip BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE customer MODIFY COLUMN score INT NOT NULL;

UPDATE customer SET note = '' WHERE note IS NULL;
ALTER TABLE customer MODIFY COLUMN note VARCHAR(255) NOT NULL;

ALTER TABLE customer MODIFY COLUMN name VARCHAR(255) NULL;

ALTER TABLE customer MODIFY COLUMN city VARCHAR(255) NULL DEFAULT 'Paris';
