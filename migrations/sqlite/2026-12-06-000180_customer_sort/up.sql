-- The list sorted by customer (the desk's "Customer" column) walks an index instead of looking
-- up every matching ticket's customer and sorting them all: each ticket keeps its customer's
-- name as the sort compares it (lower case, as before), kept by the database itself whichever
-- way a ticket is made, given to someone else, or its customer renamed.
ALTER TABLE tickets ADD COLUMN customer_sort TEXT NOT NULL DEFAULT '';

UPDATE tickets SET customer_sort = COALESCE((SELECT lower(fullname) FROM users WHERE users.id = tickets.user_id), '');

CREATE INDEX tickets_customer_sort ON tickets (customer_sort, id);

CREATE TRIGGER tickets_customer_sort_insert AFTER INSERT ON tickets
BEGIN
    UPDATE tickets SET customer_sort = COALESCE((SELECT lower(fullname) FROM users WHERE users.id = NEW.user_id), '')
    WHERE id = NEW.id;
END;

CREATE TRIGGER tickets_customer_sort_owner AFTER UPDATE OF user_id ON tickets
BEGIN
    UPDATE tickets SET customer_sort = COALESCE((SELECT lower(fullname) FROM users WHERE users.id = NEW.user_id), '')
    WHERE id = NEW.id;
END;

CREATE TRIGGER users_customer_sort AFTER UPDATE OF fullname ON users
BEGIN
    UPDATE tickets SET customer_sort = lower(NEW.fullname) WHERE user_id = NEW.id;
END;
