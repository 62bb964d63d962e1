-- One database per profile (see core/src/profile.rs). Timestamps are Unix milliseconds (UTC);
-- file paths are relative to the profile's library folder, never absolute.

CREATE TABLE profiles (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL CHECK (kind IN ('local', 'google')),
    display_name TEXT NOT NULL,
    email        TEXT,
    created_at   INTEGER NOT NULL
);

-- The seed's `prompts` table, renamed `jobs` because a row is a durable generation job.
CREATE TABLE jobs (
    id               TEXT PRIMARY KEY,                    -- UUID v7 (time-ordered)
    profile_id       TEXT NOT NULL REFERENCES profiles(id),
    image_id         TEXT,                                -- first image, as the seed's prompts.image_id
    prompt           TEXT NOT NULL,
    task_type        TEXT NOT NULL CHECK (task_type IN ('TEXT_TO_IMAGE', 'IMAGE_TO_IMAGE')),
    provider         TEXT NOT NULL,
    model            TEXT NOT NULL,
    image_size       INTEGER NOT NULL,                    -- preset long side: 512, 768, 1024, 1536
    aspect_ratio     TEXT NOT NULL DEFAULT '1:1',
    num_images       INTEGER NOT NULL DEFAULT 1 CHECK (num_images BETWEEN 1 AND 4),
    watermark        TEXT,
    input_image_urls TEXT,                                -- JSON array, image-to-image
    seed             INTEGER,
    remote_task_id   TEXT,
    response_data    TEXT,                                -- last provider response (JSON)
    cost             REAL NOT NULL DEFAULT 0,             -- USD
    duration_ms      INTEGER,
    status           TEXT NOT NULL CHECK (status IN ('PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING',
                                                     'COMPLETED', 'FAILED', 'CANCELLED')),
    error_kind       TEXT,
    error_message    TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    timeout_secs     INTEGER,
    parent_job_id    TEXT REFERENCES jobs(id),
    parent_image_id  TEXT,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    completed_at     INTEGER
);
CREATE INDEX idx_jobs_image ON jobs(image_id);
-- The few jobs a restart resumes (and the Dashboard's "running" count), without scanning the
-- finished ones. Queries must spell the status list exactly like this to use it.
CREATE INDEX idx_jobs_unfinished ON jobs(profile_id, created_at, id)
    WHERE status IN ('PENDING', 'SUBMITTED', 'PROCESSING', 'DOWNLOADING');
-- Keyset pagination of History (created_at DESC, id DESC).
CREATE INDEX idx_jobs_created ON jobs(profile_id, created_at DESC, id DESC);
CREATE INDEX idx_jobs_parent ON jobs(parent_job_id) WHERE parent_job_id IS NOT NULL;

CREATE TABLE images (
    id               TEXT PRIMARY KEY,                    -- UUID v7
    job_id           TEXT REFERENCES jobs(id),            -- NULL for imported images
    profile_id       TEXT NOT NULL REFERENCES profiles(id),
    position         INTEGER NOT NULL DEFAULT 0,          -- index within its job
    sha256           TEXT NOT NULL,                       -- of the stored file's bytes
    path             TEXT NOT NULL,                       -- images/ab/<sha256>.<ext>
    mime             TEXT NOT NULL,
    width            INTEGER NOT NULL,
    height           INTEGER NOT NULL,
    bytes            INTEGER NOT NULL,
    thumb_path       TEXT,                                -- 256 px long side
    preview_path     TEXT,                                -- 512 px long side
    image_size       INTEGER NOT NULL,                    -- copied from the job, for gallery filters
    favourite        INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1)),
    rating           INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    deleted_at       INTEGER,                             -- in the trash since
    created_at       INTEGER NOT NULL
);
-- One image per job slot: re-ingesting a job's image after a restart finds the existing row.
CREATE UNIQUE INDEX idx_images_job_position ON images(job_id, position) WHERE job_id IS NOT NULL;
CREATE INDEX idx_images_sha ON images(sha256);
-- Keyset pagination of the live gallery, of favourites and of the trash.
CREATE INDEX idx_images_gallery ON images(profile_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX idx_images_favourites ON images(profile_id, created_at DESC, id DESC)
    WHERE deleted_at IS NULL AND favourite = 1;
CREATE INDEX idx_images_trash ON images(profile_id, created_at DESC, id DESC) WHERE deleted_at IS NOT NULL;

-- Full-text search over prompts (external content: jobs).
CREATE VIRTUAL TABLE jobs_fts USING fts5(prompt, content='jobs', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
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

-- Dashboard aggregates per UTC day and preset size, kept exact by the triggers below so the
-- Dashboard reads a few hundred rows instead of scanning every job and image. Cost is summed in
-- micro-dollars (integers) so that subtracting on update never leaves floating-point residue.
CREATE TABLE daily_stats (
    day               INTEGER NOT NULL,                   -- days since 1970-01-01 (UTC)
    image_size        INTEGER NOT NULL,
    jobs              INTEGER NOT NULL DEFAULT 0,
    completed         INTEGER NOT NULL DEFAULT 0,
    failed            INTEGER NOT NULL DEFAULT 0,
    cost_micros       INTEGER NOT NULL DEFAULT 0,
    duration_ms_sum   INTEGER NOT NULL DEFAULT 0,         -- completed jobs with a duration
    duration_count    INTEGER NOT NULL DEFAULT 0,
    images            INTEGER NOT NULL DEFAULT 0,         -- live (not trashed) images
    image_bytes       INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, image_size)
) WITHOUT ROWID;

CREATE TRIGGER daily_stats_job_ai AFTER INSERT ON jobs BEGIN
    INSERT INTO daily_stats (day, image_size, jobs, completed, failed, cost_micros, duration_ms_sum, duration_count)
    VALUES (new.created_at / 86400000, new.image_size, 1,
            new.status = 'COMPLETED', new.status = 'FAILED', CAST(round(new.cost * 1e6) AS INTEGER),
            CASE WHEN new.status = 'COMPLETED' THEN coalesce(new.duration_ms, 0) ELSE 0 END,
            new.status = 'COMPLETED' AND new.duration_ms IS NOT NULL)
    ON CONFLICT (day, image_size) DO UPDATE SET
        jobs = jobs + excluded.jobs,
        completed = completed + excluded.completed,
        failed = failed + excluded.failed,
        cost_micros = cost_micros + excluded.cost_micros,
        duration_ms_sum = duration_ms_sum + excluded.duration_ms_sum,
        duration_count = duration_count + excluded.duration_count;
END;

CREATE TRIGGER daily_stats_job_ad AFTER DELETE ON jobs BEGIN
    UPDATE daily_stats SET
        jobs = jobs - 1,
        completed = completed - (old.status = 'COMPLETED'),
        failed = failed - (old.status = 'FAILED'),
        cost_micros = cost_micros - CAST(round(old.cost * 1e6) AS INTEGER),
        duration_ms_sum = duration_ms_sum
            - CASE WHEN old.status = 'COMPLETED' THEN coalesce(old.duration_ms, 0) ELSE 0 END,
        duration_count = duration_count - (old.status = 'COMPLETED' AND old.duration_ms IS NOT NULL)
    WHERE day = old.created_at / 86400000 AND image_size = old.image_size;
END;

-- Remove the old contribution, then add the new one (the row may move to another day or size).
CREATE TRIGGER daily_stats_job_au AFTER UPDATE OF status, cost, duration_ms, created_at, image_size ON jobs
BEGIN
    UPDATE daily_stats SET
        jobs = jobs - 1,
        completed = completed - (old.status = 'COMPLETED'),
        failed = failed - (old.status = 'FAILED'),
        cost_micros = cost_micros - CAST(round(old.cost * 1e6) AS INTEGER),
        duration_ms_sum = duration_ms_sum
            - CASE WHEN old.status = 'COMPLETED' THEN coalesce(old.duration_ms, 0) ELSE 0 END,
        duration_count = duration_count - (old.status = 'COMPLETED' AND old.duration_ms IS NOT NULL)
    WHERE day = old.created_at / 86400000 AND image_size = old.image_size;
    INSERT INTO daily_stats (day, image_size, jobs, completed, failed, cost_micros, duration_ms_sum, duration_count)
    VALUES (new.created_at / 86400000, new.image_size, 1,
            new.status = 'COMPLETED', new.status = 'FAILED', CAST(round(new.cost * 1e6) AS INTEGER),
            CASE WHEN new.status = 'COMPLETED' THEN coalesce(new.duration_ms, 0) ELSE 0 END,
            new.status = 'COMPLETED' AND new.duration_ms IS NOT NULL)
    ON CONFLICT (day, image_size) DO UPDATE SET
        jobs = jobs + excluded.jobs,
        completed = completed + excluded.completed,
        failed = failed + excluded.failed,
        cost_micros = cost_micros + excluded.cost_micros,
        duration_ms_sum = duration_ms_sum + excluded.duration_ms_sum,
        duration_count = duration_count + excluded.duration_count;
END;

CREATE TRIGGER daily_stats_image_ai AFTER INSERT ON images WHEN new.deleted_at IS NULL BEGIN
    INSERT INTO daily_stats (day, image_size, images, image_bytes)
    VALUES (new.created_at / 86400000, new.image_size, 1, new.bytes)
    ON CONFLICT (day, image_size) DO UPDATE SET
        images = images + 1,
        image_bytes = image_bytes + excluded.image_bytes;
END;

CREATE TRIGGER daily_stats_image_ad AFTER DELETE ON images WHEN old.deleted_at IS NULL BEGIN
    UPDATE daily_stats SET images = images - 1, image_bytes = image_bytes - old.bytes
    WHERE day = old.created_at / 86400000 AND image_size = old.image_size;
END;

CREATE TRIGGER daily_stats_image_trash AFTER UPDATE OF deleted_at ON images
WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL BEGIN
    UPDATE daily_stats SET images = images - 1, image_bytes = image_bytes - old.bytes
    WHERE day = old.created_at / 86400000 AND image_size = old.image_size;
END;

CREATE TRIGGER daily_stats_image_restore AFTER UPDATE OF deleted_at ON images
WHEN old.deleted_at IS NOT NULL AND new.deleted_at IS NULL BEGIN
    INSERT INTO daily_stats (day, image_size, images, image_bytes)
    VALUES (new.created_at / 86400000, new.image_size, 1, new.bytes)
    ON CONFLICT (day, image_size) DO UPDATE SET
        images = images + 1,
        image_bytes = image_bytes + excluded.image_bytes;
END;
