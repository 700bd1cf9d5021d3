-- Why the sender of a mail on the thread is not verified (mail::trust); NULL: verified, or not mail.
ALTER TABLE thread_entries ADD COLUMN unverified TEXT;
