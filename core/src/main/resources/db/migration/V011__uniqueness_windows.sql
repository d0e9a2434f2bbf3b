-- V011: uniqueness windows (docs/guarantees.md, Unique jobs). A unique key used to be held by
-- its job in every state but cancelled and discarded ("forever"). A job may now hold it for a
-- shorter window: while it waits (pending, scheduled, available, retryable), while it waits or
-- runs, or for a period after it was enqueued.
--
--   unique_while  null      forever (as before)
--                 waiting   held in pending, scheduled, available, retryable
--                 active    held in those and running
--                 period    held as forever, until unique_until; a later enqueue with the key
--                           finds it expired and sets released
--                 released  no longer held (a period past; or a waiting job that went back to
--                           waiting while another job had taken the key: it runs, and the other
--                           keeps the key)
ALTER TABLE ${schema}.jobs ADD COLUMN unique_while text;
ALTER TABLE ${schema}.jobs ADD COLUMN unique_until timestamptz;
ALTER TABLE ${schema}.jobs ADD CONSTRAINT jobs_unique_while_check
    CHECK (unique_while IN ('waiting', 'active', 'period', 'released'));
ALTER TABLE ${schema}.jobs ADD CONSTRAINT jobs_unique_until_check
    CHECK ((unique_while = 'period') <= (unique_until IS NOT NULL)
           AND (unique_until IS NULL OR unique_while IN ('period', 'released')));
ALTER TABLE ${schema}.jobs_archive ADD COLUMN unique_while text;
ALTER TABLE ${schema}.jobs_archive ADD COLUMN unique_until timestamptz;

-- Whether a job in this state holds its unique key. The unique index's predicate: never
-- replace this function with different rules (the index would not be rebuilt); add a new one
-- and a new index in a migration instead.
CREATE FUNCTION ${schema}.unique_key_held(unique_while text, state text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE unique_while
               WHEN 'waiting' THEN state IN ('pending', 'scheduled', 'available', 'retryable')
               WHEN 'active' THEN state IN ('pending', 'scheduled', 'available', 'retryable', 'running')
               WHEN 'released' THEN false
               ELSE state NOT IN ('cancelled', 'discarded')
           END
$$;

CREATE UNIQUE INDEX jobs_unique_key_idx_where_held
    ON ${schema}.jobs (unique_key) WHERE unique_key IS NOT NULL AND ${schema}.unique_key_held(unique_while, state);
DROP INDEX ${schema}.jobs_unique_key_idx_where_active;

-- enqueue gains unique_while (R__sql_api.sql creates it again with the new parameter).
DROP FUNCTION IF EXISTS ${schema}.enqueue(text, jsonb, text, integer, timestamptz, integer, text, text[], integer);
