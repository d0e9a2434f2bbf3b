package dev.gantry.store;

/** Queries on {@code gantry.schedules}; only {@link ScheduleStore} uses them. */
final class ScheduleSql {
    private ScheduleSql() {
    }

    /** Creates or replaces through the SQL API, which validates (gantry.set_schedule); true when created. */
    static final String SET = """
            SELECT gantry.set_schedule(:name::text, :spec::text, :kind::text, :args::jsonb, :queue::text,
                                       :timezone::text, :priority::integer, :max_attempts::integer, :tags::text[],
                                       :catch_up::integer, :paused::boolean, :timeout_seconds::integer,
                                       :now::timestamptz)""";

    static final String PAUSE = "SELECT gantry.pause_schedule(:name::text, :now::timestamptz)";
    static final String RESUME = "SELECT gantry.resume_schedule(:name::text, :now::timestamptz)";
    static final String DELETE = "SELECT gantry.delete_schedule(:name::text)";

    private static final String COLUMNS = """
            name, spec, timezone, kind, args::text AS args, queue, priority, max_attempts, timeout_seconds, tags,
            catch_up, paused, next_run_at, spec_set_at, last_run_at, last_job_id, last_error, created_at, updated_at""";

    static final String GET = "SELECT " + COLUMNS + " FROM gantry.schedules WHERE name = :name";
    static final String LIST = "SELECT " + COLUMNS + " FROM gantry.schedules ORDER BY name";

    /**
     * The scheduler's claim: unpaused schedules whose next tick is due (or not computed yet),
     * locked for this transaction; a schedule another scheduler holds is skipped, and once that
     * one commits, its next_run_at is past now. Most overdue first. Uses
     * schedules_next_run_at_idx_where_active.
     */
    static final String LOCK_DUE = "SELECT " + COLUMNS + ", coalesce(:now::timestamptz, now()) AS db_now"
            + """

             FROM gantry.schedules
            WHERE NOT paused AND (next_run_at IS NULL OR next_run_at <= coalesce(:now::timestamptz, now()))
            ORDER BY next_run_at NULLS FIRST
            LIMIT :limit
              FOR UPDATE SKIP LOCKED""";

    /** After a pass: the next tick, and the latest tick enqueued with its job (kept when none ran). */
    static final String ADVANCE = """
            UPDATE gantry.schedules s
               SET next_run_at = a.next_run_at,
                   paused = s.paused OR a.never,
                   last_run_at = coalesce(a.last_run_at, s.last_run_at),
                   last_job_id = coalesce(a.last_job_id, s.last_job_id),
                   last_error = a.last_error
              FROM unnest(:names::text[], :next_run_at::timestamptz[], :never::boolean[], :last_run_at::timestamptz[],
                          :last_job_id::bigint[], :last_error::text[])
                   AS a(name, next_run_at, never, last_run_at, last_job_id, last_error)
             WHERE s.name = a.name""";

    /** The earliest next tick of an unpaused schedule: how long the scheduler may sleep. */
    static final String NEXT_DUE = "SELECT min(next_run_at) FROM gantry.schedules WHERE NOT paused";
}
