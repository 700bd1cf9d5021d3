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
    ticket_id BIGINT REFERENCES tickets (id),
    status TEXT NOT NULL DEFAULT 'pending',
    next_attempt_at TIMESTAMP,
    claimed_until TIMESTAMP
);
INSERT INTO outbox_old (id, kind, recipient, subject, body_text, created_at, sent_at, attempts,
        last_error, body_html, message_id, in_reply_to, refs, ticket_id, status, next_attempt_at,
        claimed_until)
    SELECT o.id, o.kind, o.recipient, o.subject, o.body_text, o.created_at, j.finished_at, j.attempts,
        j.last_error, o.body_html, o.message_id, o.in_reply_to, o.refs, o.ticket_id,
        CASE j.status WHEN 'running' THEN 'sending' WHEN 'done' THEN 'sent' ELSE j.status END,
        CASE WHEN j.status = 'pending' THEN j.run_at END, j.lease_until
    FROM outbox o JOIN jobs j ON j.id = o.job_id;
DROP TABLE outbox;
ALTER TABLE outbox_old RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_message_id ON outbox (message_id);
DROP TABLE jobs;
