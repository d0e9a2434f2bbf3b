-- V004: job state-change events (NOTIFY on <schema>.job_events) and the per-minute statistics
-- rollup job_stats, both written by statement-level triggers on jobs (docs/events.md,
-- docs/adr/0009-job-events-and-stats-rollup.md).

-- Cheaper name checks, the same names accepted. PostgreSQL evaluates every CHECK constraint on
-- every UPDATE, so each claim and each outcome of every job ran the V001 regex twice, and its
-- bounded repetition {0,127} compiles to a large automaton: about 4 us for 'default', 57 us for
-- a 128-character name. The claim-and-complete cycle cost about 60 % more database CPU than with
-- a length test plus an unbounded class (docs/adr/0009-job-events-and-stats-rollup.md).
ALTER TABLE ${schema}.jobs
    DROP CONSTRAINT jobs_queue_check,
    DROP CONSTRAINT jobs_kind_check,
    ADD CONSTRAINT jobs_queue_check CHECK (char_length(queue) <= 128 AND queue ~ '^[A-Za-z0-9_][A-Za-z0-9_.:-]*$'),
    ADD CONSTRAINT jobs_kind_check CHECK (char_length(kind) <= 128 AND kind ~ '^[A-Za-z0-9_][A-Za-z0-9_.:-]*$');

-- Per minute, queue and shard: what the workers did. The update trigger adds to it once per
-- statement and queue; readers sum over shards. Minutes older than two hours are compacted into
-- job_stats_hourly (StatsStore.compact).
CREATE TABLE ${schema}.job_stats (
    -- the minute of the transitions: claims by attempted_at, outcomes by finished_at, a failed
    -- attempt (retryable, which has no finished_at) by the time in its error entry.
    bucket      timestamptz      NOT NULL,
    queue       text             NOT NULL,
    -- pg_backend_pid() % 16 of the writing session: concurrent workers of one queue write
    -- different rows, so a claim does not wait for another worker's commit on a hot row.
    shard       smallint         NOT NULL,
    -- transitions into running
    claimed     bigint           NOT NULL DEFAULT 0,
    completed   bigint           NOT NULL DEFAULT 0,
    -- failed attempts with attempts left: running -> retryable
    failed      bigint           NOT NULL DEFAULT 0,
    discarded   bigint           NOT NULL DEFAULT 0,
    cancelled   bigint           NOT NULL DEFAULT 0,
    -- pickup latency of the claims: attempted_at - run_at, in milliseconds
    wait_ms_sum double precision NOT NULL DEFAULT 0,
    wait_ms_max double precision NOT NULL DEFAULT 0,
    -- attempts that ended (running -> completed, retryable, discarded, cancelled) and their run
    -- time, end - attempted_at, in milliseconds
    run_count   bigint           NOT NULL DEFAULT 0,
    run_ms_sum  double precision NOT NULL DEFAULT 0,
    run_ms_max  double precision NOT NULL DEFAULT 0,
    -- histograms of wait and run times: h0 counts those under 1 ms, then under 3, 10, 30, 100,
    -- 300, 1000, 3000, 10000, 30000, 100000 ms (h1 to h10), h11 the rest. Enough for an
    -- approximate p95/p99 (dev.gantry.stats.LatencyHistogram); plain columns because adding them up in the upsert
    -- is cheaper than element-wise array arithmetic.
    wait_h0  bigint NOT NULL DEFAULT 0, wait_h1  bigint NOT NULL DEFAULT 0, wait_h2  bigint NOT NULL DEFAULT 0,
    wait_h3  bigint NOT NULL DEFAULT 0, wait_h4  bigint NOT NULL DEFAULT 0, wait_h5  bigint NOT NULL DEFAULT 0,
    wait_h6  bigint NOT NULL DEFAULT 0, wait_h7  bigint NOT NULL DEFAULT 0, wait_h8  bigint NOT NULL DEFAULT 0,
    wait_h9  bigint NOT NULL DEFAULT 0, wait_h10 bigint NOT NULL DEFAULT 0, wait_h11 bigint NOT NULL DEFAULT 0,
    run_h0   bigint NOT NULL DEFAULT 0, run_h1   bigint NOT NULL DEFAULT 0, run_h2   bigint NOT NULL DEFAULT 0,
    run_h3   bigint NOT NULL DEFAULT 0, run_h4   bigint NOT NULL DEFAULT 0, run_h5   bigint NOT NULL DEFAULT 0,
    run_h6   bigint NOT NULL DEFAULT 0, run_h7   bigint NOT NULL DEFAULT 0, run_h8   bigint NOT NULL DEFAULT 0,
    run_h9   bigint NOT NULL DEFAULT 0, run_h10  bigint NOT NULL DEFAULT 0, run_h11  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, queue, shard)
) WITH (
    -- every row is updated many times within its minute: leave room for HOT updates.
    fillfactor = 50
);

