-- Domain events: what a change did (ticket.create, ticket.response, ticket.status …), written in
-- the change's own transaction. Consumers in that transaction (the audit log, notifications)
-- react at once; consumers that run later as jobs (webhooks, triggers, SLA timers, reports) read
-- the rows in id order.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    actor_user_id BIGINT REFERENCES users (id),
    actor_key_id BIGINT REFERENCES api_keys (id),
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    -- JSON: what consumers need (ids, names; never a message body, which they read by its id).
    payload TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX events_target ON events (target_type, target_id, id);
