-- Who has a ticket open, and who is writing on it (Zammad's collision detection): each agent's
-- page says so every few seconds while open; a row not renewed within a minute is nobody, and
-- `typing_until` says until when they count as writing. Kept in the database, not in one
-- process's memory, so every replica's event stream tells the same.
CREATE TABLE presence (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    seen_at TIMESTAMP NOT NULL,
    typing_until TIMESTAMP,
    PRIMARY KEY (ticket_id, user_id)
);

CREATE INDEX presence_seen ON presence (seen_at);
