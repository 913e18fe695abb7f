-- codegen migration 20260101000001_generated_columns (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   generated_columns
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ rebuild table item (SQLite cannot alter it in place)
--       + add column item.lowered string(40) NULL generated as (lower(name))
--       ~ alter column item.doubled: generated length(name) * 2 -> length(name) * 3
--
-- HAZARD table rewrite: item: every row is copied into a new table

PRAGMA foreign_keys = OFF;

BEGIN;

CREATE TABLE _codegen_new_item (
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    doubled INTEGER GENERATED ALWAYS AS (length(name) * 3) STORED NOT NULL,
    lowered TEXT GENERATED ALWAYS AS (lower(name)) STORED,
    CONSTRAINT pk_item PRIMARY KEY (id)
);

INSERT INTO _codegen_new_item (id, name)
SELECT id, name
FROM item;

DROP TABLE item;

ALTER TABLE _codegen_new_item RENAME TO item;

-- PRAGMA foreign_key_check only reports; this fails, and so rolls back, when a row points at nothing.
CREATE TEMP TABLE _codegen_foreign_key_check ("table" TEXT, CONSTRAINT "a row references a missing parent (see PRAGMA foreign_key_check)" CHECK ("table" IS NULL));
INSERT INTO _codegen_foreign_key_check SELECT "table" FROM pragma_foreign_key_check;
DROP TABLE _codegen_foreign_key_check;

COMMIT;

PRAGMA foreign_keys = ON;
