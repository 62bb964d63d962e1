-- no-transaction
-- Money is never lost (see the outcome model in core/src/queue/outcome.rs):
--  * a new status RECOVERABLE: the service accepted the task and its result may still exist;
--  * may_be_charged + estimated_cost: what a job may have cost even when no result arrived;
--  * submitted_at and queue_ms: when the paid request went out, and how long the job waited for a
--    slot before that (duration_ms now measures the provider's work only).
-- SQLite cannot change a CHECK constraint in place, so `jobs` is rebuilt. Row ids are copied as
-- they are (jobs_fts is an external-content index keyed on them), and the rebuild runs with
-- foreign keys off inside one transaction, then checks them, as SQLite's documentation prescribes.

PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;

CREATE TABLE jobs_new (
    id               TEXT PRIMARY KEY,
    profile_id       TEXT NOT NULL REFERENCES profiles(id),
    image_id         TEXT,
    prompt           TEXT NOT NULL,
    task_type        TEXT NOT NULL CHECK (task_type IN ('TEXT_TO_IMAGE', 'IMAGE_TO_IMAGE')),
    provider         TEXT NOT NULL,
    model            TEXT NOT NULL,
    image_size       INTEGER NOT NULL,
    aspect_ratio     TEXT NOT NULL DEFAULT '1:1',
    num_images       INTEGER NOT NULL DEFAULT 1 CHECK (num_images BETWEEN 1 AND 4),
    watermark        TEXT,
    input_image_urls TEXT,
    seed             INTEGER,
    remote_task_id   TEXT,
    response_data    TEXT,
    cost             REAL NOT NULL DEFAULT 0,             -- USD the provider confirmed
    duration_ms      INTEGER,                             -- the provider's work
    status           TEXT NOT NULL CHECK (status IN ('PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING',
                                                     'RECOVERABLE', 'COMPLETED', 'FAILED', 'CANCELLED')),
    error_kind       TEXT,
    error_message    TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    timeout_secs     INTEGER,
    parent_job_id    TEXT REFERENCES jobs(id),
    parent_image_id  TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    completed_at     INTEGER,
    lease_owner      TEXT,
    lease_expires_at INTEGER,
    may_be_charged   INTEGER NOT NULL DEFAULT 0 CHECK (may_be_charged IN (0, 1)),
    estimated_cost   REAL NOT NULL DEFAULT 0,             -- USD, from the catalog when recorded
    submitted_at     INTEGER,                             -- Unix ms of the first paid request
    queue_ms         INTEGER                              -- waited for a slot before it
);

INSERT INTO jobs_new (rowid, id, profile_id, image_id, prompt, task_type, provider, model, image_size,
    aspect_ratio, num_images, watermark, input_image_urls, seed, remote_task_id, response_data, cost,
    duration_ms, status, error_kind, error_message, attempts, timeout_secs, parent_job_id,
    parent_image_id, created_at, updated_at, completed_at, lease_owner, lease_expires_at,
    may_be_charged, estimated_cost)
SELECT rowid, id, profile_id, image_id, prompt, task_type, provider, model, image_size,
    aspect_ratio, num_images, watermark, input_image_urls, seed, remote_task_id, response_data, cost,
    duration_ms, status, error_kind, error_message, attempts, timeout_secs, parent_job_id,
    parent_image_id, created_at, updated_at, completed_at, lease_owner, lease_expires_at,
    -- Anything that was sent may have been charged.
    CASE WHEN provider <> 'demo' AND (attempts > 0 OR remote_task_id IS NOT NULL) THEN 1 ELSE 0 END,
    -- The old price table, per image, for rows recorded before the catalog.
    CASE WHEN provider = 'demo' THEN 0 ELSE num_images * CASE image_size
        WHEN 512 THEN 0.005 WHEN 768 THEN 0.010 WHEN 1024 THEN 0.0125 ELSE 0.045 END END
FROM jobs;

DROP TABLE jobs;
ALTER TABLE jobs_new RENAME TO jobs;

CREATE INDEX idx_jobs_image ON jobs(image_id);
-- Jobs a start (or `nanoforge resume`) looks at: unfinished and recoverable ones. Queries must spell
-- the status list exactly like this to use it.
CREATE INDEX idx_jobs_unfinished ON jobs(profile_id, created_at, id)
    WHERE status IN ('PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING', 'RECOVERABLE');
CREATE INDEX idx_jobs_created ON jobs(profile_id, created_at DESC, id DESC);
CREATE INDEX idx_jobs_parent ON jobs(parent_job_id) WHERE parent_job_id IS NOT NULL;
CREATE INDEX idx_jobs_parent_image ON jobs(parent_image_id) WHERE parent_image_id IS NOT NULL;
CREATE INDEX idx_jobs_lease ON jobs(lease_owner) WHERE lease_owner IS NOT NULL;
CREATE INDEX idx_jobs_status ON jobs(profile_id, status, created_at DESC, id DESC);

-- The full-text index keeps its rows (same row ids); only its triggers went with the old table.
CREATE TRIGGER jobs_fts_ai AFTER INSERT ON jobs BEGIN
    INSERT INTO jobs_fts(rowid, prompt) VALUES (new.rowid, new.prompt);
END;
CREATE TRIGGER jobs_fts_ad AFTER DELETE ON jobs BEGIN
    INSERT INTO jobs_fts(jobs_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
END;
CREATE TRIGGER jobs_fts_au AFTER UPDATE OF prompt ON jobs BEGIN
    INSERT INTO jobs_fts(jobs_fts, rowid, prompt) VALUES ('delete', old.rowid, old.prompt);
    INSERT INTO jobs_fts(rowid, prompt) VALUES (new.rowid, new.prompt);
END;

-- What may have been charged but is not confirmed: the estimate of a job flagged may_be_charged
-- whose cost the provider has not confirmed. Kept per day beside the confirmed cost.
ALTER TABLE daily_stats ADD COLUMN possible_micros INTEGER NOT NULL DEFAULT 0;
ALTER TABLE daily_stats ADD COLUMN recoverable INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER daily_stats_job_ai AFTER INSERT ON jobs BEGIN
    INSERT INTO daily_stats (day, image_size, jobs, completed, failed, cost_micros, duration_ms_sum,
                             duration_count, possible_micros, recoverable)
    VALUES (new.created_at / 86400000, new.image_size, 1,
            new.status = 'COMPLETED', new.status = 'FAILED', CAST(round(new.cost * 1e6) AS INTEGER),
            CASE WHEN new.status = 'COMPLETED' THEN coalesce(new.duration_ms, 0) ELSE 0 END,
            new.status = 'COMPLETED' AND new.duration_ms IS NOT NULL,
            CASE WHEN new.may_be_charged = 1 AND new.cost = 0 THEN CAST(round(new.estimated_cost * 1e6) AS INTEGER) ELSE 0 END,
            new.status = 'RECOVERABLE')
    ON CONFLICT (day, image_size) DO UPDATE SET
        jobs = jobs + excluded.jobs,
        completed = completed + excluded.completed,
        failed = failed + excluded.failed,
        cost_micros = cost_micros + excluded.cost_micros,
        duration_ms_sum = duration_ms_sum + excluded.duration_ms_sum,
        duration_count = duration_count + excluded.duration_count,
        possible_micros = possible_micros + excluded.possible_micros,
        recoverable = recoverable + excluded.recoverable;
END;

CREATE TRIGGER daily_stats_job_ad AFTER DELETE ON jobs BEGIN
    UPDATE daily_stats SET
        jobs = jobs - 1,
        completed = completed - (old.status = 'COMPLETED'),
        failed = failed - (old.status = 'FAILED'),
        cost_micros = cost_micros - CAST(round(old.cost * 1e6) AS INTEGER),
        duration_ms_sum = duration_ms_sum
            - CASE WHEN old.status = 'COMPLETED' THEN coalesce(old.duration_ms, 0) ELSE 0 END,
        duration_count = duration_count - (old.status = 'COMPLETED' AND old.duration_ms IS NOT NULL),
        possible_micros = possible_micros
            - CASE WHEN old.may_be_charged = 1 AND old.cost = 0 THEN CAST(round(old.estimated_cost * 1e6) AS INTEGER) ELSE 0 END,
        recoverable = recoverable - (old.status = 'RECOVERABLE')
    WHERE day = old.created_at / 86400000 AND image_size = old.image_size;
END;

CREATE TRIGGER daily_stats_job_au AFTER UPDATE OF status, cost, duration_ms, created_at, image_size,
    may_be_charged, estimated_cost ON jobs
BEGIN
    UPDATE daily_stats SET
        jobs = jobs - 1,
        completed = completed - (old.status = 'COMPLETED'),
        failed = failed - (old.status = 'FAILED'),
        cost_micros = cost_micros - CAST(round(old.cost * 1e6) AS INTEGER),
        duration_ms_sum = duration_ms_sum
            - CASE WHEN old.status = 'COMPLETED' THEN coalesce(old.duration_ms, 0) ELSE 0 END,
        duration_count = duration_count - (old.status = 'COMPLETED' AND old.duration_ms IS NOT NULL),
        possible_micros = possible_micros
            - CASE WHEN old.may_be_charged = 1 AND old.cost = 0 THEN CAST(round(old.estimated_cost * 1e6) AS INTEGER) ELSE 0 END,
        recoverable = recoverable - (old.status = 'RECOVERABLE')
    WHERE day = old.created_at / 86400000 AND image_size = old.image_size;
    INSERT INTO daily_stats (day, image_size, jobs, completed, failed, cost_micros, duration_ms_sum,
                             duration_count, possible_micros, recoverable)
    VALUES (new.created_at / 86400000, new.image_size, 1,
            new.status = 'COMPLETED', new.status = 'FAILED', CAST(round(new.cost * 1e6) AS INTEGER),
            CASE WHEN new.status = 'COMPLETED' THEN coalesce(new.duration_ms, 0) ELSE 0 END,
            new.status = 'COMPLETED' AND new.duration_ms IS NOT NULL,
            CASE WHEN new.may_be_charged = 1 AND new.cost = 0 THEN CAST(round(new.estimated_cost * 1e6) AS INTEGER) ELSE 0 END,
            new.status = 'RECOVERABLE')
    ON CONFLICT (day, image_size) DO UPDATE SET
        jobs = jobs + excluded.jobs,
        completed = completed + excluded.completed,
        failed = failed + excluded.failed,
        cost_micros = cost_micros + excluded.cost_micros,
        duration_ms_sum = duration_ms_sum + excluded.duration_ms_sum,
        duration_count = duration_count + excluded.duration_count,
        possible_micros = possible_micros + excluded.possible_micros,
        recoverable = recoverable + excluded.recoverable;
END;

-- A job the service accepted and that failed on our side (our deadline, an answer we could not
-- read, a download or ingest failure) was marked FAILED by earlier versions: its paid result may
-- still exist, so it becomes recoverable. Failures the service itself reported stay failed.
UPDATE jobs SET status = 'RECOVERABLE'
WHERE status = 'FAILED' AND provider <> 'demo' AND remote_task_id IS NOT NULL
  AND coalesce(error_kind, '') <> 'generation_failed';

-- Recompute every aggregate from the rows (the old triggers kept no "possible" column).
DELETE FROM daily_stats;
INSERT INTO daily_stats (day, image_size, jobs, completed, failed, cost_micros, duration_ms_sum,
                         duration_count, possible_micros, recoverable)
SELECT created_at / 86400000, image_size, count(*), sum(status = 'COMPLETED'), sum(status = 'FAILED'),
       sum(CAST(round(cost * 1e6) AS INTEGER)),
       sum(CASE WHEN status = 'COMPLETED' THEN coalesce(duration_ms, 0) ELSE 0 END),
       sum(status = 'COMPLETED' AND duration_ms IS NOT NULL),
       sum(CASE WHEN may_be_charged = 1 AND cost = 0 THEN CAST(round(estimated_cost * 1e6) AS INTEGER) ELSE 0 END),
       sum(status = 'RECOVERABLE')
FROM jobs GROUP BY 1, 2;
INSERT INTO daily_stats (day, image_size, images, image_bytes)
SELECT created_at / 86400000, image_size, count(*), sum(bytes) FROM images WHERE deleted_at IS NULL GROUP BY 1, 2
ON CONFLICT (day, image_size) DO UPDATE SET images = excluded.images, image_bytes = excluded.image_bytes;

COMMIT;
PRAGMA foreign_keys = ON;
