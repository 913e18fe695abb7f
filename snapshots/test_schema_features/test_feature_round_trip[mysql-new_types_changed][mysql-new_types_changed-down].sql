-- codegen migration 20260101000001_new_types_changed (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   new_types_changed
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.score: type float -> real
--   ~ alter column item.code: type char(5) -> char(3)
--
-- HAZARD data loss: item.score: float -> real may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.score: changing the type rewrites the table under an exclusive lock
-- HAZARD data loss: item.code: char(5) -> char(3): the migration stops before changing anything when a row holds a value that does not fit, and says how many; `truncate: true` on the field cuts them instead
-- HAZARD table rewrite: item.code: changing the type rewrites the table under an exclusive lock
-- HAZARD non-transactional: 20260101000001_new_types_changed: mysql commits each of these 5 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE item MODIFY COLUMN score FLOAT NULL;

CREATE TEMPORARY TABLE _codegen_guard (codegen_stopped INT);
INSERT INTO _codegen_guard SELECT CONCAT('codegen: ', COUNT(*), ' row(s) of item.code do not fit CHAR(3); nothing was changed; change those values first, or add truncate: true to the field') FROM item WHERE CHAR_LENGTH(code) > 3 HAVING COUNT(*) > 0;
DROP TEMPORARY TABLE _codegen_guard;
ALTER TABLE item MODIFY COLUMN code CHAR(3) NOT NULL;
