DROP TRIGGER users_customer_sort;
DROP TRIGGER tickets_customer_sort_owner;
DROP TRIGGER tickets_customer_sort_insert;
DROP INDEX tickets_customer_sort;
ALTER TABLE tickets DROP COLUMN customer_sort;
