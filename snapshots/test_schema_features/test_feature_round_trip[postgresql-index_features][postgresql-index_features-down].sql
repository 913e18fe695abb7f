-- codegen migration 20260101000001_index_features (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   index_features
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (5):
--   - drop index ix_item_name on item
--   - drop index ix_item_lower_name on item
--   - drop index ix_item_created_id on item
--   - drop index ix_item_created_brin on item
--   + create index ix_item_name on item (name)
--
-- HAZARD long lock: item: building ix_item_name blocks writes to the table until it is done

BEGIN;

DROP INDEX ix_item_name;

DROP INDEX ix_item_lower_name;

DROP INDEX ix_item_created_id;

DROP INDEX ix_item_created_brin;

CREATE INDEX ix_item_name ON item (name);

COMMIT;
