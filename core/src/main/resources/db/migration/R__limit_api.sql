-- Concurrency and rate limits by key (docs/limits.md): the SQL API (set_limit, delete_limit)
-- and the transitions the claim, the outcomes and the stager share. Validation raises SQLSTATE
-- 22023 before anything is written.
--
-- Why it holds across every worker: a job with a limited key becomes running only in a
-- transaction that holds the key's limits row FOR UPDATE and counted, after taking that lock,
-- the key's running jobs and its starts in the period. Claimers of a key take turns on that
-- row and each commits before the next counts, so none can overshoot. A job over the limit is
-- set waiting (pending, limited_at) under the same lock; whatever frees room (an outcome, a
-- rescue, the period, a changed limit) takes the lock after it and lets waiting jobs go, so no
-- wake-up is lost. Locks on several limits rows are taken in key order (no deadlocks).

CREATE OR REPLACE FUNCTION ${schema}.check_limit_key(limit_key text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF limit_key IS NULL OR limit_key = '' THEN
        PERFORM ${schema}.invalid('limit_key', 'must not be empty');
    ELSIF limit_key !~ '^[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,199}$' THEN
        PERFORM ${schema}.invalid('limit_key', 'must be at most 200 letters, digits or _ . : @ - (not starting with . : @ -), got "'
            || left(limit_key, 200) || '"');
    END IF;
END
$$;

-- How many more jobs of a key may start now (null: no limit), and, when the period is what is
-- full, the time it frees a start. The caller holds the key's limits row.
CREATE OR REPLACE FUNCTION ${schema}.limit_room(limit_key text, now timestamptz, OUT room integer, OUT free_at timestamptz)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    l ${schema}.limits;
    v_running integer;
    v_started integer;
BEGIN
    SELECT * INTO l FROM ${schema}.limits x WHERE x.limit_key = limit_room.limit_key;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF l.max_running IS NOT NULL THEN
        SELECT count(*) INTO v_running FROM ${schema}.jobs j
         WHERE j.limit_key = limit_room.limit_key AND j.state = 'running';
        room := greatest(l.max_running - v_running, 0);
    END IF;
    IF l.max_per_period IS NOT NULL THEN
        DELETE FROM ${schema}.limit_starts s
         WHERE s.limit_key = limit_room.limit_key AND s.started_at <= limit_room.now - l.period;
        SELECT count(*) INTO v_started FROM ${schema}.limit_starts s WHERE s.limit_key = limit_room.limit_key;
        IF v_started >= l.max_per_period THEN
            -- the start that leaves the window next, leaving room for one more
            SELECT s.started_at + l.period INTO free_at FROM ${schema}.limit_starts s
             WHERE s.limit_key = limit_room.limit_key
             ORDER BY s.started_at OFFSET v_started - l.max_per_period LIMIT 1;
        END IF;
        room := least(coalesce(room, l.max_per_period), greatest(l.max_per_period - v_started, 0));
    END IF;
END
$$;

-- Lets jobs waiting for these keys' limits go, as many as each key has room for (all of them
-- when the key has no limit any more), in claim order, and wakes their queues. A key whose
-- period is full is woken by stage_due at the time it frees a start. Returns how many it let go.
CREATE OR REPLACE FUNCTION ${schema}.release_limited(limit_keys text[], now timestamptz DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := coalesce(release_limited.now, statement_timestamp());
    v_key text;
    v_room integer;
    v_free_at timestamptz;
    v_count integer := 0;
    r record;
BEGIN
    FOR v_key IN SELECT DISTINCT k FROM unnest(limit_keys) k WHERE k IS NOT NULL ORDER BY 1 LOOP
        PERFORM 1 FROM ${schema}.limits l WHERE l.limit_key = v_key FOR UPDATE;
        SELECT x.room, x.free_at INTO v_room, v_free_at FROM ${schema}.limit_room(v_key, v_now) x;
        IF v_free_at IS NOT NULL THEN
            UPDATE ${schema}.limits l SET wake_at = v_free_at WHERE l.limit_key = v_key;
        END IF;
        CONTINUE WHEN v_room = 0;
        FOR r IN
            WITH go AS MATERIALIZED (
                SELECT j.id FROM ${schema}.jobs j
                 WHERE j.limit_key = v_key AND j.limited_at IS NOT NULL AND j.state = 'pending'
                 ORDER BY j.priority, j.run_at, j.id
                 LIMIT v_room
                 FOR UPDATE SKIP LOCKED),
            released AS (
                UPDATE ${schema}.jobs j SET state = 'available', limited_at = NULL
                  FROM go WHERE j.id = go.id
                RETURNING j.queue)
            SELECT q.queue, count(*) AS n FROM released q GROUP BY q.queue
        LOOP
            v_count := v_count + r.n;
            PERFORM pg_notify('${schema}.job_available', json_build_object('queue', r.queue)::text);
        END LOOP;
    END LOOP;
    RETURN v_count;
END
$$;

-- Keys whose full period has freed a start: lets their waiting jobs go (stage_due calls this).
CREATE OR REPLACE FUNCTION ${schema}.wake_limits(now timestamptz DEFAULT NULL) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    v_now timestamptz := coalesce(wake_limits.now, statement_timestamp());
    v_keys text[];
BEGIN
    WITH due AS MATERIALIZED (
        SELECT l.limit_key FROM ${schema}.limits l
         WHERE l.wake_at <= v_now
         ORDER BY l.limit_key
         LIMIT 1000
         FOR UPDATE SKIP LOCKED),
    woken AS (
        UPDATE ${schema}.limits l SET wake_at = NULL FROM due WHERE l.limit_key = due.limit_key
        RETURNING l.limit_key)
    SELECT array_agg(w.limit_key) INTO v_keys FROM woken w;
    IF v_keys IS NULL THEN
        RETURN 0;
    END IF;
    RETURN ${schema}.release_limited(v_keys, v_now);
END
$$;

-- The claim of available jobs that carry a limit key (claim_available calls it when the plain
-- claim found fewer than it wanted): in claim order, as many per key as the key has room for.
-- A key out of room has its available jobs set waiting, so that the next claims do not read
-- them again and the keys behind it run. Jobs whose key has no limit row run unlimited.
CREATE OR REPLACE FUNCTION ${schema}.claim_limited(
    queue text, worker_id text, max_jobs integer, lease interval, now timestamptz DEFAULT NULL)
    RETURNS SETOF ${schema}.jobs
    LANGUAGE plpgsql SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
    v_ids bigint[];
    v_keys text[];
    v_run bigint[];
    v_full text[];
    v_locked text[];
    v_skip text[];
    v_now timestamptz;
    v_got integer := 0;
    v_n integer;
BEGIN
    -- A few rounds: a round that found keys out of room sets their jobs waiting and looks again.
    -- Later rounds skip keys another transaction holds: their locks are taken after this one's
    -- first, out of key order, and waiting for them could deadlock.
    FOR v_round IN 1..4 LOOP
        SELECT array_agg(c.id ORDER BY c.ord), array_agg(c.limit_key ORDER BY c.ord) INTO v_ids, v_keys
          FROM (SELECT j.id, j.limit_key, row_number() OVER () AS ord FROM (
                    SELECT j.id, j.limit_key FROM ${schema}.jobs j
                     WHERE j.state = 'available' AND j.limit_key IS NOT NULL AND j.queue = claim_limited.queue
                     ORDER BY j.priority, j.run_at, j.id
                     LIMIT claim_limited.max_jobs - v_got
                     FOR UPDATE SKIP LOCKED) j) c;
        EXIT WHEN v_ids IS NULL;
        IF v_round = 1 THEN
            PERFORM 1 FROM ${schema}.limits l WHERE l.limit_key = ANY (v_keys) ORDER BY l.limit_key FOR UPDATE;
        ELSE
            -- keys with a limit this transaction could not lock are left for the next claim
            SELECT array_agg(x.limit_key) INTO v_locked FROM (
                SELECT l.limit_key FROM ${schema}.limits l WHERE l.limit_key = ANY (v_keys)
                 ORDER BY l.limit_key FOR UPDATE SKIP LOCKED) x;
            SELECT array_agg(l.limit_key) INTO v_skip FROM ${schema}.limits l
             WHERE l.limit_key = ANY (v_keys) AND l.limit_key <> ALL (coalesce(v_locked, '{}'));
            IF v_skip IS NOT NULL THEN
                SELECT array_agg(u.id ORDER BY u.o), array_agg(u.k ORDER BY u.o) INTO v_ids, v_keys
                  FROM unnest(v_ids, v_keys) WITH ORDINALITY u(id, k, o) WHERE u.k <> ALL (v_skip);
                EXIT WHEN v_ids IS NULL;
            END IF;
        END IF;
        v_now := coalesce(claim_limited.now, clock_timestamp());
        WITH c AS (
            SELECT u.id, u.k, row_number() OVER (PARTITION BY u.k ORDER BY u.o) AS rn
              FROM unnest(v_ids, v_keys) WITH ORDINALITY u(id, k, o)),
        rooms AS MATERIALIZED (
            SELECT d.k, x.room FROM (SELECT DISTINCT c.k FROM c) d, LATERAL ${schema}.limit_room(d.k, v_now) x)
        SELECT array_agg(c.id) FILTER (WHERE r.room IS NULL OR c.rn <= r.room),
               array_agg(DISTINCT c.k) FILTER (WHERE r.room IS NOT NULL AND c.rn > r.room)
          INTO v_run, v_full
          FROM c JOIN rooms r ON r.k = c.k;
        IF v_run IS NOT NULL THEN
            INSERT INTO ${schema}.limit_starts (limit_key, started_at)
            SELECT j.limit_key, v_now FROM ${schema}.jobs j JOIN ${schema}.limits l ON l.limit_key = j.limit_key
             WHERE j.id = ANY (v_run) AND l.max_per_period IS NOT NULL;
            RETURN QUERY
            UPDATE ${schema}.jobs j
               SET state = 'running', attempt = j.attempt + 1, attempted_at = v_now,
                   worker_id = claim_limited.worker_id, lease_expires_at = v_now + claim_limited.lease
             WHERE j.id = ANY (v_run)
            RETURNING j.*;
            GET DIAGNOSTICS v_n = ROW_COUNT;
            v_got := v_got + v_n;
        END IF;
        EXIT WHEN v_full IS NULL;
        -- keys out of room: their available jobs (in any queue) wait until room frees
        UPDATE ${schema}.jobs j SET state = 'pending', limited_at = v_now
          FROM (SELECT a.id FROM ${schema}.jobs a
                 WHERE a.state = 'available' AND a.limit_key = ANY (v_full)
                 LIMIT 10000
                 FOR UPDATE SKIP LOCKED) p
         WHERE j.id = p.id;
        UPDATE ${schema}.limits l SET wake_at = x.free_at
          FROM (SELECT f.k, r.free_at FROM unnest(v_full) f(k), LATERAL ${schema}.limit_room(f.k, v_now) r) x
         WHERE l.limit_key = x.k AND x.free_at IS NOT NULL;
        EXIT WHEN v_got >= claim_limited.max_jobs;
    END LOOP;
END
$$;

-- Creates or changes the limit of a key; true when it was created. max_running: at most that
-- many jobs with the key run at once (0 holds them all); max_per_period and period: at most
-- that many attempts start in any window of that length. A change lets waiting jobs go at once
-- if it made room; jobs already running finish even when a lower limit is now exceeded.
CREATE OR REPLACE FUNCTION ${schema}.set_limit(
    limit_key text, max_running integer DEFAULT NULL, max_per_period integer DEFAULT NULL,
    period interval DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_created boolean;
BEGIN
    PERFORM ${schema}.check_limit_key(set_limit.limit_key);
    IF (set_limit.max_per_period IS NULL) <> (set_limit.period IS NULL) THEN
        PERFORM ${schema}.invalid('period', 'max_per_period and period go together');
    END IF;
    IF set_limit.max_running IS NULL AND set_limit.max_per_period IS NULL THEN
        PERFORM ${schema}.invalid('limit', 'give max_running, max_per_period and period, or both');
    END IF;
    IF set_limit.max_running IS NOT NULL AND (set_limit.max_running < 0 OR set_limit.max_running > 100000) THEN
        PERFORM ${schema}.invalid('max_running', 'must be between 0 and 100000, got ' || set_limit.max_running);
    END IF;
    IF set_limit.max_per_period IS NOT NULL AND (set_limit.max_per_period < 1 OR set_limit.max_per_period > 1000000) THEN
        PERFORM ${schema}.invalid('max_per_period', 'must be between 1 and 1000000, got ' || set_limit.max_per_period);
    END IF;
    IF set_limit.period IS NOT NULL AND (set_limit.period < interval '1 second' OR set_limit.period > interval '31 days') THEN
        PERFORM ${schema}.invalid('period', 'must be between 1 second and 31 days, got ' || set_limit.period);
    END IF;
    INSERT INTO ${schema}.limits AS l (limit_key, max_running, max_per_period, period)
    VALUES (set_limit.limit_key, set_limit.max_running, set_limit.max_per_period, set_limit.period)
    ON CONFLICT (limit_key) DO UPDATE
       SET max_running = excluded.max_running, max_per_period = excluded.max_per_period,
           period = excluded.period, wake_at = NULL, updated_at = now()
    RETURNING l.xmax = 0 INTO v_created;
    IF set_limit.max_per_period IS NULL THEN
        DELETE FROM ${schema}.limit_starts s WHERE s.limit_key = set_limit.limit_key;
    END IF;
    PERFORM ${schema}.release_limited(ARRAY[set_limit.limit_key]);
    RETURN v_created;
END
$$;

-- Deletes the limit of a key and lets every job waiting for it go; false when there was none.
CREATE OR REPLACE FUNCTION ${schema}.delete_limit(limit_key text) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM ${schema}.check_limit_key(delete_limit.limit_key);
    DELETE FROM ${schema}.limits l WHERE l.limit_key = delete_limit.limit_key;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM ${schema}.release_limited(ARRAY[delete_limit.limit_key]);
    RETURN true;
END
$$;
