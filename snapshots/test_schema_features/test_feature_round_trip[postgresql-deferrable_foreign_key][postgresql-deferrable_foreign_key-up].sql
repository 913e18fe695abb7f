-- codegen migration 20260101000001_deferrable_foreign_key (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   deferrable_foreign_key
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   - drop foreign key fk_node_parent_id_node on node
--   + add foreign key fk_node_parent_id_node on node -> node
--
-- HAZARD long lock: node: adding fk_node_parent_id_node checks every existing row under a lock that blocks writes; the migration fails if a row references a missing parent

BEGIN;

ALTER TABLE node DROP CONSTRAINT fk_node_parent_id_node;

ALTER TABLE node ADD CONSTRAINT fk_node_parent_id_node FOREIGN KEY (parent_id) REFERENCES node (id) DEFERRABLE INITIALLY DEFERRED;

COMMIT;
