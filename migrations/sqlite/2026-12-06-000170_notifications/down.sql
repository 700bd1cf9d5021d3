DROP INDEX tickets_status_queue;
DROP TABLE notifications;
DROP TABLE ticket_reads;
