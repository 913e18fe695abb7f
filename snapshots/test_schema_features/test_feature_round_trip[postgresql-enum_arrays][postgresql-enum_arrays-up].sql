-- codegen migration 20260101000001_enum_arrays (up)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   enum_arrays
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.moods: type enum(happy, sad)[] -> enum(sad, happy, meh)[]
--   ~ alter column item.tags: type enum(x, y)[] -> enum(x, y, z)[]
--
-- HAZARD table rewrite: item.moods: the enum type is rebuilt and the column cast to it

BEGIN;

ALTER TYPE item_moods RENAME TO item_moods__old;
CREATE TYPE item_moods AS ENUM ('sad', 'happy', 'meh');
ALTER TABLE item ALTER COLUMN moods TYPE item_moods[] USING moods::text::item_moods[];
DROP TYPE item_moods__old;

ALTER TYPE tag ADD VALUE 'z' AFTER 'y';

COMMIT;
