-- The SQLite twin of this migration brings two columns in line with PostgreSQL's (tickets.time_spent
-- declared BIGINT, outbox.ticket_id REFERENCES tickets (id)); PostgreSQL had both already, so
-- nothing changes here. The migration exists so both sets keep the same names.
SELECT 1;
