-- codegen migration 20260101000001_new_types_changed (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   new_types_changed
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.score: type float -> real
--   ~ alter column item.code: type char(5) -> char(3)
--
-- HAZARD data loss: item.score: float -> real may truncate values or fail on rows that do not convert
-- HAZARD table rewrite: item.score: changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big table: add a column of the new type, fill it in batches, then switch)
-- HAZARD data loss: item.code: char(5) -> char(3): the migration stops before changing anything when a row holds a value that does not fit, and says how many; `truncate: true` on the field cuts them instead
-- HAZARD table rewrite: item.code: changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big table: add a column of the new type, fill it in batches, then switch)

BEGIN;

ALTER TABLE item ALTER COLUMN score TYPE REAL USING score::REAL;

DO $$
DECLARE lost bigint;
BEGIN
    SELECT count(*) INTO lost FROM item WHERE length(code) > 3;
    IF lost > 0 THEN
        RAISE EXCEPTION 'codegen: % row(s) of item.code do not fit CHAR(3); nothing was changed', lost
            USING HINT = 'change those values first, or add `truncate: true` to the field to cut or round them';
    END IF;
END $$;
ALTER TABLE item ALTER COLUMN code TYPE CHAR(3) USING code::CHAR(3);

COMMIT;
