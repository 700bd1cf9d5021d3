-- The agents' desk and the admin screens: time spent on tickets, saved list views, and the
-- settings of NodePoint's configuration page.
ALTER TABLE tickets ADD COLUMN time_spent INTEGER NOT NULL DEFAULT 0;

CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (user_id, name)
);

CREATE INDEX ticket_followers_user ON ticket_followers (user_id);

INSERT INTO settings (key, value) VALUES
    ('notice', ''),
    ('visibility', 'restricted'),
    ('allow_registrations', 'false'),
    ('allow_guest_tickets', 'false'),
    ('max_upload_bytes', '10485760'),
    ('rows_per_page', '25');
