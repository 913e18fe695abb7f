-- codegen migration 20260101000001_rename_table (down)
--
-- id:        20260101000001
-- parent:    20260101000000
-- message:   rename_table
-- dialect:   mysql
-- generator: codegen 0.1.0
-- created:   2026-01-01T00:00:00Z
--
-- Changes (5):
--   ~ rename foreign key fk_invoice_client_id_customer to fk_invoice_client_id_client on invoice
--   ~ rename unique constraint uq_customer_email to uq_client_email on customer
--   ~ rename primary key pk_customer to pk_client on customer
--   ~ rename check ck_customer_email_has_at to ck_client_email_has_at on customer
--   ~ rename table customer to client
--
-- HAZARD non-transactional: 20260101000001_rename_table: mysql commits each of these 6 statements on its own: if one fails, those before it stay applied; `codegen migrate` then marks the migration dirty and stops, and `codegen status` says how to finish or undo it by hand

ALTER TABLE invoice DROP FOREIGN KEY fk_invoice_client_id_customer;
ALTER TABLE invoice ADD CONSTRAINT fk_invoice_client_id_client FOREIGN KEY (client_id) REFERENCES customer (id) ON DELETE CASCADE;

ALTER TABLE customer RENAME INDEX uq_customer_email TO uq_client_email;

-- the primary key keeps MySQL's name PRIMARY: nothing to rename

ALTER TABLE customer DROP CONSTRAINT ck_customer_email_has_at;
ALTER TABLE customer ADD CONSTRAINT ck_client_email_has_at CHECK (email LIKE '%@%');

RENAME TABLE customer TO client;
