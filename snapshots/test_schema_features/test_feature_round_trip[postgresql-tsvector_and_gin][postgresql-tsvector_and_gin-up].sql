-- codegen migration 20260101000001_tsvector_and_gin (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   tsvector_and_gin
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   + add column item.body tsvector NULL
--   + create index ix_item_body on item using gin (body)
--
-- HAZARD long lock: item: building ix_item_body blocks writes to the table until it is done

BEGIN;

ALTER TABLE item ADD COLUMN body TSVECTOR;

CREATE INDEX ix_item_body ON item USING gin (body);

COMMIT;
