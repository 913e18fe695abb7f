-- codegen migration 20260101000001_named_enum_renamed (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   named_enum_renamed
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ rename enum film_rating to mpaa_rating
--
-- Hazards: none

BEGIN;

ALTER TYPE film_rating RENAME TO mpaa_rating;

COMMIT;