-- Older minutes compacted into hours (StatsStore.compact, run by every worker): one row per
-- hour and queue, the sums of that hour's job_stats rows over all shards. The 24-hour window
-- then reads 24 rows per queue instead of 1,440 per queue and shard.
CREATE TABLE ${schema}.job_stats_hourly (
    bucket      timestamptz      NOT NULL,
    queue       text             NOT NULL,
    claimed     bigint           NOT NULL DEFAULT 0,
    completed   bigint           NOT NULL DEFAULT 0,
    failed      bigint           NOT NULL DEFAULT 0,
    discarded   bigint           NOT NULL DEFAULT 0,
    cancelled   bigint           NOT NULL DEFAULT 0,
    wait_ms_sum double precision NOT NULL DEFAULT 0,
    wait_ms_max double precision NOT NULL DEFAULT 0,
    run_count   bigint           NOT NULL DEFAULT 0,
    run_ms_sum  double precision NOT NULL DEFAULT 0,
    run_ms_max  double precision NOT NULL DEFAULT 0,
    wait_h0  bigint NOT NULL DEFAULT 0, wait_h1  bigint NOT NULL DEFAULT 0, wait_h2  bigint NOT NULL DEFAULT 0,
    wait_h3  bigint NOT NULL DEFAULT 0, wait_h4  bigint NOT NULL DEFAULT 0, wait_h5  bigint NOT NULL DEFAULT 0,
    wait_h6  bigint NOT NULL DEFAULT 0, wait_h7  bigint NOT NULL DEFAULT 0, wait_h8  bigint NOT NULL DEFAULT 0,
    wait_h9  bigint NOT NULL DEFAULT 0, wait_h10 bigint NOT NULL DEFAULT 0, wait_h11 bigint NOT NULL DEFAULT 0,
    run_h0   bigint NOT NULL DEFAULT 0, run_h1   bigint NOT NULL DEFAULT 0, run_h2   bigint NOT NULL DEFAULT 0,
    run_h3   bigint NOT NULL DEFAULT 0, run_h4   bigint NOT NULL DEFAULT 0, run_h5   bigint NOT NULL DEFAULT 0,
    run_h6   bigint NOT NULL DEFAULT 0, run_h7   bigint NOT NULL DEFAULT 0, run_h8   bigint NOT NULL DEFAULT 0,
    run_h9   bigint NOT NULL DEFAULT 0, run_h10  bigint NOT NULL DEFAULT 0, run_h11  bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (bucket, queue)
);

-- Events (docs/events.md): {"events":[[id,"queue","kind","from","to",attempt], ...]}, from null for
-- an insert, to null for a delete. Queue and kind are 1 to 128 of [A-Za-z0-9_.:-] (jobs_queue_check,
-- jobs_kind_check), so they need no JSON escaping. PostgreSQL fails the
-- statement on a NOTIFY payload of 8,000 bytes or more: a statement's events go out in one
-- NOTIFY when that payload is under 7,400 bytes (the common case, one pass), else in chunks cut
-- at 7,000 cumulative bytes; one event is at most 319 bytes, so every chunk stays under 7,400.

CREATE FUNCTION ${schema}.jobs_events_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_events text;
    v_payload text;
BEGIN
    SELECT string_agg('[' || n.id || ',"' || n.queue || '","' || n.kind || '",null,"' || n.state || '",' || n.attempt || ']', ',')
      INTO v_events
      FROM inserted_jobs n;
    IF v_events IS NULL THEN
        RETURN NULL;
    END IF;
    v_payload := '{"events":[' || v_events || ']}';
    IF octet_length(v_payload) < 7400 THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
        RETURN NULL;
    END IF;
    FOR v_payload IN
        SELECT '{"events":[' || string_agg(e.event, ',' ORDER BY e.id) || ']}'
          FROM (SELECT v.id, v.event, sum(octet_length(v.event) + 1) OVER (ORDER BY v.id ROWS UNBOUNDED PRECEDING) / 7000 AS chunk
                  FROM (SELECT n.id, '[' || n.id || ',"' || n.queue || '","' || n.kind || '",null,"' || n.state || '",'
                                     || n.attempt || ']' AS event
                          FROM inserted_jobs n) v) e
         GROUP BY e.chunk
    LOOP
        PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE FUNCTION ${schema}.jobs_events_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_events text;
    v_payload text;
