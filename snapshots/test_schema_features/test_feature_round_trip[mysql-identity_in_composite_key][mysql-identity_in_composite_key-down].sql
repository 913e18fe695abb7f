-- codegen migration 20260101000001_identity_in_composite_key (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   identity_in_composite_key
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column event.id: autoincrement off
--   - drop index ix_event_id on event
--
-- HAZARD non-transactional: 20260101000001_identity_in_composite_key: mysql commits each of these 2 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE event MODIFY COLUMN id BIGINT NOT NULL;

DROP INDEX ix_event_id ON event;
