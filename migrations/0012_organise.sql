-- no-transaction
-- Organise at scale (core/src/library/albums.rs, tags.rs, labels.rs): albums, tags, and the
-- indexes the gallery's new filters and sorts walk.
--
-- The outbox's CHECK learns the 'album', 'member' and 'tag' entities: SQLite cannot change a
-- CHECK in place, so the table is rebuilt as in 0010 (legacy_alter_table keeps the other tables'
-- triggers, which name it, as they are).
PRAGMA legacy_alter_table = ON;
BEGIN IMMEDIATE;

CREATE TABLE sync_outbox_v3 (
    entity           TEXT NOT NULL CHECK (entity IN ('job', 'image', 'ref', 'album', 'member', 'tag')),
    id               TEXT NOT NULL,
    -- record | create | favourite | rating | trashed | purge; for 'member' the album's id, for
    -- 'tag' the tag itself (the id is the image's).
    field            TEXT NOT NULL,
    hlc              INTEGER NOT NULL,
    PRIMARY KEY (entity, id, field)
) WITHOUT ROWID;
INSERT INTO sync_outbox_v3 (entity, id, field, hlc) SELECT entity, id, field, hlc FROM sync_outbox;
DROP TABLE sync_outbox;
ALTER TABLE sync_outbox_v3 RENAME TO sync_outbox;

-- An album: a named set of images (an image may be in several). Synced as one record per album
-- (name, removal; last writer wins), like references; a deleted one keeps its row with
-- removed_at so the deletion syncs. Its id is derived from its first name (albums.rs), so two
-- devices that each make "Trips" before they sync make the same album.
CREATE TABLE albums (
    id          TEXT PRIMARY KEY,
    profile_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    removed_at  INTEGER
);
CREATE INDEX albums_by_name ON albums (profile_id, name COLLATE NOCASE) WHERE removed_at IS NULL;

-- Which image is in which album: a row while it is. Synced per (image, album), last writer wins
-- by the hybrid clock like a favourite; the version lives in sync_versions ('member', image id,
-- album id), so a removal needs no row. No foreign keys: another device's membership may arrive
-- before its image or its album (each comes with its own operation).
CREATE TABLE album_images (
    album_id    TEXT NOT NULL,
    image_id    TEXT NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (album_id, image_id)
) WITHOUT ROWID;
CREATE INDEX album_images_by_image ON album_images (image_id);

-- Free-text tags, normalised (trimmed, single spaces, lower case: see tags.rs) so "Cat" and
-- "cat " are one tag on every device. Synced per (image, tag) like memberships.
CREATE TABLE image_tags (
    image_id    TEXT NOT NULL,
    tag         TEXT NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (image_id, tag)
) WITHOUT ROWID;
CREATE INDEX image_tags_by_tag ON image_tags (tag, image_id);

-- Search covers tags and album names: one document per image that has either, keyed by the
-- image's rowid like jobs_fts is by the job's. Kept by the triggers below (whatever path changed
-- a tag, a membership or an album, sync's apply included); images without labels have no row, so
-- ingest pays nothing.
CREATE VIRTUAL TABLE labels_fts USING fts5(labels, tokenize='unicode61 remove_diacritics 2');

CREATE VIEW image_labels_text AS
SELECT i.rowid AS rid, i.id AS image_id, trim(
    coalesce((SELECT group_concat(t.tag, ' ') FROM image_tags t WHERE t.image_id = i.id), '') || ' ' ||
    coalesce((SELECT group_concat(a.name, ' ') FROM album_images m JOIN albums a ON a.id = m.album_id
              WHERE m.image_id = i.id AND a.removed_at IS NULL), '')) AS labels
FROM images i;

CREATE TRIGGER labels_tag_ai AFTER INSERT ON image_tags BEGIN
    DELETE FROM labels_fts WHERE rowid = (SELECT rowid FROM images WHERE id = new.image_id);
    INSERT INTO labels_fts (rowid, labels)
        SELECT rid, labels FROM image_labels_text WHERE image_id = new.image_id AND labels <> '';
END;
CREATE TRIGGER labels_tag_ad AFTER DELETE ON image_tags BEGIN
    DELETE FROM labels_fts WHERE rowid = (SELECT rowid FROM images WHERE id = old.image_id);
    INSERT INTO labels_fts (rowid, labels)
        SELECT rid, labels FROM image_labels_text WHERE image_id = old.image_id AND labels <> '';
END;
CREATE TRIGGER labels_member_ai AFTER INSERT ON album_images BEGIN
    DELETE FROM labels_fts WHERE rowid = (SELECT rowid FROM images WHERE id = new.image_id);
    INSERT INTO labels_fts (rowid, labels)
        SELECT rid, labels FROM image_labels_text WHERE image_id = new.image_id AND labels <> '';
END;
CREATE TRIGGER labels_member_ad AFTER DELETE ON album_images BEGIN
    DELETE FROM labels_fts WHERE rowid = (SELECT rowid FROM images WHERE id = old.image_id);
    INSERT INTO labels_fts (rowid, labels)
        SELECT rid, labels FROM image_labels_text WHERE image_id = old.image_id AND labels <> '';
END;
-- An album renamed, deleted, or arriving after its memberships: every member's document again.
CREATE TRIGGER labels_album_ai AFTER INSERT ON albums BEGIN
    DELETE FROM labels_fts WHERE rowid IN
        (SELECT i.rowid FROM album_images m JOIN images i ON i.id = m.image_id WHERE m.album_id = new.id);
    INSERT INTO labels_fts (rowid, labels)
        SELECT v.rid, v.labels FROM album_images m JOIN image_labels_text v ON v.image_id = m.image_id
        WHERE m.album_id = new.id AND v.labels <> '';
END;
CREATE TRIGGER labels_album_au AFTER UPDATE OF name, removed_at ON albums
WHEN old.name IS NOT new.name OR old.removed_at IS NOT new.removed_at BEGIN
    DELETE FROM labels_fts WHERE rowid IN
        (SELECT i.rowid FROM album_images m JOIN images i ON i.id = m.image_id WHERE m.album_id = new.id);
    INSERT INTO labels_fts (rowid, labels)
        SELECT v.rid, v.labels FROM album_images m JOIN image_labels_text v ON v.image_id = m.image_id
        WHERE m.album_id = new.id AND v.labels <> '';
END;
-- An image deleted forever takes its labels with it (its purge syncs on its own; the membership
-- triggers below stay quiet because the image is gone by then).
CREATE TRIGGER labels_image_ad AFTER DELETE ON images BEGIN
    DELETE FROM album_images WHERE image_id = old.id;
    DELETE FROM image_tags WHERE image_id = old.id;
    DELETE FROM labels_fts WHERE rowid = old.rowid;
    DELETE FROM sync_versions WHERE entity IN ('member', 'tag') AND id = old.id;
END;

-- Sync: one tick of the hybrid clock, the outbox row and the version, as in 0006 and 0010.
CREATE TRIGGER sync_album_ai AFTER INSERT ON albums
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('album', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'album', new.id, 'record', d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_album_au AFTER UPDATE ON albums
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('album', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'album', new.id, 'record', d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_member_ai AFTER INSERT ON album_images
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('member', new.image_id, new.album_id, (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'member', new.image_id, new.album_id, d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_member_ad AFTER DELETE ON album_images
WHEN (SELECT applying FROM sync_device) = 0 AND EXISTS (SELECT 1 FROM images WHERE id = old.image_id) BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('member', old.image_id, old.album_id, (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'member', old.image_id, old.album_id, d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_tag_ai AFTER INSERT ON image_tags
WHEN (SELECT applying FROM sync_device) = 0 BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('tag', new.image_id, new.tag, (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'tag', new.image_id, new.tag, d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

CREATE TRIGGER sync_tag_ad AFTER DELETE ON image_tags
WHEN (SELECT applying FROM sync_device) = 0 AND EXISTS (SELECT 1 FROM images WHERE id = old.image_id) BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('tag', old.image_id, old.tag, (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
    INSERT INTO sync_versions (entity, id, field, hlc, device)
        SELECT 'tag', old.image_id, old.tag, d.hlc, d.device_id FROM sync_device d
        WHERE true ON CONFLICT DO UPDATE SET hlc = excluded.hlc, device = excluded.device;
END;

-- The gallery's new filters and sorts (images.rs): by rating (the "rating" sort and "≥ N stars"
-- walk it in order), and by the job's model or provider (a rare model is found from its jobs
-- instead of by walking every image).
CREATE INDEX idx_images_rating ON images(profile_id, rating DESC, created_at DESC, id DESC)
    WHERE deleted_at IS NULL;
CREATE INDEX idx_jobs_model ON jobs(model, created_at);
CREATE INDEX idx_jobs_provider ON jobs(provider, created_at);

COMMIT;
PRAGMA legacy_alter_table = OFF;
