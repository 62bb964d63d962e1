-- Sync through the user's own bucket (core/src/sync). The bucket holds, per device, immutable
-- segments of operations and one small head; this database holds what this device has to push
-- (the outbox), how far it has applied every other device (peers), the version of every synced
-- field (for last-writer-wins), tombstones, and the files still to upload or download.
--
-- The outbox is filled by triggers, so every change to a synced field records its operation in
-- the same transaction as the change, whatever code path made it. While remote operations are
-- applied, `sync_device.applying` is 1 and the triggers stay quiet.
--
-- Versions are hybrid logical clock values: Unix ms << 16 | a counter, in one INTEGER, so they
-- order as plain integers. The device id breaks ties.

CREATE TABLE sync_device (
    singleton        INTEGER PRIMARY KEY CHECK (singleton = 1),
    device_id        TEXT NOT NULL,          -- random; replaced if this library was restored from an old copy
    hlc              INTEGER NOT NULL DEFAULT 0,
    applying         INTEGER NOT NULL DEFAULT 0 CHECK (applying IN (0, 1)),
    -- Tests move this device's hybrid clock (never the clock that signs requests).
    clock_skew_ms    INTEGER NOT NULL DEFAULT 0,
    last_seq         INTEGER NOT NULL DEFAULT 0,   -- our last segment the bucket holds
    head_seq         INTEGER NOT NULL DEFAULT 0,   -- the last_seq our head object announces
    head_etag        TEXT,                         -- the ETag the bucket gave our head
    library_id       TEXT,                         -- of the bucket's library.json, once verified
    location         TEXT,                         -- endpoint|bucket|prefix that library_id was read from
    last_sync_at     INTEGER                       -- Unix ms of the last complete sync
);
INSERT INTO sync_device (singleton, device_id) VALUES (1, lower(hex(randomblob(16))));

-- A segment built but not yet confirmed by the bucket: sent again, byte for byte, after a crash.
CREATE TABLE sync_pending_segment (
    seq              INTEGER PRIMARY KEY,
    body             BLOB NOT NULL,
    sha256           TEXT NOT NULL,
    dirty            TEXT NOT NULL                 -- JSON [[entity, id, field, hlc]] it carries
);

