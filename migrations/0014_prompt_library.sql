-- no-transaction
-- The prompt library (core/src/library/prompts.rs) and the wildcard lists templates draw from
-- (core/src/library/wildcard_lists.rs), both synced like albums: one record per prompt and per
-- list, last writer wins, a removal kept as removed_at so it syncs.
--
-- The outbox's CHECK learns the 'prompt' and 'wildcard' entities: the table is rebuilt as in 0012
-- (legacy_alter_table keeps the other tables' triggers, which name it, as they are).
PRAGMA legacy_alter_table = ON;
BEGIN IMMEDIATE;

CREATE TABLE sync_outbox_v4 (
    entity           TEXT NOT NULL CHECK (entity IN ('job', 'image', 'ref', 'album', 'member', 'tag',
                                                     'prompt', 'wildcard')),
    id               TEXT NOT NULL,
    -- record | create | favourite | rating | trashed | purge; for 'member' the album's id, for
    -- 'tag' the tag itself (the id is the image's).
    field            TEXT NOT NULL,
    hlc              INTEGER NOT NULL,
    PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;
INSERT INTO sync_outbox_v4 (entity, id, field, hlc) SELECT entity, id, field, hlc FROM sync_outbox;
DROP TABLE sync_outbox;
ALTER TABLE sync_outbox_v4 RENAME TO sync_outbox;

-- A saved prompt or template. Its id is derived from its name in lower case (prompts.rs), so a
-- name is one record on every device: two devices that each save "Portrait" before they sync
-- save the same prompt (the later save wins), and names are unique in any case. tags is a JSON
-- array of normalised tags (as image tags are).
CREATE TABLE saved_prompts (
    id          TEXT PRIMARY KEY,
    profile_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    text        TEXT NOT NULL,
    tags        TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE INDEX saved_prompts_by_name ON saved_prompts (profile_id, name COLLATE NOCASE)
    WHERE removed_at IS NULL;

-- A wildcard list (`__name__` in a template): entries is a JSON array of lines as given. Names are
-- case-sensitive, so the id is derived from the name exactly. Lists saved before this migration
-- live in settings['wildcards'] and are moved here on first use (wildcard_lists.rs): the ids are
-- hashes SQL cannot compute.
CREATE TABLE wildcard_lists (
    id          TEXT PRIMARY KEY,
    profile_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    entries     TEXT NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE INDEX wildcard_lists_by_name ON wildcard_lists (profile_id, name) WHERE removed_at IS NULL;

-- Sync: one tick of the hybrid clock, the outbox row and the version, as in 0012.
CREATE TRIGGER sync_prompt_ai AFTER INSERT ON saved_prompts
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('prompt', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'prompt', new.id, 'record', d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_prompt_au AFTER UPDATE ON saved_prompts
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('prompt', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'prompt', new.id, 'record', d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_wildcard_ai AFTER INSERT ON wildcard_lists
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('wildcard', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'wildcard', new.id, 'record', d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_wildcard_au AFTER UPDATE ON wildcard_lists
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('wildcard', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'wildcard', new.id, 'record', d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

COMMIT;
PRAGMA legacy_alter_table = OFF;
