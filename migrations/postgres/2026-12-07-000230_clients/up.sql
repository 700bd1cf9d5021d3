-- Clients (NodePoint's clients directory, ITFlow's clients): the organisations tickets, and later
-- invoices and assets, hang on. Never deleted, only closed (NodePoint's rule: nothing orphaned).
CREATE TABLE clients (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    -- Prospect, Contact, Supplier, Paid, Unpaid or Closed (NodePoint's statuses).
    status TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT '',
    website TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    -- The default contact of a new ticket for the client (contacts refer to clients, so this
    -- one is kept without a foreign key; the rules clear it when its contact goes).
    primary_contact_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- The directory in name order, and its search by name.
CREATE INDEX clients_name ON clients (name, id);

-- A mail from an unknown sender at one of these domains opens a ticket for the client; a domain
-- belongs to one client only, so the rule is never ambiguous.
CREATE TABLE client_domains (
    domain TEXT PRIMARY KEY NOT NULL,
    client_id BIGINT NOT NULL REFERENCES clients (id)
);
CREATE INDEX client_domains_client ON client_domains (client_id);

-- The people of a client: a customer account, or a name and address that becomes one when its
-- owner first writes in. One contact per account and per address.
CREATE TABLE contacts (
    id BIGSERIAL PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    user_id BIGINT REFERENCES users (id),
    name TEXT NOT NULL,
    -- Lower case; empty when unknown.
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    -- Sees and answers every ticket of the client in the portal (ITFlow's technical contact).
    technical BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_client ON contacts (client_id, name);
CREATE UNIQUE INDEX contacts_user ON contacts (user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX contacts_email ON contacts (email) WHERE email <> '';

-- A client's timeline (NodePoint's client events): calls, emails, meetings, notes.
CREATE TABLE client_events (
    id BIGSERIAL PRIMARY KEY,
    client_id BIGINT NOT NULL REFERENCES clients (id),
    -- Who logged it; none for a program's key.
    user_id BIGINT REFERENCES users (id),
    -- Call, Email, Meeting or Note.
    kind TEXT NOT NULL,
    summary TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    happened_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX client_events_client ON client_events (client_id, happened_at, id);

-- A ticket's client and its contact there (ITFlow's "Client & Contact").
ALTER TABLE tickets ADD COLUMN client_id BIGINT REFERENCES clients (id);
ALTER TABLE tickets ADD COLUMN contact_id BIGINT REFERENCES contacts (id);
CREATE INDEX tickets_client ON tickets (client_id, id);
