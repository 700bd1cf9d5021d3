ALTER TABLE outbox DROP COLUMN entry_id;
ALTER TABLE attachments DROP COLUMN content_id;
