-- A picture shown inside its message: the name its HTML gives it (`<img src="cid:…">`), from the
-- mail part's Content-ID or the attached file's name. NULL for a file that is only attached.
ALTER TABLE attachments ADD COLUMN content_id TEXT;
-- The thread entry whose files a mail carries (a response mailed with its attachments).
ALTER TABLE outbox ADD COLUMN entry_id BIGINT REFERENCES thread_entries (id);
