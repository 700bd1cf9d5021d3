ALTER TABLE thread_entries DROP COLUMN unverified;
