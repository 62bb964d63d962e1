-- The gallery's "≥ N stars" filter in date order (core/src/library/gallery.rs). It walked the whole
-- gallery index newest first and read each image's row for its rating: with one image in ten rated,
-- a page of images with 4 stars and up read about 2,500 rows and took 2.2 ms at 100k, over the page's
-- 2 ms (BENCHMARKS.md, "Organising at 100k"). This index holds only the rated images, in the gallery's
-- order, with their rating, so such a page walks the rated ones and reads the rows it keeps. The query
-- names `rating > 0` as written here, which is how SQLite knows the partial index applies.
CREATE INDEX idx_images_rated ON images(profile_id, created_at DESC, id DESC, rating)
    WHERE deleted_at IS NULL AND rating > 0;
