-- V010: retention (docs/retention.md). Finished jobs are deleted after a period per final
-- state, queue and kind, oldest first, in bounded batches; this index finds them without
-- reading the jobs that wait or run. It holds finished jobs only: a completion adds an entry
-- (the update is not HOT anyway, state being in the partial indexes' predicates).
CREATE INDEX jobs_state_finished_at_idx_where_finished
    ON ${schema}.jobs (state, finished_at) WHERE state IN ('completed', 'cancelled', 'discarded');

-- GANTRY_RETENTION_ARCHIVE=true: a job is copied here in the transaction that deletes it. Its
-- columns are the jobs table's, in order, then archived_at: a migration that adds a column to
-- jobs adds it here too (RetentionTest compares them).
CREATE TABLE ${schema}.jobs_archive (LIKE ${schema}.jobs);
ALTER TABLE ${schema}.jobs_archive ADD COLUMN archived_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX jobs_archive_archived_at_idx ON ${schema}.jobs_archive (archived_at);
CREATE INDEX jobs_archive_id_idx ON ${schema}.jobs_archive (id);
