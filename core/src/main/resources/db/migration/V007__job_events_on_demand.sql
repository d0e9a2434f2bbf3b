-- V007: job events are announced only while someone subscribes (docs/events.md,
-- docs/adr/0015-job-events-on-demand.md). PostgreSQL wakes every session of the database that
-- LISTENs, on any channel, for each committed NOTIFY (async.c, SignalBackends; measured on 14),
-- and each NOTIFY takes the global notify-queue lock at commit. Every worker LISTENs for
-- job_available, so with a hundred of them each claim's and each outcome's job_events NOTIFY woke
-- a hundred backends: the hundred-worker drain ran at 370 jobs/s, 898 with this change.
-- A subscriber (the server's event stream, the library's ChangeFeed, any program) registers with
-- gantry.subscribe_job_events and renews before its registration expires; the triggers build and
-- send the events only while a registration is live. The rollup into job_stats and the
-- job_available wake-ups are unchanged.
--
-- Two things keep the check cheap on the hot path. Claims and outcomes run with enable_seqscan
-- off (docs/adr/0006), and the triggers run inside them: without an index for the check, its
-- plan's cost included the disabled sequential scan's penalty, above jit_above_cost, and
-- PostgreSQL JIT-compiled it at every claim and outcome, about 20 ms each. And no PL/pgSQL
-- variable appears in the triggers' big queries: a query that reads one has a parameter and may
-- be re-planned at each call; without, each is planned once per session, as in V004.

CREATE TABLE ${schema}.job_event_subscribers (
    -- who subscribes: a server, a library instance, a program; chosen by the subscriber
    name          text        PRIMARY KEY,
    subscribed_at timestamptz NOT NULL DEFAULT now(),
    -- the triggers announce events while now is before this; renewed by the subscriber
    expires_at    timestamptz NOT NULL,
    CONSTRAINT job_event_subscribers_name_check CHECK (char_length(name) BETWEEN 1 AND 200)
);

-- the subscription check's index: see the header
CREATE INDEX job_event_subscribers_expires_at_idx ON ${schema}.job_event_subscribers (expires_at);

CREATE OR REPLACE FUNCTION ${schema}.jobs_events_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_wanted boolean := EXISTS (SELECT FROM ${schema}.job_event_subscribers s WHERE s.expires_at > statement_timestamp());
    v_events text;
    v_queues text[];
    v_payload text;
    q text;
BEGIN
    -- two queries rather than one reading v_wanted: see the header
    IF v_wanted THEN
        SELECT string_agg('[' || n.id || ',"' || n.queue || '","' || n.kind || '",null,"' || n.state || '",' || n.attempt || ']', ','),
               array_agg(DISTINCT n.queue) FILTER (WHERE n.state = 'available')
          INTO v_events, v_queues
          FROM inserted_jobs n;
    ELSE
        SELECT array_agg(DISTINCT n.queue) FILTER (WHERE n.state = 'available')
          INTO v_queues
          FROM inserted_jobs n;
    END IF;
    v_payload := '{"events":[' || v_events || ']}';
    IF v_events IS NULL THEN
        NULL;   -- no rows, or no subscriber
    ELSIF octet_length(v_payload) < 7400 THEN
        PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_events', v_payload);
    ELSE
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
    END IF;
    IF v_queues IS NOT NULL THEN
        FOREACH q IN ARRAY v_queues LOOP
            PERFORM pg_notify(TG_TABLE_SCHEMA || '.job_available', json_build_object('queue', q)::text);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION ${schema}.jobs_events_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_wanted boolean := EXISTS (SELECT FROM ${schema}.job_event_subscribers s WHERE s.expires_at > statement_timestamp());
    v_events text;
    v_payload text;
BEGIN
    IF NOT v_wanted THEN
        RETURN NULL;
    END IF;
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

-- Updates: the rollup into job_stats always (V004); the events, by a second query, only for subscribers.
CREATE OR REPLACE FUNCTION ${schema}.jobs_events_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    v_wanted boolean := EXISTS (SELECT FROM ${schema}.job_event_subscribers s WHERE s.expires_at > statement_timestamp());
    v_events text;
    v_payload text;
    v_changed bigint;
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
    SELECT count(*) INTO v_changed FROM c;
    IF v_changed = 0 OR NOT v_wanted THEN
        RETURN NULL;
    END IF;
    SELECT string_agg('[' || n.id || ',"' || n.queue || '","' || n.kind || '","' || o.state || '","' || n.state
                      || '",' || n.attempt || ']', ',')
      INTO v_events
      FROM new_jobs n JOIN old_jobs o ON o.id = n.id
     WHERE n.state <> o.state;
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
