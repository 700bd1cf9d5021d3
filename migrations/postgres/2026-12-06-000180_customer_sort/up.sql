-- The list sorted by customer (the desk's "Customer" column) walks an index instead of looking
-- up every matching ticket's customer and sorting them all: each ticket keeps its customer's
-- name as the sort compares it (lower case, as before), kept by the database itself whichever
-- way a ticket is made, given to someone else, or its customer renamed.
ALTER TABLE tickets ADD COLUMN customer_sort TEXT NOT NULL DEFAULT '';

UPDATE tickets SET customer_sort = lower(users.fullname) FROM users WHERE users.id = tickets.user_id;

CREATE INDEX tickets_customer_sort ON tickets (customer_sort, id);

CREATE FUNCTION tickets_customer_sort() RETURNS trigger AS $$
BEGIN
    NEW.customer_sort := COALESCE((SELECT lower(fullname) FROM users WHERE users.id = NEW.user_id), '');
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tickets_customer_sort BEFORE INSERT OR UPDATE OF user_id ON tickets
    FOR EACH ROW EXECUTE FUNCTION tickets_customer_sort();

CREATE FUNCTION users_customer_sort() RETURNS trigger AS $$
BEGIN
    UPDATE tickets SET customer_sort = lower(NEW.fullname) WHERE user_id = NEW.id;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER users_customer_sort AFTER UPDATE OF fullname ON users
    FOR EACH ROW WHEN (OLD.fullname IS DISTINCT FROM NEW.fullname) EXECUTE FUNCTION users_customer_sort();
