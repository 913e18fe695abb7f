-- codegen migration 20260101000001_new_types_changed (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   new_types_changed
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ rebuild table item (SQLite cannot alter it in place)
--       ~ alter column item.code: type char(3) -> char(5)
--       ~ alter column item.score: type real -> float
--
-- HAZARD table rewrite: item: every row is copied into a new table
-- HAZARD data loss: item.code: char(3) -> char(5) may truncate values or fail on rows that do not convert
-- HAZARD data loss: item.score: real -> float may truncate values or fail on rows that do not convert

PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE _codegen_new_item (
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    code TEXT NOT NULL,
    score REAL,
    CONSTRAINT pk_item PRIMARY KEY (id)
);

INSERT INTO _codegen_new_item (id, name, code, score)
SELECT id, name, code, score
FROM item;

DROP TABLE item;

ALTER TABLE _codegen_new_item RENAME TO item;

-- PRAGMA foreign_key_check only reports; this fails, and so rolls back, when a row points at nothing.
CREATE TEMP TABLE _codegen_foreign_key_check ("table" TEXT, CONSTRAINT "a row references a missing parent (see PRAGMA foreign_key_check)" CHECK ("table" IS NULL));
INSERT INTO _codegen_foreign_key_check SELECT "table" FROM pragma_foreign_key_check;
DROP TABLE _codegen_foreign_key_check;

COMMIT;

PRAGMA foreign_keys = ON;
