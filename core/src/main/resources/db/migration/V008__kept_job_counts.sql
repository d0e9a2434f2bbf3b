-- V008: the last slow count of the jobs table, kept for the next process that starts
-- (docs/stats.md). Counting a big table is a full scan (314 ms at 1,000,000 jobs on the
-- benchmark machine), and a server's first statistics request after each start waited for it.
-- A count that took long enough to matter is written here; a process without counts yet answers
-- its first request from this row at once, with the row's time as counts_as_of, and counts again
-- in the background.
CREATE TABLE ${schema}.kept_job_counts (
    -- one row: a newer count replaces it
    id         boolean     PRIMARY KEY DEFAULT true,
    -- the time of the count, as counts_as_of reports it
    counted_at timestamptz NOT NULL,
    -- how long the count took, which spaces the next ones (RefreshPolicy)
    took_ms    integer     NOT NULL,
    -- [[queue, state, jobs], ...]
    counts     jsonb       NOT NULL,
    CONSTRAINT kept_job_counts_one_row CHECK (id),
    CONSTRAINT kept_job_counts_took_ms_check CHECK (took_ms >= 0),
    CONSTRAINT kept_job_counts_counts_check CHECK (jsonb_typeof(counts) = 'array')
);

-- Emptying the jobs table makes a kept count wrong by all it counted: forget it.
CREATE FUNCTION ${schema}.jobs_truncate_forgets_kept_counts() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ${schema}.kept_job_counts;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_truncate_forgets_kept_counts
    AFTER TRUNCATE ON ${schema}.jobs
    FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.jobs_truncate_forgets_kept_counts();
