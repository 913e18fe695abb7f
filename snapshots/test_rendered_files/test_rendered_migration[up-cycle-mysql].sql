-- codegen migration 20260101000000_create_cycle (up)
--
-- id:        20260101000000
-- parent:    none
-- message:   create cycle
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (3):
--   + create table author (3 columns)
--   + create table book (2 columns)
--   + add foreign key fk_author_favourite_book_id_book on author -> book
--
-- HAZARD non-transactional: 20260101000000_create_cycle: mysql commits each of these 3 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

CREATE TABLE author (
    id INT NOT NULL,
    favourite_book_id INT NULL,
    mentor_id INT NULL,
    CONSTRAINT pk_author PRIMARY KEY (id),
    CONSTRAINT fk_author_mentor_id_author FOREIGN KEY (mentor_id) REFERENCES author (id) ON DELETE SET NULL,
    INDEX ix_author_favourite_book_id (favourite_book_id),
    INDEX ix_author_mentor_id (mentor_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE book (
    id INT NOT NULL,
    author_id INT NOT NULL,
    CONSTRAINT pk_book PRIMARY KEY (id),
    CONSTRAINT fk_book_author_id_author FOREIGN KEY (author_id) REFERENCES author (id) ON DELETE CASCADE,
    INDEX ix_book_author_id (author_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE author ADD CONSTRAINT fk_author_favourite_book_id_book FOREIGN KEY (favourite_book_id) REFERENCES book (id) ON DELETE SET NULL;
