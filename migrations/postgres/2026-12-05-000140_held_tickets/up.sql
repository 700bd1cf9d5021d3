-- A ticket someone else filed for an address its account has not proven (a visitor writing as
-- an account's address, or staff and mail for an unconfirmed one) is held: the customer does not
-- see it until the address is confirmed by a mailed link (docs/security.md, "Tickets bound to
-- addresses"). Staff see it, marked held.
ALTER TABLE tickets ADD COLUMN held BOOLEAN NOT NULL DEFAULT FALSE;
