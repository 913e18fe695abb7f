-- codegen migration 20260101000001_identity_in_composite_key_created (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   identity_in_composite_key_created
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   + create table event (3 columns)
--
-- Hazards: none

CREATE TABLE event (
    tenant INT NOT NULL,
    id BIGINT NOT NULL AUTO_INCREMENT,
    what VARCHAR(255) NOT NULL,
    CONSTRAINT pk_event PRIMARY KEY (tenant, id),
    INDEX ix_event_id (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
