package dev.gantry.store;

/** Queries on {@code gantry.limits}; only {@link LimitStore} uses them. */
final class LimitSql {
    private LimitSql() {
    }

    /** Creates or replaces through the SQL API, which validates (gantry.set_limit); true when created. */
    static final String SET = """
            SELECT gantry.set_limit(:key::text, :max_running::integer, :max_per_period::integer,
                                    :period_ms::bigint * interval '1 millisecond')""";

    static final String DELETE = "SELECT gantry.delete_limit(:key::text)";

    /** A limit and its counts now: running and waiting jobs from their partial indexes (V012). */
    private static final String SELECT = """
            SELECT l.limit_key, l.max_running, l.max_per_period, (extract(epoch FROM l.period) * 1000)::bigint AS period_ms,
                   l.wake_at, l.created_at, l.updated_at,
                   (SELECT count(*) FROM gantry.jobs j WHERE j.limit_key = l.limit_key AND j.state = 'running') AS running,
                   (SELECT count(*) FROM gantry.jobs j
                     WHERE j.limit_key = l.limit_key AND j.limited_at IS NOT NULL AND j.state = 'pending') AS waiting,
                   (SELECT count(*) FROM gantry.limit_starts s
                     WHERE s.limit_key = l.limit_key AND s.started_at > coalesce(:now::timestamptz, now()) - l.period) AS started
              FROM gantry.limits l""";

    static final String GET = SELECT + " WHERE l.limit_key = :key";
    static final String LIST = SELECT + " ORDER BY l.limit_key";
}
