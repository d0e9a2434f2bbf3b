package dev.gantry.store;

/**
 * The statistics queries: job counts from {@code gantry.jobs}, windows and per-minute series
 * from the rollup {@code gantry.job_stats} (written by the jobs update trigger, V004). Only
 * {@link StatsStore} uses them.
 */
final class StatsSql {
    private StatsSql() {
    }

    /** The sums of job_stats rows, with the two histograms as arrays (h0 to h11). */
    private static final String SUMS = """
            coalesce(sum(s.claimed), 0) AS claimed, coalesce(sum(s.completed), 0) AS completed,
            coalesce(sum(s.failed), 0) AS failed, coalesce(sum(s.discarded), 0) AS discarded,
            coalesce(sum(s.cancelled), 0) AS cancelled,
            coalesce(sum(s.wait_ms_sum), 0) AS wait_ms_sum, coalesce(max(s.wait_ms_max), 0) AS wait_ms_max,
            coalesce(sum(s.run_count), 0) AS run_count, coalesce(sum(s.run_ms_sum), 0) AS run_ms_sum,
            coalesce(max(s.run_ms_max), 0) AS run_ms_max,
            ARRAY[coalesce(sum(s.wait_h0), 0), coalesce(sum(s.wait_h1), 0), coalesce(sum(s.wait_h2), 0),
                  coalesce(sum(s.wait_h3), 0), coalesce(sum(s.wait_h4), 0), coalesce(sum(s.wait_h5), 0),
                  coalesce(sum(s.wait_h6), 0), coalesce(sum(s.wait_h7), 0), coalesce(sum(s.wait_h8), 0),
                  coalesce(sum(s.wait_h9), 0), coalesce(sum(s.wait_h10), 0), coalesce(sum(s.wait_h11), 0)]::bigint[] AS wait_h,
            ARRAY[coalesce(sum(s.run_h0), 0), coalesce(sum(s.run_h1), 0), coalesce(sum(s.run_h2), 0),
                  coalesce(sum(s.run_h3), 0), coalesce(sum(s.run_h4), 0), coalesce(sum(s.run_h5), 0),
                  coalesce(sum(s.run_h6), 0), coalesce(sum(s.run_h7), 0), coalesce(sum(s.run_h8), 0),
                  coalesce(sum(s.run_h9), 0), coalesce(sum(s.run_h10), 0), coalesce(sum(s.run_h11), 0)]::bigint[] AS run_h""";

    /**
     * Jobs per queue and state: a full scan, too slow to run on every call on a big table, so
     * StatsReader caches it. Always one row at least (queue null on an empty table), for the time.
     */
    static final String COUNT_BY_QUEUE_AND_STATE = """
            SELECT t.now, c.queue, c.state, c.jobs
              FROM (SELECT coalesce(:now::timestamptz, now()) AS now) t
              LEFT JOIN (SELECT j.queue, j.state, count(*) AS jobs FROM gantry.jobs j GROUP BY j.queue, j.state) c ON true""";

    /**
     * The oldest available job of each queue, by a skip scan of the claim index: one index probe
     * per (queue, priority), the first row of each such group being its oldest (the index is
     * ordered by queue, priority, run_at). Cheap however many jobs are available.
     */
    static final String OLDEST_AVAILABLE = """
            WITH RECURSIVE heads AS (
                (SELECT j.queue, j.priority, j.run_at
                   FROM gantry.jobs j
                  WHERE j.state = 'available'
                  ORDER BY j.queue, j.priority, j.run_at, j.id
                  LIMIT 1)
                UNION ALL
                SELECT n.queue, n.priority, n.run_at
                  FROM heads h,
                       LATERAL (SELECT j.queue, j.priority, j.run_at
                                  FROM gantry.jobs j
                                 WHERE j.state = 'available' AND (j.queue, j.priority) > (h.queue, h.priority)
                                 ORDER BY j.queue, j.priority, j.run_at, j.id
                                 LIMIT 1) n)
            SELECT h.queue,
                   greatest(0, date_part('epoch', coalesce(:now::timestamptz, now()) - min(h.run_at))) AS oldest_available_s
              FROM heads h
             GROUP BY h.queue""";

    /**
     * Per window (:windows_s, in seconds) and queue, plus per window over all queues
     * (overall = true): the sums of the minute buckets from the one holding now - window up to
     * now. Every window yields an overall row, zero when nothing happened, which carries the time.
     */
    static final String WINDOWS = """
            WITH w AS (
                SELECT x.seconds, t.now,
                       date_bin('1 minute', t.now - x.seconds * interval '1 second', timestamptz '2000-01-01 00:00:00+00') AS start
                  FROM (SELECT coalesce(:now::timestamptz, now()) AS now) t,
                       unnest(:windows_s::int[]) AS x(seconds))
            SELECT w.seconds AS window_s, s.queue, grouping(s.queue) = 1 AS overall, min(w.now) AS now, min(w.start) AS start,
            """ + SUMS + """

              FROM w
              LEFT JOIN gantry.job_stats s ON s.bucket >= w.start AND s.bucket <= w.now
             GROUP BY GROUPING SETS ((w.seconds, s.queue), (w.seconds))""";

    /**
     * Per minute of the last :minutes (the current one included) and queue, plus per minute over
     * all queues (overall = true). Minutes without any row are absent; the reader fills them.
     */
    static final String MINUTES = """
            WITH t AS (SELECT coalesce(:now::timestamptz, now()) AS now)
            SELECT s.bucket, s.queue, grouping(s.queue) = 1 AS overall,
            """ + SUMS + """

              FROM gantry.job_stats s, t
             WHERE s.bucket > date_bin('1 minute', t.now, timestamptz '2000-01-01 00:00:00+00') - :minutes * interval '1 minute'
               AND s.bucket <= t.now
             GROUP BY GROUPING SETS ((s.bucket, s.queue), (s.bucket))""";

    /** Deletes rollup rows older than the retention; the primary key leads with bucket. */
    static final String PRUNE = """
            DELETE FROM gantry.job_stats
             WHERE bucket < coalesce(:now::timestamptz, now()) - :retention_ms * interval '1 millisecond'""";
}
