"""runner: the SQL migrations applied to, and undone on, a live database (DESIGN.md's
`migrations/ ──runner──▶ live database`). scripts: a file's statements and transaction;
history_table: the `codegen_migrations` rows; status: files against history; session: the
commands, under a lock, one transaction per migration."""
