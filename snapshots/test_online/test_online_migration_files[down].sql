-- codegen migration 20260101000001_every_online_form (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   every online form
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (7):
--   - drop foreign key fk_event_account_id_account on event
--   - drop unique constraint uq_event_code on event
--   - drop check ck_event_code_format on event
--   - drop index ix_event_amount on event
--   ~ alter column event.note: NOT NULL -> NULL
--   - drop column event.region
--   + create index ix_event_note on event (note)
--
-- Settings: lock_timeout 5s, statement_timeout 0 (codegen.yaml `postgresql:`): a statement that waits longer for its lock fails, instead of queueing the queries behind it.
-- Online: the transaction holds only brief locks. The 2 statements after COMMIT run one by one, outside any transaction (CREATE INDEX CONCURRENTLY cannot run in one), and may run twice: if one fails, `codegen migrate` runs them again, after dropping an index a failed build left INVALID.
--
-- HAZARD data loss: event.region: the column and its values are deleted
-- HAZARD not reversible: event.region: undoing this brings the column back empty

SET lock_timeout = '5s';
SET statement_timeout = '0';

BEGIN;

ALTER TABLE event DROP CONSTRAINT fk_event_account_id_account;

ALTER TABLE event DROP CONSTRAINT uq_event_code;

ALTER TABLE event DROP CONSTRAINT ck_event_code_format;

ALTER TABLE event ALTER COLUMN note DROP NOT NULL;

ALTER TABLE event DROP COLUMN region;

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS ix_event_amount;

CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_event_note ON event (note);
