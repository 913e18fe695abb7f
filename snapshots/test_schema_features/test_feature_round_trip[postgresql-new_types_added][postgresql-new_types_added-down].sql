-- codegen migration 20260101000001_new_types_added (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   new_types_added
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (7):
--   - drop column item.score
--   - drop column item.net
--   - drop column item.mac
--   - drop column item.host
--   - drop column item.fixed
--   - drop column item.doc
--   - drop column item.code
--
-- HAZARD data loss: item.score: the column and its values are deleted
-- HAZARD not reversible: item.score: undoing this brings the column back empty
-- HAZARD data loss: item.net: the column and its values are deleted
-- HAZARD not reversible: item.net: undoing this brings the column back empty
-- HAZARD data loss: item.mac: the column and its values are deleted
-- HAZARD not reversible: item.mac: undoing this brings the column back empty
-- HAZARD data loss: item.host: the column and its values are deleted
-- HAZARD not reversible: item.host: undoing this brings the column back empty
-- HAZARD data loss: item.fixed: the column and its values are deleted
-- HAZARD not reversible: item.fixed: undoing this brings the column back empty
-- HAZARD data loss: item.doc: the column and its values are deleted
-- HAZARD not reversible: item.doc: undoing this brings the column back empty
-- HAZARD data loss: item.code: the column and its values are deleted
-- HAZARD not reversible: item.code: undoing this brings the column back empty

BEGIN;

ALTER TABLE item DROP COLUMN score;

ALTER TABLE item DROP COLUMN net;

ALTER TABLE item DROP COLUMN mac;

ALTER TABLE item DROP COLUMN host;

ALTER TABLE item DROP COLUMN fixed;

ALTER TABLE item DROP COLUMN doc;

ALTER TABLE item DROP COLUMN code;

COMMIT;
