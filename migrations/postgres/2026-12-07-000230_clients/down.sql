DROP INDEX tickets_client;
ALTER TABLE tickets DROP COLUMN contact_id;
ALTER TABLE tickets DROP COLUMN client_id;
DROP TABLE client_events;
DROP TABLE contacts;
DROP TABLE client_domains;
DROP TABLE clients;
