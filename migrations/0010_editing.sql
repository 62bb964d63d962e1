-- no-transaction
-- The editing studio (core/src/conversation, core/src/editing).
--
-- The outbox's CHECK learns the 'ref' entity: SQLite cannot change a CHECK in place, so the table
-- is rebuilt. Other tables' triggers insert into it by name; with legacy_alter_table the rename
-- leaves their text alone (it would otherwise refuse, as they name the table being replaced).
PRAGMA legacy_alter_table = ON;
BEGIN IMMEDIATE;

CREATE TABLE sync_outbox_v2 (
    entity           TEXT NOT NULL CHECK (entity IN ('job', 'image', 'ref')),
    id               TEXT NOT NULL,
    field            TEXT NOT NULL,                -- record | create | favourite | rating | trashed | purge
    hlc              INTEGER NOT NULL,
    PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;
INSERT INTO sync_outbox_v2 (entity, id, field, hlc) SELECT entity, id, field, hlc FROM sync_outbox;
DROP TABLE sync_outbox;
ALTER TABLE sync_outbox_v2 RENAME TO sync_outbox;

-- A Gemini job's turn of its conversation: the user turn as sent and the model's answer as it
-- came (thought parts dropped, every signature verbatim, each image as the SHA-256 of its stored
-- original), and the job whose turn it follows (NULL: a new conversation). JSON, see
-- core/src/conversation/turn.rs. NULL for other providers and for jobs before this version.
ALTER TABLE jobs ADD COLUMN conversation TEXT;

-- What a job is beside a plain generation: 'edit', 'masked_edit', 'upscale', 'reply' (NULL: a
-- generation). Synced; a value a version does not know reads as NULL there.
ALTER TABLE jobs ADD COLUMN purpose TEXT;

-- A masked edit: the model is sent a crop around the painted region and its answer is
-- composited back into the full original on this device (core/src/queue/masked.rs). JSON: the
-- original and mask images, the crop and its ratio. Not synced: other devices get the result.
ALTER TABLE jobs ADD COLUMN mask_edit TEXT;

-- Why an image is not quite what was asked for: 'unaligned' (a masked edit whose answer could
-- not be aligned to its crop and was resized to it), 'wrong_size' (an upscale answered at another
-- size). NULL: nothing to say. It was paid for, so it is stored and flagged, never dropped.
ALTER TABLE images ADD COLUMN flag TEXT;

-- Named references ("Mira", "logo"): an image sent byte-for-byte as an input wherever its name is
-- picked. Synced (one record per reference, last writer wins); a removed one keeps its row with
-- removed_at so the removal syncs too. Names are not unique across devices: the newest live one
-- with a name is the one a name means.
CREATE TABLE refs (
    id          TEXT PRIMARY KEY,
    profile_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    image_id    TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE INDEX refs_by_name ON refs (profile_id, name COLLATE NOCASE, updated_at);

CREATE TRIGGER sync_ref_ai AFTER INSERT ON refs
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('ref', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'ref', new.id, 'record', d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_ref_au AFTER UPDATE ON refs
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('ref', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'ref', new.id, 'record', d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

-- A start over (another bucket or prefix) sends the references too: see
-- core/src/library/replica/state.rs.

-- Jobs sync their conversation too (core/src/library/replica/records.rs lists the columns).
DROP TRIGGER sync_job_au;
CREATE TRIGGER sync_job_au AFTER UPDATE ON jobs
WHEN new.origin_device IS NULL AND (SELECT applying FROM sync_device) = 0 AND (
    old.status IS NOT new.status OR old.cost IS NOT new.cost OR old.duration_ms IS NOT new.duration_ms
    OR old.error_kind IS NOT new.error_kind OR old.error_message IS NOT new.error_message
    OR old.image_id IS NOT new.image_id OR old.remote_task_id IS NOT new.remote_task_id
    OR old.may_be_charged IS NOT new.may_be_charged OR old.submitted_at IS NOT new.submitted_at
    OR old.queue_ms IS NOT new.queue_ms OR old.completed_at IS NOT new.completed_at
    OR old.attempts IS NOT new.attempts OR old.estimated_cost IS NOT new.estimated_cost
    OR old.prompt IS NOT new.prompt OR old.charged_credits IS NOT new.charged_credits
    OR old.conversation IS NOT new.conversation) BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('job', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;

COMMIT;
PRAGMA legacy_alter_table = OFF;
