package dev.gantry.store;

/**
 * The runtime queries on {@code gantry.jobs}. Only {@link JobStore} uses them. Every write that
 * can race with a worker is fenced on state, attempt and worker id.
 */
final class JobSql {
    private JobSql() {
    }

    static final String COLUMNS = """
            id, queue, kind, args::text AS args, state, priority, attempt, max_attempts, run_at, created_at,
            attempted_at, finished_at, worker_id, lease_expires_at, timeout_ms, errors::text AS errors,
            result::text AS result, unique_key, tags, cancel_requested_at, limit_key, limited_at""";

    /**
     * A unique key another job holds makes an insert insert nothing (see SELECT_BY_UNIQUE_KEYS).
     * The predicate is that of jobs_unique_key_idx_where_held (V011), which PostgreSQL needs to
     * infer the arbiter index: gantry.unique_key_held decides per job's window.
     */
    private static final String ON_UNIQUE_KEY_HELD = """
            ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL AND gantry.unique_key_held(unique_while, state)
            DO NOTHING
            """;

    private static final String INSERT_ONE = """
            INSERT INTO gantry.jobs (queue, kind, args, state, priority, max_attempts, run_at, created_at,
                                     timeout_ms, unique_key, tags, unique_while, unique_until, limit_key)
            SELECT :queue, :kind, :args::jsonb,
                   CASE WHEN t.run_at > t.now THEN 'scheduled' ELSE 'available' END,
                   :priority, :max_attempts, t.run_at, t.now, :timeout_ms, :unique_key, :tags::text[],
                   :unique_while::text, t.now + make_interval(secs => :unique_seconds::double precision), :limit_key
              FROM (SELECT coalesce(:now::timestamptz, now()) AS now,
                           coalesce(:run_at::timestamptz, :now::timestamptz, now()) AS run_at) t
            """;

    /**
     * What an insert returns: the columns the database decides (id, state, times) and args as
     * jsonb prints them; every other column of a new job is the request's or its default, and
     * Rows.InsertedRow.job takes them from there. Less to send and decode than every column:
     * w1_bulk 43,300-44,200 before, 49,500-55,400 jobs/s after (docs/benchmarks.md, W1).
     */
    static final String INSERTED_COLUMNS = "id, args::text AS args, state, run_at, created_at, unique_key";

    /** Inserts one job with a unique key; nothing when the key is held. */
    static final String INSERT_UNIQUE = INSERT_ONE + ON_UNIQUE_KEY_HELD + "RETURNING " + INSERTED_COLUMNS;

    /**
     * Inserts one job without a unique key. No ON CONFLICT clause: with one, PostgreSQL inserts
     * speculatively (a check of the arbiter index and a second WAL record per row) even for a
     * row outside the index's predicate (docs/adr/0014).
     */
    static final String INSERT = INSERT_ONE + "RETURNING " + INSERTED_COLUMNS;

    private static final String INSERT_ROWS = """
            INSERT INTO gantry.jobs (queue, kind, args, state, priority, max_attempts, run_at, created_at,
                                     timeout_ms, unique_key, tags, unique_while, unique_until, limit_key)
            SELECT i.queue, i.kind, i.args::jsonb,
                   CASE WHEN coalesce(i.run_at::timestamptz, t.now) > t.now THEN 'scheduled' ELSE 'available' END,
                   i.priority, i.max_attempts, coalesce(i.run_at::timestamptz, t.now), t.now, i.timeout_ms,
                   i.unique_key, coalesce(i.tags::text[], '{}'),
                   i.unique_while, t.now + make_interval(secs => i.unique_seconds::double precision), i.limit_key
              FROM unnest(:queues::text[], :kinds::text[], :args::text[], :priorities::int[],
                          :max_attempts::int[], :run_ats::text[], :timeouts::int[], :unique_keys::text[],
                          :tags::text[], :unique_whiles::text[], :unique_seconds::bigint[], :limit_keys::text[])
                   WITH ORDINALITY
                   AS i(queue, kind, args, priority, max_attempts, run_at, timeout_ms, unique_key, tags, unique_while,
                        unique_seconds, limit_key, ord),
                   (SELECT coalesce(:now::timestamptz, now()) AS now) t
             ORDER BY i.ord
            """;

    /** Inserts many jobs in one statement from parallel arrays, in input order, skipping held unique keys. */
    static final String INSERT_MANY_UNIQUE = INSERT_ROWS + ON_UNIQUE_KEY_HELD + "RETURNING " + INSERTED_COLUMNS;

