-- V012: concurrency and rate limits by key (docs/limits.md). A job may carry a limit_key (a
-- tenant, an ad account, an external API); a row in limits says how many jobs with that key
-- may run at once and/or start per period. A job claimed while its key is at its limit goes
-- back to wait as pending with limited_at set, out of the claim path's index, and is let go
-- (available again, its place in line kept, limited_at cleared) when a job of the key stops
-- running, when the period frees a start (wake_at, checked by stage_due), or when the limit
-- changes. A waiting job that is cancelled keeps limited_at: when it began to wait.
ALTER TABLE ${schema}.jobs ADD COLUMN limit_key text;
ALTER TABLE ${schema}.jobs ADD COLUMN limited_at timestamptz;
ALTER TABLE ${schema}.jobs ADD CONSTRAINT jobs_limit_key_check
    CHECK (limit_key IS NULL OR char_length(limit_key) BETWEEN 1 AND 200);
ALTER TABLE ${schema}.jobs ADD CONSTRAINT jobs_limited_at_check
    CHECK (limited_at IS NULL OR limit_key IS NOT NULL);
ALTER TABLE ${schema}.jobs_archive ADD COLUMN limit_key text;
ALTER TABLE ${schema}.jobs_archive ADD COLUMN limited_at timestamptz;

CREATE TABLE ${schema}.limits (
    limit_key      text        PRIMARY KEY,
    -- at most this many jobs with the key run at once (null: no such limit)
    max_running    integer,
    -- at most this many attempts of jobs with the key start in any period (null: no such limit)
    max_per_period integer,
    period         interval,
    -- the period is full until then: stage_due lets waiting jobs of the key go at that time
    wake_at        timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT limits_limit_key_check CHECK (char_length(limit_key) BETWEEN 1 AND 200),
    CONSTRAINT limits_max_running_check CHECK (max_running BETWEEN 0 AND 100000),
    CONSTRAINT limits_max_per_period_check CHECK (max_per_period BETWEEN 1 AND 1000000),
    CONSTRAINT limits_period_check CHECK ((period IS NULL) = (max_per_period IS NULL)
        AND (period IS NULL OR period BETWEEN interval '1 second' AND interval '31 days')),
    CONSTRAINT limits_some_limit_check CHECK (max_running IS NOT NULL OR max_per_period IS NOT NULL)
);
CREATE INDEX limits_wake_at_idx ON ${schema}.limits (wake_at) WHERE wake_at IS NOT NULL;

-- One row per attempt started under a rate limit, kept for one period: the sliding window.
CREATE TABLE ${schema}.limit_starts (
    limit_key  text        NOT NULL REFERENCES ${schema}.limits ON DELETE CASCADE,
    started_at timestamptz NOT NULL
);
CREATE INDEX limit_starts_limit_key_started_at_idx ON ${schema}.limit_starts (limit_key, started_at);

-- The claim of keyed jobs, in claim order; the main claim index keeps holding every available
-- job (the unkeyed claim path and the counts are unchanged).
CREATE INDEX jobs_queue_priority_run_at_id_idx_where_available_keyed
    ON ${schema}.jobs (queue, priority, run_at, id) WHERE state = 'available' AND limit_key IS NOT NULL;
-- A key at its limit: its other available jobs are set waiting in one statement.
CREATE INDEX jobs_limit_key_idx_where_available
    ON ${schema}.jobs (limit_key) WHERE state = 'available' AND limit_key IS NOT NULL;
-- How many jobs of a key run now.
CREATE INDEX jobs_limit_key_idx_where_running
    ON ${schema}.jobs (limit_key) WHERE state = 'running' AND limit_key IS NOT NULL;
-- The jobs waiting for their key's limit, in claim order.
CREATE INDEX jobs_limit_key_priority_run_at_id_idx_where_limited
    ON ${schema}.jobs (limit_key, priority, run_at, id) WHERE limited_at IS NOT NULL AND state = 'pending';

-- enqueue gains limit_key (R__sql_api.sql creates it again with the new parameter).
DROP FUNCTION IF EXISTS ${schema}.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text[], integer, text);
