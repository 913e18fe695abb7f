-- codegen migration 20260101000000_create_reserved_words (up)
--
-- id:        20260101000000
-- parent:    none
-- message:   create reserved_words
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + create table user (4 columns)
--   + create table order (3 columns)
--
-- HAZARD non-transactional: 20260101000000_create_reserved_words: mysql commits each of these 2 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

CREATE TABLE user (
    id INT NOT NULL AUTO_INCREMENT,
    `select` VARCHAR(255) NOT NULL,
    `from` VARCHAR(255) NULL,
    `Group` VARCHAR(255) NULL,
    CONSTRAINT pk_user PRIMARY KEY (id),
    CONSTRAINT uq_user_select UNIQUE (`select`),
    INDEX ix_user_from (`from`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `order` (
    id INT NOT NULL,
    user INT NOT NULL,
    `table` ENUM('a', 'b') NOT NULL,
    CONSTRAINT pk_order PRIMARY KEY (id),
    CONSTRAINT fk_order_user_user FOREIGN KEY (user) REFERENCES user (id),
    CONSTRAINT ck_order_where CHECK (`user` > 0),
    INDEX ix_order_table_user (`table`, user),
    INDEX ix_order_user (user)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
