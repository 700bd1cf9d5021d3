DELETE FROM settings WHERE key IN ('notice', 'visibility', 'allow_registrations',
    'allow_guest_tickets', 'max_upload_bytes', 'rows_per_page');
DROP INDEX ticket_followers_user;
DROP TABLE saved_views;
ALTER TABLE tickets DROP COLUMN time_spent;
