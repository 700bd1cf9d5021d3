-- Two places where the SQLite schema had drifted from PostgreSQL's (found by make test-schema,
-- scripts/check-schema.sh, which compares diesel's print-schema of both engines with schema.rs).
-- The PostgreSQL twin of this migration changes nothing.

-- 1. tickets.time_spent was declared INTEGER here (2026-11-24 desk) and BIGINT on PostgreSQL and in
-- schema.rs. SQLite stores both as the same 64-bit integers, so no value changes; only the declared
-- type does, which is what diesel's print-schema reads. SQLite cannot change a column's type: add
-- the new one, copy, drop the old one, rename. The column stays the table's last.
ALTER TABLE tickets ADD COLUMN time_spent_bigint BIGINT NOT NULL DEFAULT 0;
UPDATE tickets SET time_spent_bigint = time_spent;
ALTER TABLE tickets DROP COLUMN time_spent;
ALTER TABLE tickets RENAME COLUMN time_spent_bigint TO time_spent;

-- 2. outbox.ticket_id got no REFERENCES tickets (id) here (2026-11-26 mail), unlike PostgreSQL.
-- SQLite cannot add a constraint to a column: rebuild the table with the same columns in the same
-- order, copy the rows, and recreate its indexes. Nothing references outbox. A ticket_id naming no
-- ticket (impossible on PostgreSQL) would fail the new constraint: such a row loses its link only.
CREATE TABLE outbox_new (
    id INTEGER PRIMARY KEY NOT NULL,
    -- What the mail is for, e.g. account.confirm, account.reset.
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    body_html TEXT,
    -- "<TCK-1042.5f3a…@desk.example.com>", fixed when queued, so every retry carries the same one.
    message_id TEXT,
    in_reply_to TEXT,
    -- Space-separated Message-IDs (the References header; "references" is an SQL keyword).
    refs TEXT,
    ticket_id BIGINT REFERENCES tickets (id),
    -- pending → sending → sent | failed | unsure (see 2026-11-26-000001_mail).
    status TEXT NOT NULL DEFAULT 'pending',
    -- NULL: due now.
    next_attempt_at TIMESTAMP,
    -- While a worker sends it; a row whose lease ran out is due again.
    claimed_until TIMESTAMP
);
INSERT INTO outbox_new (id, kind, recipient, subject, body_text, created_at, sent_at, attempts,
        last_error, body_html, message_id, in_reply_to, refs, ticket_id, status, next_attempt_at,
        claimed_until)
    SELECT id, kind, recipient, subject, body_text, created_at, sent_at, attempts,
        last_error, body_html, message_id, in_reply_to, refs,
        CASE WHEN ticket_id IN (SELECT id FROM tickets) THEN ticket_id END,
        status, next_attempt_at, claimed_until
    FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
CREATE INDEX outbox_message_id ON outbox (message_id);
