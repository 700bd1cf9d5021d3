-- A ticket's CC participants (osTicket's collaborators, Zammad's CC): people besides its
-- customer who get its customer mail, read it in the portal and may answer it.
CREATE TABLE ticket_cc (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (ticket_id, user_id)
);
-- A participant's own tickets in the portal.
CREATE INDEX ticket_cc_user ON ticket_cc (user_id, ticket_id);

-- The addresses a response was blind-copied to: agents see them, nobody else.
ALTER TABLE thread_entries ADD COLUMN bcc TEXT;
