-- Gemini's Batch API (core/src/queue/remote_batch): a batch's Gemini jobs sent as inline batches
-- of at most 20 requests. Creating a batch at Google is not idempotent, so each create is recorded
-- like a paid submit: the row exists (phase 'unsent') in the same transaction as the jobs, the
-- attempt ('sending') is committed durably before the POST, and the remote name right after the
-- answer. A create whose answer was lost stays 'sending' until a listing of the service's batches
-- finds it by `display_name`; it is never simply sent again.
--
-- Local to this device, like the batches table: only the device that made a job drives it.
CREATE TABLE remote_batches (
    id              TEXT PRIMARY KEY,
    profile_id      TEXT NOT NULL,
    batch_id        TEXT NOT NULL REFERENCES batches(id),
    -- 0, 1, ... within the batch; the display name is `nf:<batch_id>:chunk-<chunk>`.
    chunk           INTEGER NOT NULL,
    display_name    TEXT NOT NULL UNIQUE,
    model           TEXT NOT NULL,
    -- unsent | sending | created | ended (see core/src/queue/remote_batch/mod.rs RemotePhase).
    phase           TEXT NOT NULL DEFAULT 'unsent',
    -- `batches/...` once the create's answer (or a listing) named it.
    remote_name     TEXT,
    -- The state as the service last spelled it (BATCH_STATE_* or JOB_STATE_*).
    remote_state    TEXT,
    create_attempts INTEGER NOT NULL DEFAULT 0,
    -- Unix ms of the last create attempt: a listing looks for batches made since about then.
    sent_at         INTEGER,
    polls           INTEGER NOT NULL DEFAULT 0,
    -- Unix ms before which nobody asks the service about it again (back-off, 429s).
    next_at         INTEGER NOT NULL DEFAULT 0,
    -- Results that matched no job of the chunk (no key, an unknown key, a key seen twice), JSON
    -- [{key, reason, file}]: the raw result is kept in the library folder, never given to a job.
    quarantined     TEXT,
    error           TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (batch_id, chunk)
);
CREATE INDEX idx_remote_batches_live ON remote_batches(profile_id, phase) WHERE phase <> 'ended';

-- Which remote batch each Batch-API job goes through (its `metadata.key` is the job id). A job
-- listed here is never sent interactively: the per-job runner leaves it to the remote batch until
-- its answer is staged.
CREATE TABLE remote_batch_jobs (
    job_id          TEXT PRIMARY KEY,
    remote_id       TEXT NOT NULL REFERENCES remote_batches(id),
    position        INTEGER NOT NULL
);
CREATE INDEX idx_remote_batch_jobs_remote ON remote_batch_jobs(remote_id, position);
