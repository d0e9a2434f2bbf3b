package dev.gantry.store;

/** Queries on {@code gantry.worker_logs}; only {@link LogStore} uses them. */
final class LogSql {
    private LogSql() {
    }

    /** Inserts a batch of log events from parallel arrays, then wakes live tails of this worker. */
    static final String INSERT_MANY = """
            WITH inserted AS (
                INSERT INTO gantry.worker_logs (worker_id, job_id, level, logger, message, fields, exception, created_at)
                SELECT :worker_id, l.job_id, l.level, l.logger, l.message, coalesce(l.fields::jsonb, '{}'::jsonb),
                       l.exception, l.created_at::timestamptz
                  FROM unnest(:job_ids::bigint[], :levels::text[], :loggers::text[], :messages::text[], :fields::text[],
                              :exceptions::text[], :created_ats::text[])
                       AS l(job_id, level, logger, message, fields, exception, created_at)
                RETURNING id)
            SELECT max(id), pg_notify(:channel, json_build_object('worker_id', :worker_id::text, 'max_id', max(id))::text)::text
              FROM inserted""";

    /** The newest line's id (0 when there is none), from the primary key. */
    static final String LATEST_ID = "SELECT coalesce(max(id), 0) FROM gantry.worker_logs";

    /**
     * The first hole in the ids after :after_id up to :through_id: the id before it and the first
     * id after it. Ids come from one sequence, so a hole is a batch another shipper has not yet
     * committed, or one that rolled back. An index-only walk of the new ids only.
     */
    static final String FIRST_GAP = """
            SELECT before_gap, after_gap
              FROM (SELECT lag(id, 1, :after_id::bigint) OVER (ORDER BY id) AS before_gap, id AS after_gap
                      FROM gantry.worker_logs
                     WHERE id > :after_id AND id <= :through_id) ids
             WHERE after_gap > before_gap + 1
             ORDER BY after_gap
             LIMIT 1""";

    /**
     * Whether another session is writing to the log now: an INSERT holds ROW EXCLUSIVE on the
     * table from before it takes its ids until it commits, so with none held, every hole in the
     * ids seen after this check is for good (a rolled-back or pruned batch).
     */
    static final String WRITE_IN_FLIGHT = """
            SELECT EXISTS (SELECT 1 FROM pg_locks
                            WHERE locktype = 'relation' AND relation = to_regclass(:table)
                              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                              AND mode = 'RowExclusiveLock' AND pid <> pg_backend_pid())""";

    /** Deletes log lines older than the retention, a batch at a time. */
    static final String PRUNE = """
            DELETE FROM gantry.worker_logs
             WHERE id IN (SELECT id FROM gantry.worker_logs
                           WHERE created_at < coalesce(:now::timestamptz, now()) - :retention_ms * interval '1 millisecond'
                           LIMIT :limit)""";

    /*
     * The log viewer's query, assembled by LogListQuery from these fixed fragments. Filtering by
     * worker walks worker_logs_worker_id_id_idx in id order, by job worker_logs_job_id_idx, and
     * otherwise the primary key backwards (the latest lines) or forwards from after_id (a tail).
     */
    static final String QUERY_SELECT = """
            SELECT id, worker_id, job_id, level, logger, message, fields::text AS fields, exception, created_at
              FROM gantry.worker_logs
             WHERE true""";
    static final String QUERY_WORKER = " AND worker_id = :worker_id";
    static final String QUERY_JOB = " AND job_id = :job_id";
    static final String QUERY_LEVELS = " AND level = ANY(:levels::text[])";
    static final String QUERY_TEXT = " AND strpos(lower(message), lower(:text)) > 0";
    static final String QUERY_AFTER = " AND id > :after_id";
    static final String QUERY_BEFORE = " AND id < :before_id";
    /** A follower reads up to the newest id it saw, then moves past it (LogFollowing). */
    static final String QUERY_THROUGH = " AND id <= :through_id";
    /** Following a log: the lines after the last one seen, in the order they were written. */
    static final String QUERY_OLDEST_FIRST = " ORDER BY id LIMIT :limit";
    /** The latest lines, or paging back before an id. */
    static final String QUERY_NEWEST_FIRST = " ORDER BY id DESC LIMIT :limit";
}
