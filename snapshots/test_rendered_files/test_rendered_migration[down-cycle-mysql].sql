-- codegen migration 20260101000000_create_cycle (down)
--
-- id:        20260101000000
-- parent:    none
-- message:   create cycle
-- dialect:   mysql
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
-- HAZARD non-transactional: 20260101000000_create_cycle: mysql commits each of these 3 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE author DROP FOREIGN KEY fk_author_favourite_book_id_book;

DROP TABLE book;

DROP TABLE author;
