-- codegen migration 20260101000001_named_enum_renamed (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   named_enum_renamed
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (1):
--   ~ rename enum mpaa_rating to film_rating
--
-- Hazards: none

BEGIN;

ALTER TYPE mpaa_rating RENAME TO film_rating;

COMMIT;