    /** INSERT_MANY_UNIQUE for a batch in which no job has a unique key: no speculative inserts. */
    static final String INSERT_MANY = INSERT_ROWS + "RETURNING " + INSERTED_COLUMNS;

    /** The job holding each of these unique keys. */
    static final String SELECT_BY_UNIQUE_KEYS = "SELECT " + COLUMNS + """
             FROM gantry.jobs
            WHERE unique_key = ANY(:unique_keys::text[]) AND gantry.unique_key_held(unique_while, state)""";

    /** Lets go of the keys whose holder's period is over (gantry.release_expired_keys); how many. */
    static final String RELEASE_EXPIRED_KEYS = "SELECT gantry.release_expired_keys(:unique_keys::text[], :now::timestamptz)";

    static final String SELECT_BY_ID = "SELECT " + COLUMNS + " FROM gantry.jobs WHERE id = :id";

    /**
     * Claims up to :limit available jobs of a queue in claim order: the claim transition of the
     * SQL API (gantry.claim_available, also behind gantry.claim), so the worker and SQL-only
     * workers run the same statement. Its comment gives the reasons: SKIP LOCKED, a MATERIALIZED
     * pick, a clock read after the query's snapshot rather than the transaction's or statement's
     * start, and the paused-queue probe. The function's plan is cached per session like a
     * prepared statement's (docs/adr/0012).
     */
    static final String CLAIM = "SELECT " + COLUMNS + " FROM gantry.claim_available(:queue, :worker_id, :limit,"
            + " :lease_ms * interval '1 millisecond', :now::timestamptz)";

    /**
     * Writes a batch of outcomes, only for attempts this worker still holds (the zombie fence);
     * returns the ids it applied. A release undoes the claim's attempt increment; releasing a job
     * whose cancel was requested cancels it instead, so the request is not lost at shutdown. The
     * transition is gantry.apply_outcomes, the one that the SQL API's complete() and fail() use.
     */
    static final String APPLY_OUTCOMES = """
            SELECT id FROM gantry.apply_outcomes(:worker_id, :ids::bigint[], :attempts::int[], :states::text[],
                :delays::bigint[], :errors::text[], :results::text[], :releases::boolean[], :now::timestamptz) AS id""";

    /**
     * Claims and outcomes do not wait for the WAL flush unless configured to: a commit lost in
     * a PostgreSQL crash means a job runs again, never a lost job (docs/adr/0007). Each is one
     * statement in its own implicit transaction, one round trip: the setting is made local to
     * that transaction by the statement itself (set_config with is_local), and is in force when
     * it commits, which is all synchronous_commit is read for. It is evaluated for the first row
     * returned; a statement that returns none changed nothing and has nothing to flush. (The
     * planner settings these statements need, enable_seqscan off, are on the functions: see
     * gantry.claim_available and gantry.apply_outcomes, docs/adr/0006.)
     */
    static String asyncCommit(String select) {
        return "SELECT * FROM (" + select + ") w WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL";
    }

    /**
     * Extends the leases this worker still holds; reports which of them an operator asked to
     * cancel. gantry.renew_leases, the one the SQL API's renew_lease() uses.
     */
    static final String RENEW_LEASES = """
            SELECT job_id, cancel_requested
              FROM gantry.renew_leases(:worker_id, :ids::bigint[], :lease_ms, :now::timestamptz)""";

    /** Wakes the workers of a queue (after releases and retries, which the insert trigger does not see). */
    static final String NOTIFY_QUEUE = "SELECT pg_notify(:channel, json_build_object('queue', :queue::text)::text)";

    /** Scheduled and retryable jobs that are due become available (gantry.stage_due, shared with the SQL API). */
    static final String STAGE_DUE = "SELECT gantry.stage_due(NULL, :now::timestamptz, :limit)";

    /** Running jobs whose lease expired go back to retryable or discarded (gantry.rescue_expired). */
    static final String RESCUE_EXPIRED = "SELECT retried, discarded FROM gantry.rescue_expired(NULL, :now::timestamptz, :limit)";

    /**
     * Cancels a job that has not finished (gantry.cancel_job). A running job is only flagged: its
     * worker stops it and writes the outcome. Raises P0002 (unknown job) or 55000 (finished).
     */
    static final String CANCEL = "SELECT " + COLUMNS + " FROM gantry.cancel_job(:id, :now::timestamptz)";

