-- codegen migration 20260101000001_enum_arrays (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   enum_arrays
-- dialect:   postgresql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (2):
--   ~ alter column item.tags: type enum(x, y, z)[] -> enum(x, y)[]
--   ~ alter column item.moods: type enum(sad, happy, meh)[] -> enum(happy, sad)[]
--
-- HAZARD data loss: item.tags: enum values z are removed: rows holding them make the migration fail
-- HAZARD table rewrite: item.tags: the enum type is rebuilt and the column cast to it
-- HAZARD data loss: item.moods: enum values meh are removed: rows holding them make the migration fail
-- HAZARD table rewrite: item.moods: the enum type is rebuilt and the column cast to it

BEGIN;

ALTER TYPE tag RENAME TO tag__old;
CREATE TYPE tag AS ENUM ('x', 'y');
ALTER TABLE item ALTER COLUMN tags DROP DEFAULT;
ALTER TABLE item ALTER COLUMN tags TYPE tag[] USING tags::text::tag[];
DROP TYPE tag__old;
ALTER TABLE item ALTER COLUMN tags SET DEFAULT '{x}';

ALTER TYPE item_moods RENAME TO item_moods__old;
CREATE TYPE item_moods AS ENUM ('happy', 'sad');
ALTER TABLE item ALTER COLUMN moods TYPE item_moods[] USING moods::text::item_moods[];
DROP TYPE item_moods__old;

COMMIT;
