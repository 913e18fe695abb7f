-- codegen migration 20260101000000_create_reserved_words (up)
--
-- id:        20260101000000
-- parent:    none
-- message:   create reserved_words
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + create table user (4 columns)
--   + create table order (3 columns)
--
-- Hazards: none

BEGIN;

CREATE TABLE user (
    id INTEGER NOT NULL CONSTRAINT pk_user PRIMARY KEY AUTOINCREMENT,
    "select" TEXT NOT NULL,
    "from" TEXT,
    "Group" TEXT,
    CONSTRAINT uq_user_select UNIQUE ("select")
);

CREATE INDEX ix_user_from ON user ("from");

CREATE TABLE "order" (
    id INTEGER NOT NULL,
    user INTEGER NOT NULL,
    "table" TEXT NOT NULL CONSTRAINT ck_order_table_values CHECK ("table" IN ('a', 'b')),
    CONSTRAINT pk_order PRIMARY KEY (id),
    CONSTRAINT fk_order_user_user FOREIGN KEY (user) REFERENCES user (id),
    CONSTRAINT ck_order_where CHECK ("user" > 0)
);

CREATE INDEX ix_order_table_user ON "order" ("table", user) WHERE "table" = 'a';

CREATE INDEX ix_order_user ON "order" (user);

COMMIT;
