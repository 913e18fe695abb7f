-- codegen migration 20260101000001_index_features (up)
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
--   + create index ix_item_created_brin on item using brin (created)
--   + create index ix_item_created_id on item (created desc nulls last, id) include (name)
--   + create unique index ix_item_lower_name on item ((lower(name)))
--   + create index ix_item_name on item using hash (name)
--
-- HAZARD long lock: item: building ix_item_created_brin blocks writes to the table until it is done
-- HAZARD long lock: item: building ix_item_created_id blocks writes to the table until it is done
-- HAZARD long lock: item: building ix_item_lower_name blocks writes to the table until it is done
-- HAZARD long lock: item: building ix_item_name blocks writes to the table until it is done

BEGIN;

DROP INDEX ix_item_name;

CREATE INDEX ix_item_created_brin ON item USING brin (created);

CREATE INDEX ix_item_created_id ON item (created DESC NULLS LAST, id) INCLUDE (name);

CREATE UNIQUE INDEX ix_item_lower_name ON item ((lower(name)));

CREATE INDEX ix_item_name ON item USING hash (name);

COMMIT;