    /**
     * Makes a discarded, cancelled, retryable or scheduled job available now and wakes its queue
     * (gantry.retry_job). Allows one more attempt when it had used them all. Raises P0002 or 55000.
     */
    static final String RETRY = "SELECT " + COLUMNS + " FROM gantry.retry_job(:id, :now::timestamptz)";

    /** Deletes a job that is not running (a running job must be cancelled first). */
    static final String DELETE = "DELETE FROM gantry.jobs WHERE id = :id AND state <> 'running' RETURNING id";

    /** The jobs explorer: fixed fragments that JobListQuery appends; values are always bound. */
    static final String LIST_SELECT = "SELECT " + COLUMNS + " FROM gantry.jobs WHERE true";
    static final String LIST_STATES = " AND state = ANY(:states::text[])";
    static final String LIST_QUEUE = " AND queue = :queue";
    static final String LIST_KIND = " AND kind = :kind";
    static final String LIST_TAG = " AND tags @> ARRAY[:tag::text]";
    static final String LIST_TEXT = " AND (strpos(args::text, :text) > 0 OR strpos(errors::text, :text) > 0)";
    static final String LIST_CREATED_AFTER = " AND created_at >= :created_after";
    static final String LIST_CREATED_BEFORE = " AND created_at < :created_before";
    static final String LIST_CURSOR = " AND id < :cursor";
    /** A search page looks at ids from here up to the cursor only (JobStore.SEARCH_WINDOW). */
    static final String LIST_SCAN_FLOOR = " AND id >= :scan_floor";
    static final String LIST_ORDER = " ORDER BY id DESC LIMIT :limit";

    /** The id range of the table, both ends from the primary key. */
    static final String ID_RANGE = "SELECT min(id) AS min_id, max(id) AS max_id FROM gantry.jobs";

    /**
     * Bulk retry and cancel of the jobs a filter matches: {@code BULK_TARGET} + filter fragments +
     * {@code BULK_LIMIT} + the action. At most :max jobs per call, oldest first; rows another
     * transaction holds (a worker finishing them) are skipped, and the action is guarded on state
     * again, so a job that moved on meanwhile is left alone.
     */
    static final String BULK_TARGET = "WITH target AS MATERIALIZED (SELECT id FROM gantry.jobs WHERE true";
    static final String BULK_RETRY_STATES = " AND gantry.can_retry(state)";
    static final String BULK_CANCEL_STATES = " AND gantry.can_cancel(state)";
    static final String BULK_LIMIT = " ORDER BY id LIMIT :max FOR UPDATE SKIP LOCKED)";
    /** The transitions themselves are the SQL API's (gantry.retry_jobs, gantry.cancel_jobs). */
    static final String BULK_RETRY = """
            , retried AS (SELECT r.queue FROM gantry.retry_jobs(ARRAY(SELECT id FROM target), :now::timestamptz) r)
            SELECT count(*) AS changed, array_agg(DISTINCT queue) AS queues FROM retried""";
    static final String BULK_CANCEL = """
            , cancelled AS (SELECT c.queue FROM gantry.cancel_jobs(ARRAY(SELECT id FROM target), :now::timestamptz) c)
            SELECT count(*) AS changed, array_agg(DISTINCT queue) AS queues FROM cancelled""";

    /**
     * Per-queue counts for the queue monitor: jobs waiting or running now, jobs finished in the
     * last window, and the age of the oldest available job. The unfinished states come from
     * their partial indexes; finished jobs only from the window.
     */
    static final String QUEUE_COUNTS = """
            WITH t AS (SELECT coalesce(:now::timestamptz, now()) AS now)
            SELECT j.queue,
                   count(*) FILTER (WHERE j.state = 'available') AS available,
                   count(*) FILTER (WHERE j.state = 'running') AS running,
                   count(*) FILTER (WHERE j.state = 'scheduled') AS scheduled,
                   count(*) FILTER (WHERE j.state = 'retryable') AS retryable,
                   count(*) FILTER (WHERE j.state = 'completed') AS completed,
                   count(*) FILTER (WHERE j.state = 'discarded') AS discarded,
                   extract(epoch FROM (SELECT t.now FROM t) - min(j.run_at) FILTER (WHERE j.state = 'available')) AS oldest_available_s
              FROM gantry.jobs j
             WHERE j.state IN ('available', 'running', 'scheduled', 'retryable')
                OR (j.state IN ('completed', 'discarded')
                    AND j.finished_at >= (SELECT t.now FROM t) - :window_ms * interval '1 millisecond')
             GROUP BY j.queue
             ORDER BY j.queue""";
}
