-- codegen migration 20260101000001_every_online_form (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   every online form
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (7):
--   - drop index ix_event_note on event
--   + add column event.region string(8) NOT NULL (existing rows get 'eu')
--   ~ alter column event.note: NULL -> NOT NULL
--   + create index ix_event_amount on event (amount)
--   + add check ck_event_code_format on event
--   + add unique constraint uq_event_code on event
--   + add foreign key fk_event_account_id_account on event -> account
--
-- Settings: lock_timeout 5s, statement_timeout 0 (codegen.yaml `postgresql:`): a statement that waits longer for its lock fails, instead of queueing the queries behind it.
-- Online: the transaction holds only brief locks. The 18 statements after COMMIT run one by one, outside any transaction (CREATE INDEX CONCURRENTLY cannot run in one), and may run twice: if one fails, `codegen migrate` runs them again, after dropping an index a failed build left INVALID.
--
-- HAZARD long lock: event.region: one UPDATE fills the NULLs (every row, for a new column): writes to the rows it changes wait until it ends; on a big table, fill them in batches before this migration
-- HAZARD long lock: event.note: one UPDATE fills the NULLs (every row, for a new column): writes to the rows it changes wait until it ends; on a big table, fill them in batches before this migration

SET lock_timeout = '5s';
SET statement_timeout = '0';

BEGIN;

ALTER TABLE event ADD COLUMN region VARCHAR(8);

ALTER TABLE event ADD CONSTRAINT ck_event_code_format CHECK (code ~ '^c[0-9]+$') NOT VALID;

ALTER TABLE event ADD CONSTRAINT fk_event_account_id_account FOREIGN KEY (account_id) REFERENCES account (id) NOT VALID;

COMMIT;

DROP INDEX CONCURRENTLY IF EXISTS ix_event_note;

UPDATE event SET region = 'eu' WHERE region IS NULL;

ALTER TABLE event DROP CONSTRAINT IF EXISTS codegen_nn_event_region;

ALTER TABLE event ADD CONSTRAINT codegen_nn_event_region CHECK (region IS NOT NULL) NOT VALID;

ALTER TABLE event VALIDATE CONSTRAINT codegen_nn_event_region;

ALTER TABLE event ALTER COLUMN region SET NOT NULL;

ALTER TABLE event DROP CONSTRAINT IF EXISTS codegen_nn_event_region;

UPDATE event SET note = 'none' WHERE note IS NULL;

ALTER TABLE event DROP CONSTRAINT IF EXISTS codegen_nn_event_note;

ALTER TABLE event ADD CONSTRAINT codegen_nn_event_note CHECK (note IS NOT NULL) NOT VALID;

ALTER TABLE event VALIDATE CONSTRAINT codegen_nn_event_note;

ALTER TABLE event ALTER COLUMN note SET NOT NULL;

ALTER TABLE event DROP CONSTRAINT IF EXISTS codegen_nn_event_note;

CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_event_amount ON event (amount);

ALTER TABLE event VALIDATE CONSTRAINT ck_event_code_format;

CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_event_code ON event (code);

DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_constraint WHERE conname = 'uq_event_code' AND conrelid = 'event'::regclass) THEN
        ALTER TABLE event ADD CONSTRAINT uq_event_code UNIQUE USING INDEX uq_event_code;
    END IF;
END $$;

ALTER TABLE event VALIDATE CONSTRAINT fk_event_account_id_account;
