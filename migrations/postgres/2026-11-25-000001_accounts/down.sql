DELETE FROM settings WHERE key IN ('confirm_registrations', 'new_user_level') OR key LIKE 'cap\_%' ESCAPE '\';
ALTER TABLE api_keys DROP COLUMN expires_at;
DROP TABLE outbox;
DROP TABLE account_tokens;
DROP INDEX refresh_tokens_session;
ALTER TABLE refresh_tokens DROP COLUMN session_id;
DROP TABLE sessions;
ALTER TABLE users DROP COLUMN email_confirmed_at;
