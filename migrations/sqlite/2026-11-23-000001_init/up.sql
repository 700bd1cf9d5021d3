-- Oxidesk schema, SQLite flavour. migrations/postgres holds the same schema for PostgreSQL:
-- same tables, same columns, same meaning; only types and full-text search differ.

CREATE TABLE settings (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY NOT NULL,
    username TEXT,
    email TEXT NOT NULL UNIQUE,
    fullname TEXT NOT NULL,
    firstname TEXT NOT NULL,
    lastname TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    level SMALLINT NOT NULL DEFAULT 1 CHECK (level BETWEEN 0 AND 6),
    password_hash TEXT,
    notes TEXT NOT NULL DEFAULT '',
    timezone TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP
);
CREATE UNIQUE INDEX users_username_lower ON users (lower(username));

CREATE TABLE api_keys (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    prefix TEXT NOT NULL UNIQUE,
    key_hash TEXT NOT NULL UNIQUE,
    scopes TEXT NOT NULL,
    allow_ip TEXT,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE TABLE refresh_tokens (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE queues (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    email TEXT
);

CREATE TABLE help_topics (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    queue_id BIGINT NOT NULL REFERENCES queues (id),
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE statuses (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL CHECK (state IN ('open', 'pending', 'resolved', 'closed')),
    sort INTEGER NOT NULL
);

CREATE TABLE priorities (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    sort INTEGER NOT NULL
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY NOT NULL,
    number TEXT NOT NULL UNIQUE,
    subject TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    status_id BIGINT NOT NULL REFERENCES statuses (id),
    priority_id BIGINT NOT NULL REFERENCES priorities (id),
    queue_id BIGINT NOT NULL REFERENCES queues (id),
    topic_id BIGINT REFERENCES help_topics (id),
    source TEXT NOT NULL,
    resolution TEXT,
    due_at TIMESTAMP,
    closed_at TIMESTAMP,
    last_message_at TIMESTAMP,
    last_response_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tickets_user ON tickets (user_id, updated_at);
CREATE INDEX tickets_status ON tickets (status_id, updated_at);
CREATE INDEX tickets_queue ON tickets (queue_id, updated_at);
CREATE INDEX tickets_updated ON tickets (updated_at);

CREATE TABLE thread_entries (
    id INTEGER PRIMARY KEY NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    entry_type TEXT NOT NULL CHECK (entry_type IN ('M', 'R', 'N', 'E')),
    user_id BIGINT REFERENCES users (id),
    staff_id BIGINT REFERENCES users (id),
    poster TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT,
    body TEXT NOT NULL,
    format TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP
);
CREATE INDEX thread_entries_ticket ON thread_entries (ticket_id, id);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY NOT NULL,
    entry_id BIGINT NOT NULL REFERENCES thread_entries (id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL
);
CREATE INDEX attachments_entry ON attachments (entry_id);

CREATE TABLE ticket_assignees (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_assignees_user ON ticket_assignees (user_id);

CREATE TABLE ticket_followers (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (ticket_id, user_id)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY NOT NULL,
    actor_user_id BIGINT REFERENCES users (id),
    actor_key_id BIGINT REFERENCES api_keys (id),
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    detail TEXT NOT NULL,
    ip TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_target ON audit_log (target_type, target_id);

-- Full-text search: one document per ticket (its subject and what its customer can read:
-- messages and responses), so a match yields ticket ids directly and every word may stand in any
-- part of the ticket. Internal notes have their own index, searched only for agents. Triggers keep
-- both in step; thread entries are never edited, only added.
CREATE VIRTUAL TABLE ticket_fts USING fts5 (
    subject, body, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE note_fts USING fts5 (
    body, ticket_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER tickets_fts_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO ticket_fts (rowid, subject, body) VALUES (new.id, new.subject, '');
END;
CREATE TRIGGER tickets_fts_update AFTER UPDATE OF subject ON tickets BEGIN
    UPDATE ticket_fts SET subject = new.subject WHERE rowid = new.id;
END;
CREATE TRIGGER tickets_fts_delete AFTER DELETE ON tickets BEGIN
    DELETE FROM ticket_fts WHERE rowid = old.id;
    DELETE FROM note_fts WHERE ticket_id = old.id;
END;
CREATE TRIGGER entries_fts_insert AFTER INSERT ON thread_entries
WHEN new.entry_type IN ('M', 'R') BEGIN
    UPDATE ticket_fts SET body = body || ' ' || new.body WHERE rowid = new.ticket_id;
END;
CREATE TRIGGER notes_fts_insert AFTER INSERT ON thread_entries
WHEN new.entry_type = 'N' BEGIN
    INSERT INTO note_fts (rowid, body, ticket_id) VALUES (new.id, new.body, new.ticket_id);
END;

-- Defaults of a new install. Ids 1–3 of statuses match osTicket's (Open, Resolved, Closed), so
-- scripts that send reply_status_id keep working.
INSERT INTO settings (key, value) VALUES
    ('site_name', 'Oxidesk'),
    ('ticket_prefix', 'TCK-'),
    ('ticket_number_start', '1000'),
    ('auto_close_hours', '72'),
    ('sla_hours', '48');
INSERT INTO queues (id, name, email) VALUES (1, 'Support', NULL), (2, 'Sales', NULL);
INSERT INTO help_topics (id, name, queue_id, active) VALUES
    (1, 'General Inquiry', 1, TRUE),
    (2, 'Feedback', 1, TRUE),
    (3, 'Report a Problem', 1, TRUE),
    (4, 'Report a Problem / Access Issue', 1, TRUE);
INSERT INTO statuses (id, name, state, sort) VALUES
    (1, 'Open', 'open', 2),
    (2, 'Resolved', 'resolved', 5),
    (3, 'Closed', 'closed', 6),
    (4, 'New', 'open', 1),
    (5, 'In progress', 'open', 3),
    (6, 'On hold', 'pending', 4),
    (7, 'Invalid', 'closed', 7),
    (8, 'Duplicate', 'closed', 8);
INSERT INTO priorities (id, name, sort) VALUES
    (1, 'Low', 1), (2, 'Normal', 2), (3, 'High', 3), (4, 'Urgent', 4);
