-- codegen migration 20260101000000_create_all_types (down)
--
-- id:        20260101000000
-- parent:    none
-- message:   create all_types
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   - drop table thing
--
-- HAZARD data loss: thing: the table and all its rows are deleted
-- HAZARD not reversible: thing: undoing this recreates the table empty

DROP TABLE thing;
