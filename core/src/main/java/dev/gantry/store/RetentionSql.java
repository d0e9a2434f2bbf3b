package dev.gantry.store;

/** Retention's statements (docs/retention.md); only {@link RetentionStore} uses them. */
final class RetentionSql {
    private RetentionSql() {
    }

    /** One worker prunes at a time: a session lock held for the run, on the connection that runs it. */
    static final String TRY_LOCK = "SELECT pg_try_advisory_lock(hashtext(:name))";
    static final String UNLOCK = "SELECT pg_advisory_unlock(hashtext(:name))";

    /**
     * The oldest finished jobs of one rule, past its period, not claimed by a more specific rule
     * (the exclusions: queue/kind pairs, null meaning any), at most :limit, through
     * jobs_state_finished_at_idx_where_finished.
     */
    private static final String DOOMED = """
            doomed AS (
                SELECT j.id FROM gantry.jobs j
                 WHERE j.state = :state
                   AND j.finished_at < coalesce(:now::timestamptz, now()) - make_interval(secs => :keep_seconds::double precision)
                   AND (:queue::text IS NULL OR j.queue = :queue::text)
                   AND (:kind::text IS NULL OR j.kind = :kind::text)
                   AND NOT EXISTS (SELECT 1 FROM unnest(:ex_queues::text[], :ex_kinds::text[]) e(q, k)
                                    WHERE (e.q IS NULL OR e.q = j.queue) AND (e.k IS NULL OR e.k = j.kind))
                 ORDER BY j.finished_at
                 LIMIT :limit
                   FOR UPDATE SKIP LOCKED)""";

    static final String DELETE = "WITH " + DOOMED + """

            DELETE FROM gantry.jobs j USING doomed d WHERE j.id = d.id""";

    /**
     * The same, copying each job into gantry.jobs_archive in the same statement, column by name
     * (the archive's columns come in the order migrations added them, archived_at among them).
     */
    static final String DELETE_AND_ARCHIVE = "WITH " + DOOMED + """
            ,
            deleted AS (DELETE FROM gantry.jobs j USING doomed d WHERE j.id = d.id RETURNING j.*)
            INSERT INTO gantry.jobs_archive
            SELECT (jsonb_populate_record(NULL::gantry.jobs_archive,
                        to_jsonb(deleted) || jsonb_build_object('archived_at', coalesce(:now::timestamptz, now())))).*
              FROM deleted""";
}
