-- Deletions forever made on another device that this one holds back until the user confirms them:
-- a pull that would delete more than 10 images and more than half of the library applies
-- everything else and keeps these here (core/src/library/replica/deletions.rs). Each row is one
-- purge operation as the pull read it, so confirming applies it exactly as the pull would have.
CREATE TABLE sync_pending_purges (
    image_id         TEXT NOT NULL,
    device           TEXT NOT NULL,                -- the device whose segment carried it
    seq              INTEGER NOT NULL,             -- that segment
    hlc              INTEGER NOT NULL,             -- its effective version (clamped by the segment's server time)
    held_at          INTEGER NOT NULL,             -- Unix ms
    PRIMARY KEY (image_id, device)
) WITHOUT ROWID;

-- The owner (`library.json`'s `owner`) of the bucket library verified at `location`: a library
-- verified before libraries had owners is read again once, and claimed or refused.
ALTER TABLE sync_device ADD COLUMN owner TEXT;
