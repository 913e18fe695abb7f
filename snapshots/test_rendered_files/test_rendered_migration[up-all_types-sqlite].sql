-- codegen migration 20260101000000_create_all_types (up)
--
-- id:        20260101000000
-- parent:    none
-- message:   create all_types
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   + create table thing (22 columns)
--
-- Hazards: none

BEGIN;

CREATE TABLE thing (
    id INTEGER NOT NULL CONSTRAINT pk_thing PRIMARY KEY AUTOINCREMENT,
    small INTEGER NOT NULL DEFAULT -3,
    whole INTEGER,
    big INTEGER NOT NULL DEFAULT 9000000000,
    short_text TEXT NOT NULL DEFAULT 'it''s -- not a comment',
    long_text TEXT NOT NULL DEFAULT '',
    body TEXT,
    flag BOOLEAN NOT NULL DEFAULT 0,
    amount NUMERIC NOT NULL DEFAULT 1.5,
    plain_number NUMERIC,
    ratio REAL NOT NULL DEFAULT 0.25,
    day DATE NOT NULL DEFAULT '2024-02-29',
    moment TIME,
    moment_tz TIME,
    seen_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    seen_at_tz TIMESTAMP,
    external_id CHAR(36) NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    payload JSON NOT NULL DEFAULT '{}',
    blob BLOB,
    short_blob BLOB,
    mood TEXT NOT NULL DEFAULT 'it''s complicated' CONSTRAINT ck_thing_mood_values CHECK (mood IN ('happy', 'it''s complicated', 'sad')),
    computed INTEGER NOT NULL DEFAULT (1 + 1)
);

COMMIT;
