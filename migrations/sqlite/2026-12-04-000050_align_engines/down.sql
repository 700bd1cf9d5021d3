-- Back to the schema of 2026-11-26-000001_mail: outbox.ticket_id without its constraint,
-- tickets.time_spent declared INTEGER.
CREATE TABLE outbox_old (
    id INTEGER PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    body_html TEXT,
    message_id TEXT,
    in_reply_to TEXT,
    refs TEXT,
    ticket_id BIGINT,
    status TEXT NOT NULL DEFAULT 'pending',
    next_attempt_at TIMESTAMP,
    claimed_until TIMESTAMP
);
INSERT INTO outbox_old SELECT id, kind, recipient, subject, body_text, created_at, sent_at,
    attempts, last_error, body_html, message_id, in_reply_to, refs, ticket_id, status,
    next_attempt_at, claimed_until FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_message_id ON outbox (message_id);

ALTER TABLE tickets ADD COLUMN time_spent_integer INTEGER NOT NULL DEFAULT 0;
UPDATE tickets SET time_spent_integer = time_spent;
ALTER TABLE tickets DROP COLUMN time_spent;
ALTER TABLE tickets RENAME COLUMN time_spent_integer TO time_spent;
