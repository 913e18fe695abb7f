-- codegen migration 20260101000001_new_types_added (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   new_types_added
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (7):
--   + add column item.code char(3) NULL
--   + add column item.doc xml NULL
--   + add column item.fixed char(2) NOT NULL
--   + add column item.host inet NULL
--   + add column item.mac macaddr NULL
--   + add column item.net cidr NULL
--   + add column item.score real NULL
--
-- HAZARD non-transactional: 20260101000001_new_types_added: mysql commits each of these 7 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE item ADD COLUMN code CHAR(3) NULL;

ALTER TABLE item ADD COLUMN doc MEDIUMTEXT NULL;

ALTER TABLE item ADD COLUMN fixed CHAR(2) NOT NULL DEFAULT 'ab';

ALTER TABLE item ADD COLUMN host VARCHAR(49) NULL;

ALTER TABLE item ADD COLUMN mac CHAR(17) NULL;

ALTER TABLE item ADD COLUMN net VARCHAR(49) NULL;

ALTER TABLE item ADD COLUMN score FLOAT NULL;
