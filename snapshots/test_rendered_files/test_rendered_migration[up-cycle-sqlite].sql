-- codegen migration 20260101000000_create_cycle (up)
--
-- id:        20260101000000
-- parent:    none
-- message:   create cycle
-- dialect:   sqlite
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + create table author (3 columns)
--   + create table book (2 columns)
--
-- Hazards: none

BEGIN;

CREATE TABLE author (
    id INTEGER NOT NULL,
    favourite_book_id INTEGER,
    mentor_id INTEGER,
    CONSTRAINT pk_author PRIMARY KEY (id),
    CONSTRAINT fk_author_favourite_book_id_book FOREIGN KEY (favourite_book_id) REFERENCES book (id) ON DELETE SET NULL,
    CONSTRAINT fk_author_mentor_id_author FOREIGN KEY (mentor_id) REFERENCES author (id) ON DELETE SET NULL
);

CREATE INDEX ix_author_favourite_book_id ON author (favourite_book_id);

CREATE INDEX ix_author_mentor_id ON author (mentor_id);

CREATE TABLE book (
    id INTEGER NOT NULL,
    author_id INTEGER NOT NULL,
    CONSTRAINT pk_book PRIMARY KEY (id),
    CONSTRAINT fk_book_author_id_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE
);

CREATE INDEX ix_book_author_id ON book (author_id);

COMMIT;
