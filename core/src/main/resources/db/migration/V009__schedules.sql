-- V009: schedules, jobs made on a clock (docs/schedules.md). Each row is one named schedule;
-- the scheduler in every worker locks due rows (FOR UPDATE SKIP LOCKED), enqueues their ticks
-- and moves next_run_at on in the same transaction, so each tick is enqueued once however many
-- workers run; each tick's job also carries the unique key schedule:<name>@<tick>.
CREATE TABLE ${schema}.schedules (
    name          text        PRIMARY KEY,
    -- a 5- or 6-field cron expression (seconds first when 6) or "every <n><s|m|h|d>"
    spec          text        NOT NULL,
    -- the zone cron fields are read in; intervals do not depend on it
    timezone      text        NOT NULL DEFAULT 'UTC',
    -- the jobs it makes
    kind          text        NOT NULL,
    args          jsonb       NOT NULL DEFAULT '{}',
    queue         text        NOT NULL DEFAULT 'default',
    priority      integer     NOT NULL DEFAULT 0,
    max_attempts  integer,
    timeout_seconds integer,
    tags          text[]      NOT NULL DEFAULT '{}',
    -- missed runs (ticks more than a minute late, after downtime): 0 skips them, n > 0 enqueues
    -- the n latest of them
    catch_up      integer     NOT NULL DEFAULT 0,
    paused        boolean     NOT NULL DEFAULT false,
    -- the next tick; null until the scheduler has computed it from the spec (after a change of
    -- spec, time zone or a resume): the first tick after spec_set_at
    next_run_at   timestamptz,
    spec_set_at   timestamptz NOT NULL DEFAULT now(),
    -- the latest tick enqueued, and its job
    last_run_at   timestamptz,
    last_job_id   bigint,
    -- why the last tick could not be enqueued (cleared by the next one that could)
    last_error    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    -- at most 119 characters, so that its jobs' tag schedule:<name> fits a tag's 128
    CONSTRAINT schedules_name_check CHECK (name ~ '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,118}$'),
    CONSTRAINT schedules_catch_up_check CHECK (catch_up BETWEEN 0 AND 1000)
);

-- The scheduler's question, every second on every worker: which unpaused schedules are due.
CREATE INDEX schedules_next_run_at_idx_where_active
    ON ${schema}.schedules (next_run_at NULLS FIRST) WHERE NOT paused;
