-- Local input images for image-to-image: kept as library blobs (content-addressed originals with
-- thumbnails, like generated images, so they sync and lineage works on every device), marked
-- `kind = 'input'` so the gallery and the statistics count only generated images. A job names the
-- input images it sent in `input_image_ids` (a JSON array of image ids).
ALTER TABLE images ADD COLUMN kind TEXT NOT NULL DEFAULT 'generated' CHECK (kind IN ('generated', 'input'));
ALTER TABLE jobs ADD COLUMN input_image_ids TEXT;

DROP TRIGGER daily_stats_image_ai;
DROP TRIGGER daily_stats_image_ad;
DROP TRIGGER daily_stats_image_trash;
DROP TRIGGER daily_stats_image_restore;

CREATE TRIGGER daily_stats_image_ai AFTER INSERT ON images
WHEN new.deleted_at IS NULL AND new.kind = 'generated' BEGIN
    INSERT INTO daily_stats (day, image_size, images, image_bytes)
    VALUES (new.created_at / 86400000, new.image_size, 1, new.bytes)
    ON CONFLICT (day, image_size) DO UPDATE SET
        images = images + 1,
        image_bytes = image_bytes + excluded.image_bytes;
END;

CREATE TRIGGER daily_stats_image_ad AFTER DELETE ON images
WHEN old.deleted_at IS NULL AND old.kind = 'generated' BEGIN
    UPDATE daily_stats SET images = images - 1, image_bytes = image_bytes - old.bytes
    WHERE day = old.created_at / 86400000 AND image_size = old.image_size;
END;

CREATE TRIGGER daily_stats_image_trash AFTER UPDATE OF deleted_at ON images
WHEN old.deleted_at IS NULL AND new.deleted_at IS NOT NULL AND new.kind = 'generated' BEGIN
    UPDATE daily_stats SET images = images - 1, image_bytes = image_bytes - old.bytes
    WHERE day = old.created_at / 86400000 AND image_size = old.image_size;
END;

CREATE TRIGGER daily_stats_image_restore AFTER UPDATE OF deleted_at ON images
WHEN old.deleted_at IS NOT NULL AND new.deleted_at IS NULL AND new.kind = 'generated' BEGIN
    INSERT INTO daily_stats (day, image_size, images, image_bytes)
    VALUES (new.created_at / 86400000, new.image_size, 1, new.bytes)
    ON CONFLICT (day, image_size) DO UPDATE SET
        images = images + 1,
        image_bytes = image_bytes + excluded.image_bytes;
END;
