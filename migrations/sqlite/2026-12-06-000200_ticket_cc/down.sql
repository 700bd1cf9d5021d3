ALTER TABLE thread_entries DROP COLUMN bcc;
DROP TABLE ticket_cc;
