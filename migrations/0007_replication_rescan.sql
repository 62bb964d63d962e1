-- Segments that carried operation kinds this version did not know yet (made by a newer version on
-- another device): read again after an upgrade, for those kinds only, instead of being skipped for
-- good once the peer's cursor moved past them (core/src/library/replica/rescan.rs).
CREATE TABLE sync_rescan (
    device           TEXT NOT NULL,
    seq              INTEGER NOT NULL,
    kinds            TEXT NOT NULL,                -- JSON array of the unknown `op` tags
    PRIMARY KEY (device, seq)
) WITHOUT ROWID;

-- Earlier versions kept the presigned links of a job's library inputs in input_image_urls; links
-- are made at submit time now and never stored (they expire, and they are not job data).
UPDATE jobs SET input_image_urls = (
    SELECT CASE WHEN count(*) = 0 THEN NULL ELSE json_group_array(value) END
    FROM json_each(jobs.input_image_urls) WHERE value NOT LIKE '%X-Amz-Signature=%'
)
WHERE input_image_urls LIKE '%X-Amz-Signature=%';
