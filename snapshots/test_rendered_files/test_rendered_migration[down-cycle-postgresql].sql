-- codegen migration 20260101000000_create_cycle (down)
--
-- id:        20260101000000
-- parent:    none
-- message:   create cycle
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (3):
--   - drop foreign key fk_author_favourite_book_id_book on author
--   - drop table book
--   - drop table author
--
-- HAZARD data loss: book: the table and all its rows are deleted
-- HAZARD not reversible: book: undoing this recreates the table empty
-- HAZARD data loss: author: the table and all its rows are deleted
-- HAZARD not reversible: author: undoing this recreates the table empty

BEGIN;

ALTER TABLE author DROP CONSTRAINT fk_author_favourite_book_id_book;

DROP TABLE book;

DROP TABLE author;

COMMIT;
