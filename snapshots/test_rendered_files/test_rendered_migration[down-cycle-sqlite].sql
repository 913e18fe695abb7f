-- codegen migration 20260101000000_create_cycle (down)
--
-- id:        20260101000000
-- parent:    none
-- message:   create cycle
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   - drop table book
--   - drop table author
--
-- HAZARD data loss: book: the table and all its rows are deleted
-- HAZARD not reversible: book: undoing this recreates the table empty
-- HAZARD data loss: author: the table and all its rows are deleted
-- HAZARD not reversible: author: undoing this recreates the table empty

PRAGMA foreign_keys = OFF;

BEGIN;

DROP TABLE book;

DROP TABLE author;

-- PRAGMA foreign_key_check only reports; this fails, and so rolls back, when a row points at nothing.
CREATE TEMP TABLE _codegen_foreign_key_check ("table" TEXT, CONSTRAINT "a row references a missing parent (see PRAGMA foreign_key_check)" CHECK ("table" IS NULL));
INSERT INTO _codegen_foreign_key_check SELECT "table" FROM pragma_foreign_key_check;
DROP TABLE _codegen_foreign_key_check;

COMMIT;

PRAGMA foreign_keys = ON;
