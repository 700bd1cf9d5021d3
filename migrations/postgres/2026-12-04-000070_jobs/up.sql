-- One job runner (backend/src/core/jobs.rs) for work done after the request that asked for it:
-- mail delivery first; scheduled work (auto-close, SLA, webhooks, reports) will be further kinds.
-- A job's life: pending → running (claimed with a lease) → done; a failure makes it pending again
-- with a later run_at (backoff), or failed with its last error. A job whose effect cannot be
-- taken back (a mail handed to the SMTP server) is marked unsure first: a worker dying then leaves
-- it unsure, never run again on its own. An administrator sees every job and retries failed and
-- unsure ones.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    -- What to do: 'mail.send', …
    kind TEXT NOT NULL,
    -- JSON: what the kind needs, by id (e.g. {"mail": 12}).
    payload TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    -- Due at: the next attempt of a pending job.
    run_at TIMESTAMP NOT NULL,
    -- While running: the lease, and the claim that holds it (a worker whose lease ran out and
    -- whose job was taken again can no longer record anything for it).
    lease_until TIMESTAMP,
    claimed_by TEXT,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP
);
CREATE INDEX jobs_due ON jobs (kind, status, run_at, id);
CREATE INDEX jobs_status ON jobs (status, id);

-- Each mail of the outbox becomes a 'mail.send' job carrying its delivery state (same id); the
-- outbox keeps the message only. sending → running, sent → done; a 'sending' row's lease is the
-- job's, so a mail a dead worker held is due again as before.
INSERT INTO jobs (id, kind, payload, status, attempts, max_attempts, run_at, lease_until, claimed_by,
        last_error, created_at, finished_at)
    SELECT id, 'mail.send', '{"mail":' || id || '}',
        CASE status WHEN 'sending' THEN 'running' WHEN 'sent' THEN 'done' ELSE status END,
        attempts, 20, COALESCE(next_attempt_at, created_at), claimed_until,
        CASE WHEN status = 'sending' THEN 'before-jobs' END, last_error, created_at, sent_at
    FROM outbox;
SELECT setval(pg_get_serial_sequence('jobs', 'id'), COALESCE((SELECT MAX(id) FROM jobs), 0) + 1, false);

DROP INDEX outbox_due;
ALTER TABLE outbox DROP COLUMN sent_at, DROP COLUMN attempts, DROP COLUMN last_error, DROP COLUMN status,
    DROP COLUMN next_attempt_at, DROP COLUMN claimed_until;
-- Its delivery: a 'mail.send' job.
ALTER TABLE outbox ADD COLUMN job_id BIGINT REFERENCES jobs (id);
UPDATE outbox SET job_id = id;
ALTER TABLE outbox ALTER COLUMN job_id SET NOT NULL;
CREATE INDEX outbox_job ON outbox (job_id);
