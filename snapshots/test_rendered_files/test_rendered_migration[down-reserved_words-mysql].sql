-- codegen migration 20260101000000_create_reserved_words (down)
--
-- id:        20260101000000
-- parent:    none
-- message:   create reserved_words
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   - drop table order
--   - drop table user
--
-- HAZARD data loss: order: the table and all its rows are deleted
-- HAZARD not reversible: order: undoing this recreates the table empty
-- HAZARD data loss: user: the table and all its rows are deleted
-- HAZARD not reversible: user: undoing this recreates the table empty
-- HAZARD non-transactional: 20260101000000_create_reserved_words: mysql commits each of these 2 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

DROP TABLE `order`;

DROP TABLE user;
