-- What each agent has read of a ticket: when they last had it open (or changed it). A ticket
-- changed after that by someone else is unread to them (bold in the desk), and one a customer
-- wrote on since has a new message (a dot).
CREATE TABLE ticket_reads (
    user_id BIGINT NOT NULL REFERENCES users (id),
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    read_at TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, ticket_id)
);

-- The desk's bell: what an agent should know of, one row per agent and event (assigned to them,
-- a message, response, note or status change on a ticket they are assigned to or follow, a note
-- that mentions them). Reading the ticket, or marking them, sets read_at.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    event_id BIGINT NOT NULL REFERENCES events (id),
    -- assigned, message, response, note, status or mention
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    read_at TIMESTAMP
);

CREATE INDEX notifications_user ON notifications (user_id, id);
CREATE INDEX notifications_unread ON notifications (user_id, ticket_id) WHERE read_at IS NULL;

-- The side bar counts open tickets per queue from the index alone.
CREATE INDEX tickets_status_queue ON tickets (status_id, queue_id);
