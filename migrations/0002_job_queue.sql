-- The job queue's claim on a job: which queue (one per running app or CLI process) is driving it,
-- and until when. A queue renews its leases while it runs; a job whose lease has expired belongs to
-- nobody and may be claimed (in one atomic UPDATE) by the next queue that resumes it, so the app
-- and a CLI never drive the same job at once. Cleared when the job finishes.
ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;             -- Unix ms
CREATE INDEX idx_jobs_lease ON jobs(lease_owner) WHERE lease_owner IS NOT NULL;
