-- Email in and out. The outbox becomes a delivery queue with states, retries and threading
-- headers; thread entries remember the Message-ID of the mail they came from (replies thread
-- onto their ticket by it); people may turn ticket notifications off; administrators edit the
-- mail templates; every inbound mail is recorded once (the deduplication key), and the ones that
-- could not be read are kept for an administrator (the quarantine).
ALTER TABLE outbox ADD COLUMN body_html TEXT;
-- "<TCK-1042.5f3a…@desk.example.com>", fixed when queued, so every retry carries the same one.
ALTER TABLE outbox ADD COLUMN message_id TEXT;
ALTER TABLE outbox ADD COLUMN in_reply_to TEXT;
-- Space-separated Message-IDs (the References header; "references" is an SQL keyword).
ALTER TABLE outbox ADD COLUMN refs TEXT;
ALTER TABLE outbox ADD COLUMN ticket_id BIGINT REFERENCES tickets (id);
-- pending → sending → sent | failed; "unsure" when the connection broke after the message was
-- handed over (it may have arrived: it is not sent again on its own).
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'pending';
-- NULL: due now.
ALTER TABLE outbox ADD COLUMN next_attempt_at TIMESTAMP;
-- While a worker sends it; a row whose lease ran out (the worker died before the hand-over) is due again.
ALTER TABLE outbox ADD COLUMN claimed_until TIMESTAMP;
UPDATE outbox SET status = 'sent' WHERE sent_at IS NOT NULL;
DROP INDEX outbox_unsent;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_message_id ON outbox (message_id);

ALTER TABLE thread_entries ADD COLUMN message_id TEXT;
CREATE INDEX thread_entries_message_id ON thread_entries (message_id);

ALTER TABLE users ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT TRUE;

CREATE TABLE mail_templates (
    kind TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE inbound_mail (
    id BIGSERIAL PRIMARY KEY,
    -- Without angle brackets; "sha256-…@missing.oxidesk" for mail that has none.
    message_id TEXT NOT NULL UNIQUE,
    -- imap or pipe
    source TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL,
    -- ticket, reply, auto, ignored or quarantined
    outcome TEXT NOT NULL,
    sender TEXT NOT NULL,
    subject TEXT NOT NULL,
    ticket_id BIGINT REFERENCES tickets (id),
    entry_id BIGINT REFERENCES thread_entries (id),
    -- Why it was ignored or quarantined.
    reason TEXT,
    -- The message as received, kept for quarantined mail only.
    raw BYTEA
);
CREATE INDEX inbound_mail_outcome ON inbound_mail (outcome, id);
