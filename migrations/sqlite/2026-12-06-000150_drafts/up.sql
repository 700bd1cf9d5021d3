-- A reply being written, kept per ticket and person as they type (the desk saves it a moment
-- after each change), so a reload, a crash or another device finds it; posting a message on the
-- ticket discards it. `entry_type` is what the composer was set to: response, note or message.
CREATE TABLE drafts (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    body TEXT NOT NULL,
    entry_type TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, user_id)
);

CREATE INDEX drafts_user ON drafts (user_id);
