ALTER TABLE outbox ADD COLUMN sent_at TIMESTAMP, ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN last_error TEXT, ADD COLUMN status TEXT NOT NULL DEFAULT 'pending',
    ADD COLUMN next_attempt_at TIMESTAMP, ADD COLUMN claimed_until TIMESTAMP;
UPDATE outbox o SET sent_at = j.finished_at, attempts = j.attempts, last_error = j.last_error,
    status = CASE j.status WHEN 'running' THEN 'sending' WHEN 'done' THEN 'sent' ELSE j.status END,
    next_attempt_at = CASE WHEN j.status = 'pending' THEN j.run_at END, claimed_until = j.lease_until
    FROM jobs j WHERE j.id = o.job_id;
DROP INDEX outbox_job;
ALTER TABLE outbox DROP COLUMN job_id;
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
DROP TABLE jobs;
