DROP TRIGGER users_customer_sort ON users;
DROP FUNCTION users_customer_sort();
DROP TRIGGER tickets_customer_sort ON tickets;
DROP FUNCTION tickets_customer_sort();
DROP INDEX tickets_customer_sort;
ALTER TABLE tickets DROP COLUMN customer_sort;
