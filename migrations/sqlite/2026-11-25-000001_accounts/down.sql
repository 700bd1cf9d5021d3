DELETE FROM settings WHERE key IN ('confirm_registrations', 'new_user_level') OR key LIKE 'cap\_%' ESCAPE '\';
ALTER TABLE api_keys DROP COLUMN expires_at;
DROP TABLE outbox;
DROP TABLE account_tokens;
-- SQLite cannot drop a column that references another table: the table is rebuilt.
CREATE TABLE refresh_tokens_old (
    id INTEGER PRIMARY KEY NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id),
    token_hash TEXT NOT NULL UNIQUE,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO refresh_tokens_old SELECT id, user_id, token_hash, expires_at, revoked_at, created_at FROM refresh_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_old RENAME TO refresh_tokens;
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN email_confirmed_at;
