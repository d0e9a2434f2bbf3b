package dev.gantry.store;

/** Queries on {@code gantry.queues} and on where queues show up; only {@link QueueStore} uses them. */
final class QueueSql {
    private QueueSql() {
    }

    /** Pauses a queue for every worker through the SQL API, which validates and notifies (gantry.pause_queue). */
    static final String PAUSE = "SELECT gantry.pause_queue(:queue, :by)";

    /** Resumes it (gantry.resume_queue). */
    static final String RESUME = "SELECT gantry.resume_queue(:queue)";

    /** The queues paused for every worker; workers read this at start, on NOTIFY and every heartbeat. */
    static final String PAUSED = "SELECT name FROM gantry.queues WHERE paused_at IS NOT NULL";

    /**
     * The live workers' queues as they report them in their heartbeats. Rows written before
     * paused_locally existed carry the worker's own pause in "paused".
     */
    private static final String SERVING = """
            serving AS (
                SELECT q->>'name' AS queue, w.id AS worker_id, (q->>'concurrency')::integer AS concurrency,
                       coalesce((q->>'paused_locally')::boolean, (q->>'paused')::boolean, false) AS paused_locally,
                       coalesce((q->>'running')::integer, 0) AS running
                  FROM gantry.workers w, jsonb_array_elements(w.queues) q
                 WHERE gantry.worker_alive(w, :now::timestamptz))""";

    /**
     * Every known queue, one row per serving worker (worker columns null when none): queues with
     * unfinished jobs, queues live workers serve, and queues with a row in gantry.queues. Jobs
     * are not read one by one: available and waiting jobs are found by a loose index scan (one
     * descent per queue over jobs_queue_priority_run_at_id_idx_where_available and
     * jobs_queue_idx_where_waiting), running ones through the lease index, which holds only as
     * many jobs as workers run. About 5 ms over two million jobs (docs/control-plane.md, Queues).
     */
    static final String LIST = "WITH RECURSIVE " + SERVING + ",\n" + """
            available(queue) AS (
                (SELECT j.queue FROM gantry.jobs j WHERE j.state = 'available' ORDER BY j.queue LIMIT 1)
                UNION ALL
                SELECT (SELECT j.queue FROM gantry.jobs j WHERE j.state = 'available' AND j.queue > a.queue
                         ORDER BY j.queue LIMIT 1)
                  FROM available a WHERE a.queue IS NOT NULL),
            waiting(queue) AS (
                (SELECT j.queue FROM gantry.jobs j WHERE j.state IN ('pending', 'scheduled', 'retryable')
                  ORDER BY j.queue LIMIT 1)
                UNION ALL
                SELECT (SELECT j.queue FROM gantry.jobs j
                         WHERE j.state IN ('pending', 'scheduled', 'retryable') AND j.queue > w.queue
                         ORDER BY j.queue LIMIT 1)
                  FROM waiting w WHERE w.queue IS NOT NULL),
            names(queue) AS (
                SELECT queue FROM available WHERE queue IS NOT NULL
                UNION SELECT queue FROM waiting WHERE queue IS NOT NULL
                UNION SELECT j.queue FROM gantry.jobs j WHERE j.lease_expires_at IS NOT NULL
                UNION SELECT name FROM gantry.queues
                UNION SELECT queue FROM serving)
            SELECT n.queue, q.paused_at, q.paused_by, s.worker_id, s.concurrency, s.paused_locally, s.running
              FROM names n
              LEFT JOIN gantry.queues q ON q.name = n.queue
              LEFT JOIN serving s ON s.queue = n.queue
             ORDER BY n.queue, s.worker_id""";

    /** One queue, known or not, in the shape of LIST. */
    static final String GET = "WITH " + SERVING + "\n" + """
            SELECT n.queue, q.paused_at, q.paused_by, s.worker_id, s.concurrency, s.paused_locally, s.running
              FROM (SELECT :queue::text AS queue) n
              LEFT JOIN gantry.queues q ON q.name = n.queue
              LEFT JOIN serving s ON s.queue = n.queue
             ORDER BY s.worker_id""";
}
