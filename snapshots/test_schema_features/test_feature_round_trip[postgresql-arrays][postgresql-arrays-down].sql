-- codegen migration 20260101000001_arrays (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   arrays
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.tags: type text[] -> string(20)[]
--   - drop column item.scores
--
-- HAZARD data loss: item.tags: text[] -> string(20)[]: the migration stops before changing anything when a row holds a value that does not fit, and says how many; `truncate: true` on the field cuts them instead
-- HAZARD table rewrite: item.tags: changing the type rewrites the table and its indexes under an ACCESS EXCLUSIVE lock: every read and write of the table waits until it is done (on a big table: add a column of the new type, fill it in batches, then switch)
-- HAZARD data loss: item.scores: the column and its values are deleted
-- HAZARD not reversible: item.scores: undoing this brings the column back empty

BEGIN;

DO $$
DECLARE lost bigint;
BEGIN
    SELECT count(*) INTO lost FROM item WHERE EXISTS (SELECT FROM unnest(tags) AS element WHERE length(element) > 20);
    IF lost > 0 THEN
        RAISE EXCEPTION 'codegen: % row(s) of item.tags do not fit VARCHAR(20)[]; nothing was changed', lost
            USING HINT = 'change those values first, or add `truncate: true` to the field to cut or round them';
    END IF;
END $$;
ALTER TABLE item ALTER COLUMN tags TYPE VARCHAR(20)[] USING tags::VARCHAR(20)[];

ALTER TABLE item DROP COLUMN scores;

COMMIT;
