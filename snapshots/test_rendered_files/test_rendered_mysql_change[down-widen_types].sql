-- codegen migration 20260101000001_widen_types (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   widen_types
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (6):
--   ~ alter column measure.ratio: type float -> integer
--   ~ alter column measure.label: type text -> string(20)
--   ~ alter column measure.id: type bigint -> integer
--   ~ alter column measure.count: type bigint -> integer
--   ~ alter column measure.code: type string(40) -> string(10)
--   ~ alter column measure.amount: type decimal(12,2) -> decimal(6,2)
--
-- HAZARD data loss: measure.ratio: float -> integer: the migration stops before changing anything when a row holds a value that does not fit, and says how many; `truncate: true` on the field cuts them instead
-- HAZARD table rewrite: measure.ratio: changing the type rewrites the table under an exclusive lock
-- HAZARD data loss: measure.label: text -> string(20): the migration stops before changing anything when a row holds a value that does not fit, and says how many; `truncate: true` on the field cuts them instead
-- HAZARD table rewrite: measure.label: changing the type rewrites the table under an exclusive lock
-- HAZARD data loss: measure.id: bigint -> integer may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: measure.id: changing the type rewrites the table under an exclusive lock
-- HAZARD data loss: measure.count: bigint -> integer may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: measure.count: changing the type rewrites the table under an exclusive lock
-- HAZARD data loss: measure.code: string(40) -> string(10): the migration stops before changing anything when a row holds a value that does not fit, and says how many; `truncate: true` on the field cuts them instead
-- HAZARD table rewrite: measure.code: changing the type rewrites the table under an exclusive lock
-- HAZARD data loss: measure.amount: decimal(12,2) -> decimal(6,2) may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: measure.amount: changing the type rewrites the table under an exclusive lock
-- HAZARD non-transactional: 20260101000001_widen_types: mysql commits each of these 15 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

CREATE TEMPORARY TABLE _codegen_guard (codegen_stopped INT);
INSERT INTO _codegen_guard SELECT CONCAT('codegen: ', COUNT(*), ' row(s) of measure.ratio do not fit INT; nothing was changed; change those values first, or add truncate: true to the field') FROM measure WHERE ratio <> ROUND(ratio) HAVING COUNT(*) > 0;
DROP TEMPORARY TABLE _codegen_guard;
ALTER TABLE measure MODIFY COLUMN ratio INT NOT NULL;

CREATE TEMPORARY TABLE _codegen_guard (codegen_stopped INT);
INSERT INTO _codegen_guard SELECT CONCAT('codegen: ', COUNT(*), ' row(s) of measure.label do not fit VARCHAR(20); nothing was changed; change those values first, or add truncate: true to the field') FROM measure WHERE CHAR_LENGTH(label) > 20 HAVING COUNT(*) > 0;
DROP TEMPORARY TABLE _codegen_guard;
ALTER TABLE measure MODIFY COLUMN label VARCHAR(20) NOT NULL;

ALTER TABLE measure MODIFY COLUMN id INT NOT NULL;

ALTER TABLE measure MODIFY COLUMN count INT NOT NULL DEFAULT 0;

CREATE TEMPORARY TABLE _codegen_guard (codegen_stopped INT);
INSERT INTO _codegen_guard SELECT CONCAT('codegen: ', COUNT(*), ' row(s) of measure.code do not fit VARCHAR(10); nothing was changed; change those values first, or add truncate: true to the field') FROM measure WHERE CHAR_LENGTH(code) > 10 HAVING COUNT(*) > 0;
DROP TEMPORARY TABLE _codegen_guard;
ALTER TABLE measure MODIFY COLUMN code VARCHAR(10) NOT NULL;

ALTER TABLE measure MODIFY COLUMN amount DECIMAL(6, 2) NOT NULL;
