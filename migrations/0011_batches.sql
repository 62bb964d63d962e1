-- Batches (core/src/batch): many jobs from one template, expanded once and recorded in the same
-- transaction as their jobs, so a crash, a retry or a resume never expands a template again.
--
-- Local to this device for now: the jobs sync (with their batch_id), the batch row does not yet;
-- another device sees the jobs and an id it has no row for.
CREATE TABLE batches (
    id              TEXT PRIMARY KEY,
    profile_id      TEXT NOT NULL,
    template        TEXT NOT NULL,
    -- The expansion mode as JSON (core/src/batch ExpansionMode: allCombinations | random n seed).
    mode            TEXT NOT NULL,
    seed            INTEGER,
    -- The models the template fanned out to, JSON array of model ids, in the order asked.
    models          TEXT NOT NULL,
    image_size      INTEGER NOT NULL,             -- long side asked for; 0: each model's default
    aspect_ratio    TEXT NOT NULL,
    -- The CSV file's rows are in the jobs' prompts; its name is not kept (it may be anywhere).
    count           INTEGER NOT NULL,
    -- The plain sum of the jobs' estimates when it was recorded, at the prices then in effect.
    estimated_cost  REAL NOT NULL,
    created_at      INTEGER NOT NULL
);
CREATE INDEX idx_batches_created ON batches(profile_id, created_at DESC, id DESC);

-- NULL for every job made outside a batch. Synced with the job (replica/records.rs JOB_COLUMNS);
-- it is set when the job is recorded and never changes, so the update trigger need not watch it.
ALTER TABLE jobs ADD COLUMN batch_id TEXT;
CREATE INDEX idx_jobs_batch ON jobs(batch_id, created_at, id) WHERE batch_id IS NOT NULL;
