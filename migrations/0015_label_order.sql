-- A tag's or an album's gallery page as one index walk (core/src/library/gallery.rs). Until now such a
-- page either sorted all the members (a small set) or walked the whole gallery in order and kept the
-- members (a large one); both grew with the library and were over the page's 2 ms at 100k (BENCHMARKS.md,
-- "Organising at 100k"). Each membership and tag row now carries its image's created_at, the gallery's
-- sort key, and an index in keyset order (set, created_at, image id) gives the newest or oldest page of
-- a set directly.
--
-- The copy is kept by triggers, whatever path wrote the row (the app, sync's apply, a test's SQL): a row
-- written without it takes its image's, an image arriving after its labels (sync may bring them first)
-- gives its own to them, and one whose created_at changed gives the new one (nothing changes it today;
-- the trigger costs nothing until something does).
ALTER TABLE album_images ADD COLUMN created_at INTEGER;
ALTER TABLE image_tags ADD COLUMN created_at INTEGER;

UPDATE album_images SET created_at = (SELECT i.created_at FROM images i WHERE i.id = album_images.image_id);
UPDATE image_tags SET created_at = (SELECT i.created_at FROM images i WHERE i.id = image_tags.image_id);

CREATE INDEX album_images_by_created ON album_images (album_id, created_at, image_id);
CREATE INDEX image_tags_by_created ON image_tags (tag, created_at, image_id);
-- Its key (tag, image_id) is a prefix-plus-key of the new index: every lookup by tag uses that one now.
DROP INDEX image_tags_by_tag;

CREATE TRIGGER album_images_created_ai AFTER INSERT ON album_images WHEN new.created_at IS NULL BEGIN
    UPDATE album_images SET created_at = (SELECT created_at FROM images WHERE id = new.image_id)
    WHERE album_id = new.album_id AND image_id = new.image_id;
END;
CREATE TRIGGER image_tags_created_ai AFTER INSERT ON image_tags WHEN new.created_at IS NULL BEGIN
    UPDATE image_tags SET created_at = (SELECT created_at FROM images WHERE id = new.image_id)
    WHERE image_id = new.image_id AND tag = new.tag;
END;
CREATE TRIGGER images_created_labels_ai AFTER INSERT ON images BEGIN
    UPDATE album_images SET created_at = new.created_at WHERE image_id = new.id;
    UPDATE image_tags SET created_at = new.created_at WHERE image_id = new.id;
END;
CREATE TRIGGER images_created_labels_au AFTER UPDATE OF created_at ON images
WHEN old.created_at IS NOT new.created_at BEGIN
    UPDATE album_images SET created_at = new.created_at WHERE image_id = new.id;
    UPDATE image_tags SET created_at = new.created_at WHERE image_id = new.id;
END;