-- What changed here and is not in the bucket yet, one row per field (later changes replace it).
CREATE TABLE sync_outbox (
    entity           TEXT NOT NULL CHECK (entity IN ('job', 'image')),
    id               TEXT NOT NULL,
    field            TEXT NOT NULL,                -- record | create | favourite | rating | trashed | purge
    hlc              INTEGER NOT NULL,
    PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;

-- The version each synced field has here: the winner so far.
CREATE TABLE sync_versions (
    entity           TEXT NOT NULL,
    id               TEXT NOT NULL,
    field            TEXT NOT NULL,
    hlc              INTEGER NOT NULL,
    device           TEXT NOT NULL,
    PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;

-- Images deleted forever: operations about them are ignored from then on (remove wins).
CREATE TABLE sync_tombstones (
    image_id         TEXT PRIMARY KEY,
    hlc              INTEGER NOT NULL
) WITHOUT ROWID;

-- Every other device seen in the bucket, and how far its segments are applied here.
CREATE TABLE sync_peers (
    device_id        TEXT PRIMARY KEY,
    applied_seq      INTEGER NOT NULL DEFAULT 0,
    head_etag        TEXT,
    name             TEXT,
    platform         TEXT,
    app_version      TEXT,
    last_push_at     INTEGER                       -- Unix ms, from its head
) WITHOUT ROWID;

-- Files to move: originals and thumbnails to upload (ours) or download (other devices'), and
-- originals to delete from the bucket after a delete-forever.
CREATE TABLE sync_files (
    -- The file's path in the library folder, which is also its key under the bucket prefix (both
    -- are content-addressed: images/ab/<sha256>.<ext>, thumbs/ab/<sha256>_256.jpg).
    key              TEXT NOT NULL,
    direction        TEXT NOT NULL CHECK (direction IN ('up', 'down', 'delete')),
    sha256           TEXT NOT NULL,                -- of the image the file belongs to
    content_type     TEXT NOT NULL,
    original         INTEGER NOT NULL CHECK (original IN (0, 1)),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    PRIMARY KEY (key, direction)
) WITHOUT ROWID;

-- Jobs created on another device: only that device drives them. NULL: made here.
ALTER TABLE jobs ADD COLUMN origin_device TEXT;
-- The original is in the bucket (uploaded from here, or made elsewhere): a missing local copy is
-- not lost, and a phone may fetch it on demand.
ALTER TABLE images ADD COLUMN original_remote INTEGER NOT NULL DEFAULT 0 CHECK (original_remote IN (0, 1));
-- When an on-demand original was last used (for the phone cache's eviction).
ALTER TABLE images ADD COLUMN original_used_at INTEGER;

-- Each trigger: one tick of this device's hybrid clock, then the outbox row and the field's
-- version. A new image also queues its original and thumbnails for upload.
CREATE TRIGGER sync_image_ai AFTER INSERT ON images
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('image', new.id, 'create', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'image', new.id, f.value, d.hlc, d.device_id FROM sync_device d, json_each('["favourite","rating","trashed"]') f
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
    INSERT INTO sync_files (key, direction, sha256, content_type, original)
        SELECT p.value, 'up', new.sha256, CASE p.key WHEN 0 THEN new.mime ELSE 'image/jpeg' END, p.key = 0
        FROM json_each(json_array(new.path, new.thumb_path, new.preview_path)) p
        WHERE p.value IS NOT NULL
        ON CONFLICT DO NOTHING;
END;

CREATE TRIGGER sync_image_favourite AFTER UPDATE OF favourite ON images
WHEN old.favourite IS NOT new.favourite AND (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('image', new.id, 'favourite', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'image', new.id, 'favourite', hlc, device_id FROM sync_device
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_image_rating AFTER UPDATE OF rating ON images
WHEN old.rating IS NOT new.rating AND (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('image', new.id, 'rating', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'image', new.id, 'rating', hlc, device_id FROM sync_device
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_image_trashed AFTER UPDATE OF deleted_at ON images
WHEN (old.deleted_at IS NULL) IS NOT (new.deleted_at IS NULL) AND (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('image', new.id, 'trashed', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'image', new.id, 'trashed', hlc, device_id FROM sync_device
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

-- Jobs made here: their synced columns (not leases, the raw provider answer or updated_at).
CREATE TRIGGER sync_job_ai AFTER INSERT ON jobs
WHEN new.origin_device IS NULL AND (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('job', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

CREATE TRIGGER sync_job_au AFTER UPDATE ON jobs
WHEN new.origin_device IS NULL AND (SELECT applying FROM sync_device) = 0 AND (
    old.status IS NOT new.status OR old.cost IS NOT new.cost OR old.duration_ms IS NOT new.duration_ms
    OR old.error_kind IS NOT new.error_kind OR old.error_message IS NOT new.error_message
    OR old.image_id IS NOT new.image_id OR old.remote_task_id IS NOT new.remote_task_id
    OR old.may_be_charged IS NOT new.may_be_charged OR old.submitted_at IS NOT new.submitted_at
    OR old.queue_ms IS NOT new.queue_ms OR old.completed_at IS NOT new.completed_at
    OR old.attempts IS NOT new.attempts OR old.estimated_cost IS NOT new.estimated_cost
    OR old.prompt IS NOT new.prompt) BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('job', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

-- What this library already holds goes out with the first sync.
INSERT INTO sync_outbox (entity, id, field, hlc) SELECT 'job', id, 'record', created_at * 65536 FROM jobs;
INSERT INTO sync_outbox (entity, id, field, hlc) SELECT 'image', id, 'create', created_at * 65536 FROM images;
INSERT INTO sync_versions (entity, id, field, hlc, device)
    SELECT 'image', i.id, f.value, i.created_at * 65536, d.device_id
    FROM images i, sync_device d, json_each('["favourite","rating","trashed"]') f;
INSERT INTO sync_files (key, direction, sha256, content_type, original)
    SELECT p.value, 'up', i.sha256, CASE p.key WHEN 0 THEN i.mime ELSE 'image/jpeg' END, p.key = 0
    FROM images i, json_each(json_array(i.path, i.thumb_path, i.preview_path)) p
    WHERE p.value IS NOT NULL
    ON CONFLICT DO NOTHING;