BEGIN
    SELECT string_agg('[' || o.id || ',"' || o.queue || '","' || o.kind || '","' || o.state || '",null,' || o.attempt || ']', ',')
      INTO v_events
      FROM deleted_jobs o;
    IF v_events IS NULL THEN
        RETURN NULL;
    END IF;
    v_payload := '{"events":[' || v_events || ']}';
    IF octet_length(v_payload) < 7400 THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
        RETURN NULL;
    END IF;
    FOR v_payload IN
        SELECT '{"events":[' || string_agg(e.event, ',' ORDER BY e.id) || ']}'
          FROM (SELECT v.id, v.event, sum(octet_length(v.event) + 1) OVER (ORDER BY v.id ROWS UNBOUNDED PRECEDING) / 7000 AS chunk
                  FROM (SELECT o.id, '[' || o.id || ',"' || o.queue || '","' || o.kind || '","' || o.state || '",null,'
                                     || o.attempt || ']' AS event
                          FROM deleted_jobs o) v) e
         GROUP BY e.chunk
    LOOP
        PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
    END LOOP;
    RETURN NULL;
END
$$;

-- Updates: one pass over the rows whose state changed (a lease renewal changes none and costs
-- one join of the transition tables) adds the statement's claims and outcomes to job_stats and
-- collects the events. The rollup is aggregated per (minute, queue, state, histogram bucket)
-- first, so the wide per-column sums run over a few groups, not over every row. Its rows are
-- upserted in (bucket, queue) order, so concurrent statements lock them in the same order.
CREATE FUNCTION ${schema}.jobs_events_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_events text;
    v_payload text;
