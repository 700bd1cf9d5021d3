-- Accounts and sessions: confirmed email addresses, sessions (a refresh-token family each, so
-- that a reused token revokes its whole family and an access token dies with its session),
-- single-use account tokens (email confirmation, password reset), the mail outbox they leave
-- through, key expiry, and NodePoint's capability thresholds.
ALTER TABLE users ADD COLUMN email_confirmed_at TIMESTAMP;
-- Accounts made before confirmation existed were made or vetted by the desk.
UPDATE users SET email_confirmed_at = created_at;

CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    -- Why it ended: logout, password, level, disabled, reuse.
    revoked_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Refresh tokens from before sessions belong to none: they are retired, and people sign in again.
UPDATE refresh_tokens SET revoked_at = created_at WHERE revoked_at IS NULL;
ALTER TABLE refresh_tokens ADD COLUMN session_id BIGINT REFERENCES sessions (id);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE account_tokens (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- confirm or reset
    purpose TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);

CREATE TABLE outbox (
    id BIGSERIAL PRIMARY KEY,
    -- What the mail is for, e.g. account.confirm, account.reset.
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
CREATE INDEX outbox_unsent ON outbox (sent_at, id);

ALTER TABLE api_keys ADD COLUMN expires_at TIMESTAMP;

INSERT INTO settings (key, value) VALUES
    ('confirm_registrations', 'true'),
    ('new_user_level', '1'),
    ('cap_upload_files', '1'),
    ('cap_modify_past_changes', '5'),
    ('cap_custom_forms', '4'),
    ('cap_view_reports', '2'),
    ('cap_assign_tasks', '4'),
    ('cap_view_user_details', '3'),
    ('cap_view_client_details', '2'),
    ('cap_add_client_events', '5'),
    ('cap_configure_automation', '6');
