-- codegen migration 20260101000000_create_all_types (up)
--
-- id:        20260101000000
-- parent:    none
-- message:   create all_types
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   + create table thing (22 columns)
--
-- Hazards: none

CREATE TABLE thing (
    id BIGINT NOT NULL AUTO_INCREMENT,
    small SMALLINT NOT NULL DEFAULT -3,
    whole INT NULL,
    big BIGINT NOT NULL DEFAULT 9000000000,
    short_text VARCHAR(40) NOT NULL DEFAULT 'it''s -- not a comment',
    long_text VARCHAR(255) NOT NULL DEFAULT '',
    `body` TEXT NULL COMMENT '''); DROP TABLE thing; --',
    flag BOOLEAN NOT NULL DEFAULT FALSE,
    amount DECIMAL(8, 3) NOT NULL DEFAULT 1.5,
    plain_number DECIMAL(65, 30) NULL,
    ratio DOUBLE NOT NULL DEFAULT 0.25,
    day DATE NOT NULL DEFAULT '2024-02-29',
    moment TIME NULL,
    moment_tz TIME NULL,
    seen_at DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    seen_at_tz TIMESTAMP(6) NULL,
    external_id CHAR(36) NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
    payload JSON NOT NULL DEFAULT ('{}'),
    `blob` LONGBLOB NULL,
    short_blob VARBINARY(16) NULL,
    mood ENUM('happy', 'it''s complicated', 'sad') NOT NULL DEFAULT 'it''s complicated',
    computed INT NOT NULL DEFAULT (1 + 1),
    CONSTRAINT pk_thing PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci COMMENT='Every logical type; the comment''s quote '' and -- must stay inside the literal';
