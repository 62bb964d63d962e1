-- The install that drives each job: only it submits, polls or recovers the job, so a data folder
-- copied to another machine cannot make two machines pay for the same queued jobs (audit L9). Not
-- the sync device identity (that travels with the folder). NULL: recorded before this version; the
-- first install to claim such a job becomes its driver.
ALTER TABLE jobs ADD COLUMN driver_install TEXT;

-- The credits the service took for a job, from its balance read before the submit and after the
-- job, when no other submit of this library ran in between (NULL: not known).
ALTER TABLE jobs ADD COLUMN charged_credits REAL;

-- What one image costs in the service's credits, learned from such jobs, per model and size.
CREATE TABLE credit_rates (
    provider          TEXT NOT NULL,
    model             TEXT NOT NULL,
    image_size        INTEGER NOT NULL,
    credits_per_image REAL NOT NULL,
    samples           INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    PRIMARY KEY (provider, model, image_size)
) WITHOUT ROWID;

-- Jobs sync their charged credits too (core/src/library/replica/records.rs lists the columns).
DROP TRIGGER sync_job_au;
CREATE TRIGGER sync_job_au AFTER UPDATE ON jobs
WHEN new.origin_device IS NULL AND (SELECT applying FROM sync_device) = 0 AND (
    old.status IS NOT new.status OR old.cost IS NOT new.cost OR old.duration_ms IS NOT new.duration_ms
    OR old.error_kind IS NOT new.error_kind OR old.error_message IS NOT new.error_message
    OR old.image_id IS NOT new.image_id OR old.remote_task_id IS NOT new.remote_task_id
    OR old.may_be_charged IS NOT new.may_be_charged OR old.submitted_at IS NOT new.submitted_at
    OR old.queue_ms IS NOT new.queue_ms OR old.completed_at IS NOT new.completed_at
    OR old.attempts IS NOT new.attempts OR old.estimated_cost IS NOT new.estimated_cost
    OR old.prompt IS NOT new.prompt OR old.charged_credits IS NOT new.charged_credits) BEGIN
    UPDATE sync_device SET hlc = max((CAST(unixepoch('subsec') * 1000 AS INTEGER) + clock_skew_ms) * 65536, hlc + 1);
    INSERT INTO sync_outbox (entity, id, field, hlc) VALUES ('job', new.id, 'record', (SELECT hlc FROM sync_device))
        ON CONFLICT DO UPDATE SET hlc = excluded.hlc;
END;