BEGIN
    WITH c AS MATERIALIZED (
        SELECT n.id, n.queue, n.kind, o.state AS from_state, n.state AS to_state, n.attempt, n.run_at, n.attempted_at,
               -- when the counted transition happened; null for transitions job_stats does not count
               CASE WHEN n.state = 'running' THEN n.attempted_at
                    WHEN n.state IN ('completed', 'discarded', 'cancelled') OR (n.state = 'retryable' AND o.state = 'running')
                    THEN coalesce(n.finished_at, (n.errors -> -1 ->> 'at')::timestamptz, statement_timestamp()) END AS at
          FROM new_jobs n JOIN old_jobs o ON o.id = n.id
         WHERE n.state <> o.state),
    m AS (
        SELECT c.queue, c.to_state, date_bin('1 minute', c.at, timestamptz '2000-01-01 00:00:00+00') AS bucket,
               CASE WHEN c.to_state = 'running' THEN greatest(0, date_part('epoch', c.at - c.run_at) * 1000) END AS wait_ms,
               CASE WHEN c.from_state = 'running' THEN greatest(0, date_part('epoch', c.at - c.attempted_at) * 1000) END AS run_ms
          FROM c
         WHERE c.at IS NOT NULL),
    g AS (
        SELECT m.bucket, m.queue, m.to_state,
               width_bucket(coalesce(m.wait_ms, m.run_ms),
                            ARRAY[1, 3, 10, 30, 100, 300, 1000, 3000, 10000, 30000, 100000]::double precision[]) AS b,
               count(*) AS n, sum(m.wait_ms) AS wait_sum, max(m.wait_ms) AS wait_max,
               count(m.run_ms) AS runs, sum(m.run_ms) AS run_sum, max(m.run_ms) AS run_max
          FROM m
         GROUP BY 1, 2, 3, 4),
    stats AS (
        INSERT INTO ${schema}.job_stats AS s (bucket, queue, shard, claimed, completed, failed, discarded, cancelled,
               wait_ms_sum, wait_ms_max, run_count, run_ms_sum, run_ms_max,
               wait_h0, wait_h1, wait_h2, wait_h3, wait_h4, wait_h5, wait_h6, wait_h7, wait_h8, wait_h9, wait_h10, wait_h11,
               run_h0, run_h1, run_h2, run_h3, run_h4, run_h5, run_h6, run_h7, run_h8, run_h9, run_h10, run_h11)
        SELECT g.bucket, g.queue, pg_backend_pid() % 16,
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running'), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'completed'), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'retryable'), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'discarded'), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'cancelled'), 0),
               coalesce(sum(g.wait_sum), 0), coalesce(max(g.wait_max), 0),
               sum(g.runs), coalesce(sum(g.run_sum), 0), coalesce(max(g.run_max), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 0), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 1), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 2), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 3), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 4), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 5), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 6), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 7), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 8), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 9), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 10), 0),
               coalesce(sum(g.n) FILTER (WHERE g.to_state = 'running' AND g.b = 11), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 0), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 1), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 2), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 3), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 4), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 5), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 6), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 7), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 8), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 9), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 10), 0),
               coalesce(sum(g.runs) FILTER (WHERE g.b = 11), 0)
          FROM g
         GROUP BY g.bucket, g.queue
         ORDER BY g.bucket, g.queue
        ON CONFLICT (bucket, queue, shard) DO UPDATE SET
               claimed = s.claimed + excluded.claimed, completed = s.completed + excluded.completed,
               failed = s.failed + excluded.failed, discarded = s.discarded + excluded.discarded,
               cancelled = s.cancelled + excluded.cancelled,
               wait_ms_sum = s.wait_ms_sum + excluded.wait_ms_sum, wait_ms_max = greatest(s.wait_ms_max, excluded.wait_ms_max),
               run_count = s.run_count + excluded.run_count, run_ms_sum = s.run_ms_sum + excluded.run_ms_sum,
               run_ms_max = greatest(s.run_ms_max, excluded.run_ms_max),
               wait_h0 = s.wait_h0 + excluded.wait_h0, wait_h1 = s.wait_h1 + excluded.wait_h1,
               wait_h2 = s.wait_h2 + excluded.wait_h2, wait_h3 = s.wait_h3 + excluded.wait_h3,
               wait_h4 = s.wait_h4 + excluded.wait_h4, wait_h5 = s.wait_h5 + excluded.wait_h5,
               wait_h6 = s.wait_h6 + excluded.wait_h6, wait_h7 = s.wait_h7 + excluded.wait_h7,
               wait_h8 = s.wait_h8 + excluded.wait_h8, wait_h9 = s.wait_h9 + excluded.wait_h9,
               wait_h10 = s.wait_h10 + excluded.wait_h10, wait_h11 = s.wait_h11 + excluded.wait_h11,
               run_h0 = s.run_h0 + excluded.run_h0, run_h1 = s.run_h1 + excluded.run_h1,
               run_h2 = s.run_h2 + excluded.run_h2, run_h3 = s.run_h3 + excluded.run_h3,
               run_h4 = s.run_h4 + excluded.run_h4, run_h5 = s.run_h5 + excluded.run_h5,
               run_h6 = s.run_h6 + excluded.run_h6, run_h7 = s.run_h7 + excluded.run_h7,
               run_h8 = s.run_h8 + excluded.run_h8, run_h9 = s.run_h9 + excluded.run_h9,
               run_h10 = s.run_h10 + excluded.run_h10, run_h11 = s.run_h11 + excluded.run_h11)
    SELECT string_agg('[' || c.id || ',"' || c.queue || '","' || c.kind || '","' || c.from_state || '","' || c.to_state
                      || '",' || c.attempt || ']', ',')
      INTO v_events
      FROM c;
    IF v_events IS NULL THEN
        RETURN NULL;
    END IF;
    v_payload := '{"events":[' || v_events || ']}';
    IF octet_length(v_payload) < 7400 THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
        RETURN NULL;
    END IF;
    FOR v_payload IN
        SELECT '{"events":[' || string_agg(e.event, ',' ORDER BY e.id) || ']}'
          FROM (SELECT v.id, v.event, sum(octet_length(v.event) + 1) OVER (ORDER BY v.id ROWS UNBOUNDED PRECEDING) / 7000 AS chunk
                  FROM (SELECT n.id, '[' || n.id || ',"' || n.queue || '","' || n.kind || '","' || o.state || '","'
                                     || n.state || '",' || n.attempt || ']' AS event
                          FROM new_jobs n JOIN old_jobs o ON o.id = n.id
                         WHERE n.state <> o.state) v) e
         GROUP BY e.chunk
    LOOP
        PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
    END LOOP;
    RETURN NULL;
END
$$;

CREATE TRIGGER jobs_events_insert
    AFTER INSERT ON ${schema}.jobs
    REFERENCING NEW TABLE AS inserted_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.jobs_events_insert();

CREATE TRIGGER jobs_events_update
    AFTER UPDATE ON ${schema}.jobs
    REFERENCING OLD TABLE AS old_jobs NEW TABLE AS new_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.jobs_events_update();

CREATE TRIGGER jobs_events_delete
    AFTER DELETE ON ${schema}.jobs
    REFERENCING OLD TABLE AS deleted_jobs
    FOR EACH STATEMENT EXECUTE FUNCTION ${schema}.jobs_events_delete();
