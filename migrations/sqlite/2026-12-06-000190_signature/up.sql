-- An agent's signature: plain text added below a response when they choose (the composer's
-- "Add my signature", the API's "signature": true).
ALTER TABLE users ADD COLUMN signature TEXT NOT NULL DEFAULT '';
