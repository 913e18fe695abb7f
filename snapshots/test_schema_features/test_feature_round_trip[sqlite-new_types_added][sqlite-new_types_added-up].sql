-- codegen migration 20260101000001_new_types_added (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   new_types_added
-- dialect:   sqlite
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
-- Hazards: none

BEGIN;

ALTER TABLE item ADD COLUMN code TEXT;

ALTER TABLE item ADD COLUMN doc TEXT;

ALTER TABLE item ADD COLUMN fixed TEXT NOT NULL DEFAULT 'ab';

ALTER TABLE item ADD COLUMN host TEXT;

ALTER TABLE item ADD COLUMN mac TEXT;

ALTER TABLE item ADD COLUMN net TEXT;

ALTER TABLE item ADD COLUMN score REAL;

COMMIT;
