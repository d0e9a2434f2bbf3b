-- The SQL API: enqueue and work jobs from any language with SQL alone (docs/sql-api.md).
-- Repeatable: each function is CREATE OR REPLACE, so a change is one diff in this file.
-- Validation mirrors the Java client (JobRequestValidator): same rules, same messages, and an
-- exception with SQLSTATE 22023 before anything is written.

CREATE OR REPLACE FUNCTION ${schema}.max_args_bytes() RETURNS integer
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('gantry.max_args_bytes', true), '')::integer, 1048576)
$$;

-- Default retry backoff, the same curve as ExponentialBackoff.DEFAULT:
-- min(1 h, 1 s * 2^(attempt-1)), spread by +/-10%, never above the cap.
CREATE OR REPLACE FUNCTION ${schema}.backoff(attempt integer) RETURNS interval
    LANGUAGE sql VOLATILE AS $$
    SELECT make_interval(secs => least(3600.0,
        least(3600.0, power(2.0, greatest(attempt, 1) - 1)) * (1 + 0.1 * (2 * random() - 1))))
$$;

CREATE OR REPLACE FUNCTION ${schema}.invalid(field text, reason text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = '22023', MESSAGE = field || ': ' || reason;
END
$$;

-- The state machine, written once (docs/state-machine.md, docs/adr/0012-one-state-machine.md).
-- The Java store calls these functions instead of repeating the lists. They are IMMUTABLE SQL
-- functions of constants: the planner inlines them and folds "state = ANY(gantry.retryable_states())"
-- to the literal array, so a query plans exactly as with the list written out.

-- The states from which retry makes a job available again.
CREATE OR REPLACE FUNCTION ${schema}.retryable_states() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['discarded', 'cancelled', 'retryable', 'scheduled']::text[]
$$;

-- The states a cancel applies to (a running job is flagged; its worker stops it).
CREATE OR REPLACE FUNCTION ${schema}.cancellable_states() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['pending', 'scheduled', 'available', 'retryable', 'running']::text[]
$$;

-- The states in which a job no longer holds a unique key held "forever" (the default window);
-- unique_key_held (V011, the unique index's predicate) decides for every window, and
-- StateMachineParityTest pins that the two agree.
CREATE OR REPLACE FUNCTION ${schema}.key_releasing_states() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY['cancelled', 'discarded']::text[]
$$;

CREATE OR REPLACE FUNCTION ${schema}.can_retry(state text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT state = ANY (${schema}.retryable_states())
$$;

CREATE OR REPLACE FUNCTION ${schema}.can_cancel(state text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT state = ANY (${schema}.cancellable_states())
$$;

-- "a, b or c": a state list in the words of the error messages.
CREATE OR REPLACE FUNCTION ${schema}.state_list(states text[]) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN cardinality(states) < 2 THEN array_to_string(states, '')
                ELSE array_to_string(states[1:cardinality(states) - 1], ', ') || ' or ' || states[cardinality(states)] END
$$;

CREATE OR REPLACE FUNCTION ${schema}.check_name(field text, value text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF value IS NULL OR value = '' THEN
        PERFORM ${schema}.invalid(field, 'must not be empty');
    ELSIF value !~ '^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,127}$' THEN
        PERFORM ${schema}.invalid(field, 'must be at most 128 letters, digits or _ . : - (not starting with . : -), got "'
            || left(value, 200) || '"');
    END IF;
END
$$;

-- Declares a kind so that jobs of it may be enqueued. Idempotent.
CREATE OR REPLACE FUNCTION ${schema}.declare_kind(name text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ${schema}.check_name('kind', declare_kind.name);
    INSERT INTO ${schema}.kinds (name) VALUES (declare_kind.name) ON CONFLICT DO NOTHING;
END
$$;

CREATE OR REPLACE FUNCTION ${schema}.check_job_input(
    kind text, args jsonb, queue text, priority integer, max_attempts integer,
    unique_key text, tags text[], timeout_seconds integer) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ${schema}.check_name('kind', kind);
    PERFORM ${schema}.check_name('queue', queue);
    -- JSON null too: the Java client rejects it, and a handler cannot bind it to its args type.
    IF args IS NULL OR jsonb_typeof(args) = 'null' THEN
        PERFORM ${schema}.invalid('args', 'must not be null (use {} for no arguments)');
    END IF;
    IF octet_length(args::text) > ${schema}.max_args_bytes() THEN
        PERFORM ${schema}.invalid('args', 'is ' || octet_length(args::text) || ' bytes, over the limit of '
            || ${schema}.max_args_bytes() || ' bytes');
    END IF;
    IF priority IS NULL OR priority < 0 OR priority > 32767 THEN
        PERFORM ${schema}.invalid('priority', 'must be between 0 and 32767 (lower runs first), got ' || coalesce(priority::text, 'null'));
    END IF;
    IF max_attempts IS NOT NULL AND (max_attempts < 1 OR max_attempts > 1000) THEN
        PERFORM ${schema}.invalid('max_attempts', 'must be between 1 and 1000, got ' || max_attempts);
    END IF;
    IF unique_key IS NOT NULL AND (unique_key = '' OR char_length(unique_key) > 512) THEN
        PERFORM ${schema}.invalid('unique_key', 'must be 1 to 512 characters');
    END IF;
    IF tags IS NOT NULL THEN
        IF cardinality(tags) > 50 THEN
            PERFORM ${schema}.invalid('tags', 'at most 50 tags, got ' || cardinality(tags));
        END IF;
        IF EXISTS (SELECT 1 FROM unnest(tags) t WHERE t IS NULL OR t = '' OR char_length(t) > 128) THEN
            PERFORM ${schema}.invalid('tags', 'each tag must be 1 to 128 characters');
        END IF;
    END IF;
    IF timeout_seconds IS NOT NULL AND (timeout_seconds < 1 OR timeout_seconds > 2000000) THEN
        PERFORM ${schema}.invalid('timeout_seconds', 'must be between 1 and 2000000, got ' || timeout_seconds);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ${schema}.kinds k WHERE k.name = kind) THEN
        PERFORM ${schema}.invalid('kind', 'unknown kind "' || kind
            || '": register a handler for it or declare it (declareKind in Java, gantry.declare_kind in SQL)');
    END IF;
END
$$;

-- A uniqueness window (docs/guarantees.md, Unique jobs): 'forever' or null (the key is held
-- until the job is cancelled or discarded), 'waiting', 'active', or a period '<n>s|m|h|d' after
-- enqueue, returned as an interval (null for the others).
CREATE OR REPLACE FUNCTION ${schema}.check_unique_while(unique_key text, unique_while text) RETURNS interval
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    m text[];
BEGIN
    IF unique_while IS NULL OR unique_while = 'forever' THEN
        RETURN NULL;
    END IF;
    IF unique_key IS NULL THEN
        PERFORM ${schema}.invalid('unique_while', 'needs a unique_key');
    END IF;
    IF unique_while IN ('waiting', 'active') THEN
        RETURN NULL;
    END IF;
    m := regexp_match(unique_while, '^([1-9][0-9]{0,6})(s|m|h|d)$');
    IF m IS NULL THEN
        PERFORM ${schema}.invalid('unique_while', 'must be waiting, active, forever or a period such as 30s, 10m, 1h, 7d; got "'
            || left(unique_while, 100) || '"');
    END IF;
    RETURN make_interval(secs => m[1]::bigint * CASE m[2] WHEN 's' THEN 1 WHEN 'm' THEN 60 WHEN 'h' THEN 3600 ELSE 86400 END);
END
$$;

-- Releases the keys whose holder's period is over (unique_while 'period', unique_until past),
-- so that an enqueue with the key inserts a new job. Returns how many it released.
CREATE OR REPLACE FUNCTION ${schema}.release_expired_keys(unique_keys text[], now timestamptz DEFAULT NULL) RETURNS integer
    LANGUAGE sql AS $$
    WITH released AS (
        UPDATE ${schema}.jobs j SET unique_while = 'released'
         WHERE j.unique_key = ANY (release_expired_keys.unique_keys) AND j.unique_while = 'period'
           AND j.unique_until <= coalesce(release_expired_keys.now, now())
           AND ${schema}.unique_key_held(j.unique_while, j.state)
        RETURNING 1)
    SELECT count(*)::integer FROM released
$$;

-- Enqueues one job and returns its id. With a unique_key that another job holds (see
-- unique_key_held and the job's unique_while), returns that job's id and inserts nothing.
CREATE OR REPLACE FUNCTION ${schema}.enqueue(
    kind text,
    args jsonb,
    queue text DEFAULT 'default',
    priority integer DEFAULT 0,
    run_at timestamptz DEFAULT NULL,
    max_attempts integer DEFAULT NULL,
    unique_key text DEFAULT NULL,
    tags text[] DEFAULT NULL,
    timeout_seconds integer DEFAULT NULL,
    unique_while text DEFAULT NULL,
    limit_key text DEFAULT NULL) RETURNS bigint
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_id bigint;
    v_run_at timestamptz := coalesce(enqueue.run_at, now());
    v_period interval;
    v_while text;
BEGIN
    PERFORM ${schema}.check_job_input(enqueue.kind, enqueue.args, enqueue.queue, enqueue.priority,
        enqueue.max_attempts, enqueue.unique_key, enqueue.tags, enqueue.timeout_seconds);
    v_period := ${schema}.check_unique_while(enqueue.unique_key, enqueue.unique_while);
    IF enqueue.limit_key IS NOT NULL THEN
        PERFORM ${schema}.check_limit_key(enqueue.limit_key);
    END IF;
    v_while := CASE WHEN v_period IS NOT NULL THEN 'period' WHEN enqueue.unique_while IN ('waiting', 'active')
                    THEN enqueue.unique_while END;
    FOR i IN 1..5 LOOP
        INSERT INTO ${schema}.jobs AS j (queue, kind, args, state, priority, max_attempts, run_at,
                                        unique_key, tags, timeout_ms, unique_while, unique_until, limit_key)
        VALUES (enqueue.queue, enqueue.kind, enqueue.args,
                CASE WHEN v_run_at > now() THEN 'scheduled' ELSE 'available' END,
                enqueue.priority, coalesce(enqueue.max_attempts, 20), v_run_at,
                enqueue.unique_key, coalesce(enqueue.tags, '{}'), enqueue.timeout_seconds * 1000,
                v_while, now() + v_period, enqueue.limit_key)
        ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND ${schema}.unique_key_held(unique_while, state)
        DO NOTHING
        RETURNING j.id INTO v_id;
        IF v_id IS NOT NULL THEN
            RETURN v_id;
        END IF;
        -- a holder whose period is over lets go of the key: insert again
        CONTINUE WHEN ${schema}.release_expired_keys(ARRAY[enqueue.unique_key]) > 0;
        SELECT j.id INTO v_id FROM ${schema}.jobs j
         WHERE j.unique_key = enqueue.unique_key AND ${schema}.unique_key_held(j.unique_while, j.state);
        IF v_id IS NOT NULL THEN
            RETURN v_id;
        END IF;
        -- the job holding the key let go of it in between: insert again.
    END LOOP;
    RAISE EXCEPTION 'unique key % kept changing hands', enqueue.unique_key;
END
$$;

-- Makes due scheduled and retryable jobs available (all queues when queue is null) and wakes
-- their workers. The Java stager calls this too, with its own clock in tests.
CREATE OR REPLACE FUNCTION ${schema}.stage_due(
    queue text DEFAULT NULL, now timestamptz DEFAULT NULL, max_jobs integer DEFAULT 1000) RETURNS integer
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_now timestamptz := coalesce(stage_due.now, statement_timestamp());
    v_count integer := 0;
    r record;
BEGIN
    IF stage_due.max_jobs IS NULL OR stage_due.max_jobs < 1 THEN
        PERFORM ${schema}.invalid('max_jobs', 'must be at least 1, got ' || coalesce(stage_due.max_jobs::text, 'null'));
    END IF;
    FOR r IN
        WITH due AS MATERIALIZED (
            SELECT j.id FROM ${schema}.jobs j
             WHERE j.state IN ('scheduled', 'retryable') AND j.run_at <= v_now
               AND (stage_due.queue IS NULL OR j.queue = stage_due.queue)
             ORDER BY j.run_at
             LIMIT stage_due.max_jobs
             FOR UPDATE SKIP LOCKED),
        staged AS (
            UPDATE ${schema}.jobs j SET state = 'available'
              FROM due WHERE j.id = due.id
            RETURNING j.queue)
        SELECT s.queue, count(*) AS n FROM staged s GROUP BY s.queue
    LOOP
        v_count := v_count + r.n;
        PERFORM pg_notify('${schema}.job_available', json_build_object('queue', r.queue)::text);
    END LOOP;
    -- keys whose full rate period freed a start let their waiting jobs go (R__limit_api.sql)
    IF EXISTS (SELECT FROM ${schema}.limits l WHERE l.wake_at <= v_now) THEN
        v_count := v_count + ${schema}.wake_limits(v_now);
    END IF;
    RETURN v_count;
END
$$;

-- Takes back running jobs whose lease expired (their worker died or hung): retryable, or
-- discarded when out of attempts, with "lease expired" in the error history.
CREATE OR REPLACE FUNCTION ${schema}.rescue_expired(
    queue text DEFAULT NULL, now timestamptz DEFAULT NULL, max_jobs integer DEFAULT 1000)
    RETURNS TABLE (retried integer, discarded integer)
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_now timestamptz := coalesce(rescue_expired.now, statement_timestamp());
    v_keys text[];
BEGIN
    IF rescue_expired.max_jobs IS NULL OR rescue_expired.max_jobs < 1 THEN
        PERFORM ${schema}.invalid('max_jobs', 'must be at least 1, got ' || coalesce(rescue_expired.max_jobs::text, 'null'));
    END IF;
    WITH expired AS MATERIALIZED (
        SELECT j.id FROM ${schema}.jobs j
         WHERE j.state = 'running' AND j.lease_expires_at < v_now
           AND (rescue_expired.queue IS NULL OR j.queue = rescue_expired.queue)
         ORDER BY j.lease_expires_at
         LIMIT rescue_expired.max_jobs
         FOR UPDATE SKIP LOCKED),
    rescued AS (
        UPDATE ${schema}.jobs j
           SET state = CASE WHEN j.attempt >= j.max_attempts THEN 'discarded' ELSE 'retryable' END,
               finished_at = CASE WHEN j.attempt >= j.max_attempts THEN v_now END,
               run_at = v_now,
               errors = j.errors || jsonb_build_array(jsonb_build_object(
                   'attempt', j.attempt, 'at', v_now,
                   'error', 'lease expired: worker ' || j.worker_id || ' stopped renewing it (crashed, killed or hung)',
                   'class', 'gantry.LeaseExpired', 'worker_id', j.worker_id)),
               -- a job held for its waiting window took no key while it ran; if another job took it since, it lets go
               unique_while = CASE WHEN j.unique_while = 'waiting' AND EXISTS (
                   SELECT 1 FROM ${schema}.jobs h WHERE h.unique_key = j.unique_key AND h.id <> j.id
                      AND ${schema}.unique_key_held(h.unique_while, h.state)) THEN 'released' ELSE j.unique_while END,
               worker_id = NULL, lease_expires_at = NULL
          FROM expired WHERE j.id = expired.id
        RETURNING j.state, j.limit_key)
    SELECT count(*) FILTER (WHERE r.state = 'retryable')::integer,
           count(*) FILTER (WHERE r.state = 'discarded')::integer,
           array_agg(DISTINCT r.limit_key) FILTER (WHERE r.limit_key IS NOT NULL)
      INTO retried, discarded, v_keys
      FROM rescued r;
    -- the rescued jobs of limited keys free their room
    IF v_keys IS NOT NULL THEN
        PERFORM ${schema}.release_limited(v_keys, v_now);
    END IF;
    RETURN NEXT;
END
$$;

-- The claim transition, the one definition that both claim() below and the Java worker
-- (JobSql.CLAIM) run: up to max_jobs available jobs of a queue, in claim order (priority,
-- run_at, id), become running for worker_id with attempt + 1 and a lease. SKIP LOCKED lets
-- racing workers take disjoint sets; MATERIALIZED keeps the planner from folding the CTE into
-- the UPDATE, which could otherwise lock more rows than the LIMIT. The claim's time is read
-- while the query runs (clock_timestamp() in a one-row CTE), after its snapshot: a job it sees
-- was committed before that, so attempted_at never precedes created_at (the enqueue
-- transaction's start). The transaction's now() may precede the enqueue, and so may the
-- statement's: it starts when the call arrives, before this query's snapshot is taken.
-- now overrides it (tests).
-- A queue paused for all workers (gantry.queues) gives nothing: one primary-key probe, planned
-- as a one-time filter before the index scan. PL/pgSQL so that the plan is cached per session
-- like a prepared statement (a LANGUAGE sql function is planned on every call before PG 18).
-- Sequential scans are off for the reason apply_outcomes gives: the statistics about which jobs
-- are available are always stale, and only the partial index of available jobs is a sane plan.
CREATE OR REPLACE FUNCTION ${schema}.claim_available(
    queue text, worker_id text, max_jobs integer, lease interval, now timestamptz DEFAULT NULL)
    RETURNS SETOF ${schema}.jobs
    LANGUAGE plpgsql SET enable_seqscan = off AS $$
#variable_conflict use_column
DECLARE
    v_claimed integer := 0;
    v_n integer;
BEGIN
    FOR v_pass IN 1..2 LOOP
        RETURN QUERY
        WITH picked AS MATERIALIZED (
            SELECT j.id, j.limit_key FROM ${schema}.jobs j
             WHERE j.state = 'available' AND j.queue = claim_available.queue
               AND NOT EXISTS (SELECT FROM ${schema}.queues q WHERE q.name = claim_available.queue AND q.paused_at IS NOT NULL)
             ORDER BY j.priority, j.run_at, j.id
             LIMIT claim_available.max_jobs - v_claimed
             FOR UPDATE SKIP LOCKED),
        t AS MATERIALIZED (SELECT coalesce(claim_available.now, clock_timestamp()) AS now)
        UPDATE ${schema}.jobs j
           SET state = 'running', attempt = j.attempt + 1, attempted_at = t.now,
               worker_id = claim_available.worker_id,
               lease_expires_at = t.now + claim_available.lease
          FROM picked, t
         WHERE j.id = picked.id AND picked.limit_key IS NULL
        RETURNING j.*;
        GET DIAGNOSTICS v_n = ROW_COUNT;
        v_claimed := v_claimed + v_n;
        -- Jobs with a limit key go through their limit (R__limit_api.sql): only when this claim
        -- came up short and an index that holds only keyed available jobs has one of the queue.
        -- Those it sets waiting may have hidden unkeyed jobs: one more pass picks them up.
        EXIT WHEN v_claimed >= claim_available.max_jobs OR v_pass = 2
            OR NOT EXISTS (SELECT FROM ${schema}.jobs j
                            WHERE j.state = 'available' AND j.limit_key IS NOT NULL AND j.queue = claim_available.queue)
            OR EXISTS (SELECT FROM ${schema}.queues q WHERE q.name = claim_available.queue AND q.paused_at IS NOT NULL);
        RETURN QUERY SELECT * FROM ${schema}.claim_limited(claim_available.queue, claim_available.worker_id,
            claim_available.max_jobs - v_claimed, claim_available.lease, claim_available.now);
        GET DIAGNOSTICS v_n = ROW_COUNT;
        v_claimed := v_claimed + v_n;
        EXIT WHEN v_claimed >= claim_available.max_jobs;
    END LOOP;
END
$$;

-- Claims up to max_jobs available jobs of a queue for worker_id: running, attempt + 1, leased
-- for lease_seconds (claim_available). Staging and rescue of that queue run first, so SQL-only
-- workers need no Java process. Racing callers never get the same job (FOR UPDATE SKIP LOCKED).
-- A queue paused with pause_queue gives nothing.
CREATE OR REPLACE FUNCTION ${schema}.claim(
    queue text, worker_id text, max_jobs integer DEFAULT 1, lease_seconds integer DEFAULT 300)
    RETURNS SETOF ${schema}.jobs
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM ${schema}.check_name('queue', claim.queue);
    IF claim.worker_id IS NULL OR claim.worker_id = '' THEN
        PERFORM ${schema}.invalid('worker_id', 'must not be empty');
    ELSIF char_length(claim.worker_id) > 200 THEN
        PERFORM ${schema}.invalid('worker_id', 'must be at most 200 characters, got ' || char_length(claim.worker_id));
    END IF;
    IF claim.max_jobs IS NULL OR claim.max_jobs < 1 OR claim.max_jobs > 1000 THEN
        PERFORM ${schema}.invalid('max_jobs', 'must be between 1 and 1000, got ' || coalesce(claim.max_jobs::text, 'null'));
    END IF;
    IF claim.lease_seconds IS NULL OR claim.lease_seconds < 1 OR claim.lease_seconds > 86400 THEN
        PERFORM ${schema}.invalid('lease_seconds', 'must be between 1 and 86400, got ' || coalesce(claim.lease_seconds::text, 'null'));
    END IF;
    PERFORM ${schema}.rescue_expired(claim.queue);
    PERFORM ${schema}.stage_due(claim.queue);
    RETURN QUERY SELECT * FROM ${schema}.claim_available(claim.queue, claim.worker_id, claim.max_jobs,
                                                          make_interval(secs => claim.lease_seconds));
END
$$;

CREATE OR REPLACE FUNCTION ${schema}.check_outcome_input(job_id bigint, worker_id text) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    IF job_id IS NULL THEN
        PERFORM ${schema}.invalid('job_id', 'must not be null');
    END IF;
    IF worker_id IS NULL OR worker_id = '' THEN
        PERFORM ${schema}.invalid('worker_id', 'must not be empty');
    END IF;
END
$$;

-- The one definition of what ends an attempt, for a batch: completed, retryable after
-- delays_ms, discarded, cancelled, or released (back to available with the attempt given back,
-- or cancelled if an operator asked). The Java worker's batch completer calls it with many jobs,
-- complete() and fail() with one. Fenced on the worker and the attempt: an outcome from a worker
-- that no longer holds the job changes nothing and is not returned. Sequential scans are off: the
-- job table's statistics are always stale about which jobs run (docs/adr/0006), and only the
-- primary key, outcome by outcome, is a sane plan. Rows are locked in id order, as renew_leases
-- locks them: the worker's completer and lease renewer write the same jobs at the same time, and
-- in completion order the two deadlocked (HundredWorkersTest through PgBouncer; OutcomeLockOrderTest).
-- The UPDATE's parameters are positional so that WorkerTransactionTest can prepare and explain
-- this very statement.
CREATE OR REPLACE FUNCTION ${schema}.apply_outcomes(
    worker_id text, ids bigint[], attempts integer[], states text[], delays_ms bigint[], errors text[],
    results text[], releases boolean[], now_at timestamptz DEFAULT NULL) RETURNS SETOF bigint
    LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
    v_ids bigint[];
    v_keys text[];
BEGIN
    WITH applied AS (
    UPDATE ${schema}.jobs j
       SET state = CASE WHEN o.release AND j.cancel_requested_at IS NOT NULL THEN 'cancelled'
                        ELSE o.state END,
           attempt = CASE WHEN o.release THEN j.attempt - 1 ELSE j.attempt END,
           finished_at = CASE WHEN o.state IN ('completed', 'discarded', 'cancelled')
                                   OR o.release AND j.cancel_requested_at IS NOT NULL
                              THEN coalesce($9, statement_timestamp()) END,
           run_at = CASE WHEN o.state = 'retryable'
                                   OR o.release AND j.cancel_requested_at IS NULL
                         THEN coalesce($9, statement_timestamp()) + o.delay_ms * interval '1 millisecond'
                         ELSE j.run_at END,
           errors = CASE WHEN o.error IS NULL THEN j.errors ELSE j.errors || jsonb_build_array(o.error::jsonb) END,
           result = o.result::jsonb,
           unique_while = CASE WHEN j.unique_while = 'waiting' AND EXISTS (
               SELECT 1 FROM ${schema}.jobs h WHERE h.unique_key = j.unique_key AND h.id <> j.id
                  AND ${schema}.unique_key_held(h.unique_while, h.state)) THEN 'released' ELSE j.unique_while END,
           worker_id = NULL, lease_expires_at = NULL, cancel_requested_at = NULL
      FROM (SELECT * FROM unnest($2, $3, $4, $5, $6, $7, $8) AS u(id, attempt, state, delay_ms, error, result, release)
             ORDER BY u.id) AS o
     WHERE j.id = o.id AND j.state = 'running' AND j.attempt = o.attempt AND j.worker_id = $1
    RETURNING j.id, j.limit_key)
    SELECT array_agg(a.id), array_agg(DISTINCT a.limit_key) FILTER (WHERE a.limit_key IS NOT NULL)
      INTO v_ids, v_keys FROM applied a;
    -- jobs of limited keys stopped running: their room frees (R__limit_api.sql)
    IF v_keys IS NOT NULL THEN
        PERFORM ${schema}.release_limited(v_keys, $9);
    END IF;
    RETURN QUERY SELECT unnest(v_ids);
END
$$;

-- The one definition of a lease renewal, for a batch: extends the leases this worker still
-- holds and says which of those jobs an operator asked to cancel. The Java lease renewer calls
-- it with every job it runs, renew_lease() with one. Locks in id order, as apply_outcomes does.
CREATE OR REPLACE FUNCTION ${schema}.renew_leases(
    worker_id text, ids bigint[], lease_ms bigint, now_at timestamptz DEFAULT NULL)
    RETURNS TABLE (job_id bigint, cancel_requested boolean) LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
    RETURN QUERY
    UPDATE ${schema}.jobs j
       SET lease_expires_at = coalesce($4, statement_timestamp()) + $3 * interval '1 millisecond'
      FROM (SELECT DISTINCT u.id FROM unnest($2) AS u(id) ORDER BY u.id) AS o
     WHERE j.id = o.id AND j.state = 'running' AND j.worker_id = $1
    RETURNING j.id, j.cancel_requested_at IS NOT NULL;
END
$$;

-- Completes a job. False (and nothing written) when worker_id no longer holds it, for example
-- because its lease expired and it was rescued: the fence against zombie workers. Pass the
-- attempt from claim() to fence on it too.
CREATE OR REPLACE FUNCTION ${schema}.complete(
    job_id bigint, worker_id text, result jsonb DEFAULT NULL, attempt integer DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_attempt integer;
BEGIN
    PERFORM ${schema}.check_outcome_input(complete.job_id, complete.worker_id);
    SELECT j.attempt INTO v_attempt FROM ${schema}.jobs j
     WHERE j.id = complete.job_id AND j.state = 'running' AND j.worker_id = complete.worker_id
       AND (complete.attempt IS NULL OR j.attempt = complete.attempt);
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    RETURN EXISTS (SELECT FROM ${schema}.apply_outcomes(complete.worker_id, ARRAY[complete.job_id], ARRAY[v_attempt],
        ARRAY['completed'], ARRAY[0::bigint], ARRAY[NULL::text], ARRAY[complete.result::text], ARRAY[false]));
END
$$;

-- Records a failed attempt: retryable after the backoff (retry_in, or gantry.backoff), or
-- discarded when retryable is false or the attempts are used up; cancelled if an operator asked to
-- cancel the job while it ran (as the Java worker does). Fenced like complete(). The row is
-- locked while the outcome is chosen, so a cancel request cannot slip in between.
CREATE OR REPLACE FUNCTION ${schema}.fail(
    job_id bigint, worker_id text, error text, retryable boolean DEFAULT true,
    attempt integer DEFAULT NULL, retry_in interval DEFAULT NULL) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    v_attempt integer;
    v_max integer;
    v_cancel boolean;
    v_state text;
BEGIN
    PERFORM ${schema}.check_outcome_input(fail.job_id, fail.worker_id);
    IF fail.error IS NULL THEN
        PERFORM ${schema}.invalid('error', 'must not be null');
    END IF;
    IF fail.retry_in IS NOT NULL AND fail.retry_in < interval '0' THEN
        PERFORM ${schema}.invalid('retry_in', 'must not be negative');
    END IF;
    SELECT j.attempt, j.max_attempts, j.cancel_requested_at IS NOT NULL INTO v_attempt, v_max, v_cancel
      FROM ${schema}.jobs j
     WHERE j.id = fail.job_id AND j.state = 'running' AND j.worker_id = fail.worker_id
       AND (fail.attempt IS NULL OR j.attempt = fail.attempt)
       FOR UPDATE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    v_state := CASE WHEN v_cancel THEN 'cancelled'
                    WHEN NOT coalesce(fail.retryable, true) OR v_attempt >= v_max THEN 'discarded'
                    ELSE 'retryable' END;
    RETURN EXISTS (SELECT FROM ${schema}.apply_outcomes(fail.worker_id, ARRAY[fail.job_id], ARRAY[v_attempt],
        ARRAY[v_state],
        ARRAY[CASE WHEN v_state = 'retryable'
                   THEN (extract(epoch FROM coalesce(fail.retry_in, ${schema}.backoff(v_attempt))) * 1000)::bigint
                   ELSE 0 END],
        ARRAY[jsonb_build_object('attempt', v_attempt, 'at', statement_timestamp(), 'error', left(fail.error, 10000),
                                 'class', 'sql', 'worker_id', fail.worker_id)::text],
        ARRAY[NULL::text], ARRAY[false]));
END
$$;

-- Extends the lease of a running job; call it well within lease_seconds while working on a
-- long job. False when the worker no longer holds the job (stop working on it).
CREATE OR REPLACE FUNCTION ${schema}.renew_lease(
    job_id bigint, worker_id text, lease_seconds integer DEFAULT 300) RETURNS boolean
    LANGUAGE plpgsql AS $$
#variable_conflict use_column
BEGIN
    PERFORM ${schema}.check_outcome_input(renew_lease.job_id, renew_lease.worker_id);
    IF renew_lease.lease_seconds IS NULL OR renew_lease.lease_seconds < 1 OR renew_lease.lease_seconds > 86400 THEN
        PERFORM ${schema}.invalid('lease_seconds', 'must be between 1 and 86400, got ' || coalesce(renew_lease.lease_seconds::text, 'null'));
    END IF;
    RETURN EXISTS (SELECT FROM ${schema}.renew_leases(renew_lease.worker_id, ARRAY[renew_lease.job_id],
                                                      renew_lease.lease_seconds * 1000::bigint));
END
$$;

-- Cancel and retry, for one job or many: the Java client's cancel, retry and bulk actions call
-- these, so the transitions are written here only.

-- Cancels the jobs among ids that are in a cancellable state: they become cancelled, except
-- running ones, which are only flagged (cancel_requested_at) for their worker to stop and
-- finish as cancelled. Returns the changed rows.
CREATE OR REPLACE FUNCTION ${schema}.cancel_jobs(ids bigint[], now timestamptz DEFAULT NULL)
    RETURNS SETOF ${schema}.jobs
    LANGUAGE sql AS $$
    UPDATE ${schema}.jobs j
       SET state = CASE WHEN j.state = 'running' THEN j.state ELSE 'cancelled' END,
           finished_at = CASE WHEN j.state = 'running' THEN j.finished_at
                              ELSE coalesce(cancel_jobs.now, statement_timestamp()) END,
           cancel_requested_at = coalesce(cancel_jobs.now, statement_timestamp())
     WHERE j.id = ANY (cancel_jobs.ids) AND ${schema}.can_cancel(j.state)
    RETURNING j.*
$$;

-- Makes the jobs among ids that are in a retryable state available now, with one more attempt
-- when they had used them all. A job whose unique key another active job holds is left alone.
-- Returns the changed rows; wakes nobody (callers notify the queues).
CREATE OR REPLACE FUNCTION ${schema}.retry_jobs(ids bigint[], now timestamptz DEFAULT NULL)
    RETURNS SETOF ${schema}.jobs
    LANGUAGE sql AS $$
    UPDATE ${schema}.jobs j
       SET state = 'available', run_at = coalesce(retry_jobs.now, statement_timestamp()), finished_at = NULL,
           max_attempts = greatest(j.max_attempts, j.attempt + 1), cancel_requested_at = NULL
     WHERE j.id = ANY (retry_jobs.ids) AND ${schema}.can_retry(j.state)
       AND (j.unique_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM ${schema}.jobs o
             WHERE o.unique_key = j.unique_key AND o.id <> j.id
               AND ${schema}.unique_key_held(o.unique_while, o.state)))
    RETURNING j.*
$$;

-- Cancels one job and returns it; cancelling a cancelled job returns it unchanged. Raises
-- SQLSTATE P0002 for an unknown job and 55000 for a job that has finished otherwise.
CREATE OR REPLACE FUNCTION ${schema}.cancel_job(job_id bigint, now timestamptz DEFAULT NULL)
    RETURNS SETOF ${schema}.jobs
    LANGUAGE plpgsql AS $$
DECLARE
    r ${schema}.jobs;
BEGIN
    SELECT * INTO r FROM ${schema}.cancel_jobs(ARRAY[cancel_job.job_id], cancel_job.now);
    IF NOT FOUND THEN
        SELECT * INTO r FROM ${schema}.jobs j WHERE j.id = cancel_job.job_id;
        IF NOT FOUND THEN
            RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'job ' || cancel_job.job_id || ' not found';
        END IF;
        IF r.state <> 'cancelled' THEN
            RAISE EXCEPTION USING ERRCODE = '55000',
                MESSAGE = 'job ' || cancel_job.job_id || ' is ' || r.state || ' and cannot be cancelled';
        END IF;
    END IF;
    RETURN NEXT r;
END
$$;

-- Retries one job, wakes its queue and returns it. Raises SQLSTATE P0002 for an unknown job and
-- 55000 for a job in another state or whose unique key another active job holds.
CREATE OR REPLACE FUNCTION ${schema}.retry_job(job_id bigint, now timestamptz DEFAULT NULL)
    RETURNS SETOF ${schema}.jobs
    LANGUAGE plpgsql AS $$
DECLARE
    r ${schema}.jobs;
    held boolean := false;
BEGIN
    BEGIN
        SELECT * INTO r FROM ${schema}.retry_jobs(ARRAY[retry_job.job_id], retry_job.now);
    EXCEPTION WHEN unique_violation THEN
        held := true;   -- another job took the key concurrently
    END;
    IF NOT held AND r.id IS NOT NULL THEN
        PERFORM pg_notify('${schema}.job_available', json_build_object('queue', r.queue)::text);
        RETURN NEXT r;
        RETURN;
    END IF;
    SELECT * INTO r FROM ${schema}.jobs j WHERE j.id = retry_job.job_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'P0002', MESSAGE = 'job ' || retry_job.job_id || ' not found';
    END IF;
    IF held OR ${schema}.can_retry(r.state) THEN
        RAISE EXCEPTION USING ERRCODE = '55000',
            MESSAGE = 'job ' || retry_job.job_id || ' cannot be retried: another active job holds its unique key';
    END IF;
    RAISE EXCEPTION USING ERRCODE = '55000',
        MESSAGE = 'job ' || retry_job.job_id || ' is ' || r.state || '; only '
            || ${schema}.state_list(${schema}.retryable_states()) || ' jobs can be retried';
END
$$;

-- Job events (docs/events.md) are announced only while a subscription is live (V007): a program
-- that LISTENs on <schema>.job_events calls subscribe_job_events first and again before the
-- returned time, and unsubscribe_job_events when done. The name is the subscriber's choice, one
-- row per name; a second subscribe renews. Expired rows are deleted here.
CREATE OR REPLACE FUNCTION ${schema}.subscribe_job_events(subscriber text, ttl_seconds integer DEFAULT 60)
    RETURNS timestamptz
    LANGUAGE plpgsql AS $$
DECLARE
    v_expires timestamptz;
BEGIN
    IF subscriber IS NULL OR subscriber = '' OR char_length(subscriber) > 200 THEN
        PERFORM ${schema}.invalid('subscriber', 'must be 1 to 200 characters');
    END IF;
    IF ttl_seconds IS NULL OR ttl_seconds NOT BETWEEN 1 AND 86400 THEN
        PERFORM ${schema}.invalid('ttl_seconds', 'must be 1 to 86400, got ' || coalesce(ttl_seconds::text, 'null'));
    END IF;
    DELETE FROM ${schema}.job_event_subscribers s WHERE s.expires_at <= now();
    v_expires := now() + ttl_seconds * interval '1 second';
    INSERT INTO ${schema}.job_event_subscribers AS s (name, expires_at)
    VALUES (subscribe_job_events.subscriber, v_expires)
    ON CONFLICT (name) DO UPDATE SET expires_at = EXCLUDED.expires_at;
    RETURN v_expires;
END
$$;

-- Ends a subscription; false when there was none (or it had expired).
CREATE OR REPLACE FUNCTION ${schema}.unsubscribe_job_events(subscriber text) RETURNS boolean
    LANGUAGE sql AS $$
    WITH gone AS (DELETE FROM ${schema}.job_event_subscribers s WHERE s.name = unsubscribe_job_events.subscriber
                  RETURNING s.expires_at > now() AS live)
    SELECT coalesce(bool_or(live), false) FROM gone;
$$;
