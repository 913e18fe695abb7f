"""runner: the SQL migrations applied to, and undone on, a live database (DESIGN.md's
`migrations/ ──runner──▶ live database`). scripts: a file's statements and transaction;
history_table: the `codegen_migrations` rows; status: files against history; session: the
connection, its lock, one migration in its transaction; commands: migrate, rollback, stamp."""
