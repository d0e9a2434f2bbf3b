package dev.gantry.store;

/** Queries on {@code gantry.workers}; only {@link WorkerStore} uses them. */
final class WorkerSql {
    private WorkerSql() {
    }

    /** Registers a worker process at start (a restarted process with the same id starts afresh). */
    static final String REGISTER = """
            INSERT INTO gantry.workers (id, host, pid, version, queues, status, started_at, last_heartbeat_at,
                                        heartbeat_interval_ms, dead_timeout_ms, config)
            VALUES (:id, :host, :pid, :version, :queues::jsonb, :status, coalesce(:now::timestamptz, now()),
                    coalesce(:now::timestamptz, now()), :heartbeat_interval_ms, :dead_timeout_ms, :config::jsonb)
            ON CONFLICT (id) DO UPDATE
               SET host = EXCLUDED.host, pid = EXCLUDED.pid, version = EXCLUDED.version, queues = EXCLUDED.queues,
                   status = EXCLUDED.status, started_at = EXCLUDED.started_at,
                   last_heartbeat_at = EXCLUDED.last_heartbeat_at,
                   heartbeat_interval_ms = EXCLUDED.heartbeat_interval_ms, dead_timeout_ms = EXCLUDED.dead_timeout_ms,
                   config = EXCLUDED.config, jobs_processed = 0, jobs_failed = 0, running_jobs = 0, error = NULL""";

    /** Writes a heartbeat with the worker's current state; no row means the worker was pruned. */
    static final String HEARTBEAT = """
            UPDATE gantry.workers
               SET last_heartbeat_at = coalesce(:now::timestamptz, now()), status = :status, queues = :queues::jsonb,
                   jobs_processed = :jobs_processed, jobs_failed = :jobs_failed, running_jobs = :running_jobs,
                   config = :config::jsonb, error = :error
             WHERE id = :id
            RETURNING id""";

    /** Forgets workers silent for longer than the retention, and old acknowledged commands. */
    static final String PRUNE_GONE = """
            WITH gone AS (
                DELETE FROM gantry.workers
                 WHERE last_heartbeat_at < coalesce(:now::timestamptz, now()) - :retention_ms * interval '1 millisecond'
                RETURNING id)
            SELECT count(*) FROM gone""";

    static final String PRUNE_COMMANDS = """
            DELETE FROM gantry.worker_commands
             WHERE status <> 'pending'
               AND created_at < coalesce(:now::timestamptz, now()) - :retention_ms * interval '1 millisecond'""";

    /** All workers with liveness derived from the heartbeat and each worker's own dead timeout. */
    static final String SELECT_ALL = """
            SELECT w.id, w.host, w.pid, w.version, w.queues::text AS queues, w.status, w.started_at,
                   w.last_heartbeat_at, w.heartbeat_interval_ms, w.dead_timeout_ms, w.jobs_processed,
                   w.jobs_failed, w.running_jobs, w.config::text AS config, w.error,
                   gantry.worker_alive(w, :now::timestamptz) AS alive
              FROM gantry.workers w
             ORDER BY w.id""";
}
