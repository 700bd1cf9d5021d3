ALTER TABLE users DROP COLUMN signature;
