-- codegen migration 20260101000001_enum_remove_and_reorder (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   enum_remove_and_reorder
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ alter column ticket.state: type enum(closed, open, waiting) -> enum(open, stale, closed), default 'waiting' -> 'open'
--
-- HAZARD data loss: ticket.state: enum values waiting are removed: rows holding them make the migration fail
-- HAZARD table rewrite: ticket.state: MODIFY COLUMN copies the table, storing each value by its new position in the list

ALTER TABLE ticket MODIFY COLUMN state ENUM('open', 'stale', 'closed') NOT NULL DEFAULT 'open';
