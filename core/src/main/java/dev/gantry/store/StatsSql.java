package dev.gantry.store;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The statistics queries: job counts from {@code gantry.jobs}, windows and per-minute series
 * from the rollups {@code gantry.job_stats} (per minute and shard, written by the jobs update
 * trigger, V004) and {@code gantry.job_stats_hourly} (older minutes, compacted). Only
 * {@link StatsStore} uses them.
 */
final class StatsSql {
    private StatsSql() {
    }

    /** The counter columns the two rollup tables share. */
    private static final String COUNTERS = """
            claimed, completed, failed, discarded, cancelled, wait_ms_sum, wait_ms_max, run_count, run_ms_sum, run_ms_max,
            wait_h0, wait_h1, wait_h2, wait_h3, wait_h4, wait_h5, wait_h6, wait_h7, wait_h8, wait_h9, wait_h10, wait_h11,
            run_h0, run_h1, run_h2, run_h3, run_h4, run_h5, run_h6, run_h7, run_h8, run_h9, run_h10, run_h11""";

    /** The sums of rollup rows s, with the two histograms as arrays (h0 to h11). */
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
     * Jobs per queue and state: a full scan, too slow for every call on a big table, so
     * StatsReader caches it. Always one row at least (queue null on an empty table), for the time.
     */
    static final String COUNT_BY_QUEUE_AND_STATE = """
            SELECT t.now, c.queue, c.state, c.jobs
              FROM (SELECT coalesce(:now::timestamptz, now()) AS now) t
              LEFT JOIN (SELECT j.queue, j.state, count(*) AS jobs FROM gantry.jobs j GROUP BY j.queue, j.state) c ON true""";

    /**
     * Set in the count's transaction: a parallel scan would finish sooner but take every core
     * while it runs; serial, one count costs at most one core for its duration, which
     * RefreshPolicy spreads out to a small share.
     */
    static final String COUNT_SETTINGS = "SET LOCAL max_parallel_workers_per_gather = 0";

    /** Keeps a count for the next process that starts (V008); an older count never replaces a newer one. */
    static final String KEEP_COUNTS = """
            INSERT INTO gantry.kept_job_counts AS k (id, counted_at, took_ms, counts)
            VALUES (true, :counted_at, :took_ms, :counts::jsonb)
            ON CONFLICT (id) DO UPDATE SET counted_at = excluded.counted_at, took_ms = excluded.took_ms,
                                           counts = excluded.counts
             WHERE k.counted_at < excluded.counted_at""";

    /** The kept count, if it was made between :since and :until. */
    static final String KEPT_COUNTS = """
            SELECT counted_at, took_ms, counts::text AS counts FROM gantry.kept_job_counts
             WHERE counted_at BETWEEN :since AND :until""";

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

    /** The counter columns summed (maxima taken) over rollup rows r, under their own names. */
    private static final String SEGMENT_SUMS = Arrays.stream(COUNTERS.split(","))
            .map(String::strip)
            .map(c -> (c.endsWith("_max") ? "max(r." : "sum(r.") + c + ") AS " + c)
            .collect(Collectors.joining(", "));

    /**
     * Per window (:windows_s, in seconds) and queue: the sums of the rollup rows from the start of
     * the window up to now. A window up to two hours starts at the minute holding now - window and
     * reads minute rows; a longer one starts at the hour holding now - window, so that compacted
     * hours are wholly in or out. Every window yields at least one row, with a null queue when
     * nothing happened in it, which carries its start.
     *
     * <p>The windows nest, so each rollup row is summed once, into the segment between two
     * consecutive window starts it falls in (width_bucket over the starts), and a window adds up
     * its segments: a third of the time of summing every row once per window containing it (8
     * against 18 ms on the benchmark's week of rollups, docs/benchmarks.md).
     */
    static final String WINDOWS = """
            WITH t AS (SELECT coalesce(:now::timestamptz, now()) AS now),
            w0 AS (
                SELECT x.seconds, t.now,
                       date_bin(CASE WHEN x.seconds <= 7200 THEN interval '1 minute' ELSE interval '1 hour' END,
                                t.now - x.seconds * interval '1 second', timestamptz '2000-01-01 00:00:00+00') AS start
                  FROM t, unnest(:windows_s::int[]) AS x(seconds)),
            -- j: the window's start among the distinct starts, earliest first
            w AS (SELECT w0.*, dense_rank() OVER (ORDER BY w0.start) AS j FROM w0),
            b AS (SELECT array_agg(DISTINCT w.start ORDER BY w.start) AS starts FROM w),
            r AS (
            """ + "    SELECT bucket, queue, " + COUNTERS + " FROM gantry.job_stats\n"
                + "    UNION ALL\n"
                + "    SELECT bucket, queue, " + COUNTERS + " FROM gantry.job_stats_hourly),\n" + """
            -- k: the latest start at or before the row's bucket; the row is in windows j <= k
            seg AS (
                SELECT width_bucket(r.bucket, b.starts) AS k, r.queue,
            """ + "           " + SEGMENT_SUMS + "\n" + """
                  FROM r, b, t
                 WHERE r.bucket >= b.starts[1] AND r.bucket <= t.now
                 GROUP BY 1, 2)
            SELECT w.seconds AS window_s, s.queue, min(w.now) AS now, min(w.start) AS start,
            """ + SUMS + """

              FROM w
              LEFT JOIN seg s ON s.k >= w.j
             GROUP BY w.seconds, s.queue""";

    /** Per minute of the last :minutes (the current one included) and queue; minutes without rows are absent. */
    static final String MINUTES = """
            WITH t AS (SELECT coalesce(:now::timestamptz, now()) AS now)
            SELECT s.bucket, s.queue,
            """ + SUMS + """

              FROM gantry.job_stats s, t
             WHERE s.bucket > date_bin('1 minute', t.now, timestamptz '2000-01-01 00:00:00+00') - :minutes * interval '1 minute'
               AND s.bucket <= t.now
             GROUP BY s.bucket, s.queue""";

    /**
     * Moves up to :limit minute rows of hours that ended two hours ago or earlier into
     * job_stats_hourly, adding to what is there. Concurrent runs cannot count a row twice: the
     * DELETE locks it, and a second run finds it gone. Triggers write only recent minutes, so they
     * do not meet these rows; a late write to a compacted minute makes a new row, compacted later.
     */
    static final String COMPACT = """
            WITH moved AS (
                DELETE FROM gantry.job_stats
                 WHERE (bucket, queue, shard) IN (
                        SELECT bucket, queue, shard FROM gantry.job_stats
                         WHERE bucket < date_bin('1 hour', coalesce(:now::timestamptz, now()), timestamptz '2000-01-01 00:00:00+00')
                                        - interval '2 hours'
                         ORDER BY bucket, queue, shard
                         LIMIT :limit)
                RETURNING *),
            hours AS (
                INSERT INTO gantry.job_stats_hourly AS h (bucket, queue,
            """ + COUNTERS + ")\n" + """
                SELECT date_bin('1 hour', s.bucket, timestamptz '2000-01-01 00:00:00+00'), s.queue,
                       sum(s.claimed), sum(s.completed), sum(s.failed), sum(s.discarded), sum(s.cancelled),
                       sum(s.wait_ms_sum), max(s.wait_ms_max), sum(s.run_count), sum(s.run_ms_sum), max(s.run_ms_max),
                       sum(s.wait_h0), sum(s.wait_h1), sum(s.wait_h2), sum(s.wait_h3), sum(s.wait_h4), sum(s.wait_h5),
                       sum(s.wait_h6), sum(s.wait_h7), sum(s.wait_h8), sum(s.wait_h9), sum(s.wait_h10), sum(s.wait_h11),
                       sum(s.run_h0), sum(s.run_h1), sum(s.run_h2), sum(s.run_h3), sum(s.run_h4), sum(s.run_h5),
                       sum(s.run_h6), sum(s.run_h7), sum(s.run_h8), sum(s.run_h9), sum(s.run_h10), sum(s.run_h11)
                  FROM moved s
                 GROUP BY 1, 2
                 ORDER BY 1, 2
                ON CONFLICT (bucket, queue) DO UPDATE SET
                       claimed = h.claimed + excluded.claimed, completed = h.completed + excluded.completed,
                       failed = h.failed + excluded.failed, discarded = h.discarded + excluded.discarded,
                       cancelled = h.cancelled + excluded.cancelled,
                       wait_ms_sum = h.wait_ms_sum + excluded.wait_ms_sum,
                       wait_ms_max = greatest(h.wait_ms_max, excluded.wait_ms_max),
                       run_count = h.run_count + excluded.run_count, run_ms_sum = h.run_ms_sum + excluded.run_ms_sum,
                       run_ms_max = greatest(h.run_ms_max, excluded.run_ms_max),
                       wait_h0 = h.wait_h0 + excluded.wait_h0, wait_h1 = h.wait_h1 + excluded.wait_h1,
                       wait_h2 = h.wait_h2 + excluded.wait_h2, wait_h3 = h.wait_h3 + excluded.wait_h3,
                       wait_h4 = h.wait_h4 + excluded.wait_h4, wait_h5 = h.wait_h5 + excluded.wait_h5,
                       wait_h6 = h.wait_h6 + excluded.wait_h6, wait_h7 = h.wait_h7 + excluded.wait_h7,
                       wait_h8 = h.wait_h8 + excluded.wait_h8, wait_h9 = h.wait_h9 + excluded.wait_h9,
                       wait_h10 = h.wait_h10 + excluded.wait_h10, wait_h11 = h.wait_h11 + excluded.wait_h11,
                       run_h0 = h.run_h0 + excluded.run_h0, run_h1 = h.run_h1 + excluded.run_h1,
                       run_h2 = h.run_h2 + excluded.run_h2, run_h3 = h.run_h3 + excluded.run_h3,
                       run_h4 = h.run_h4 + excluded.run_h4, run_h5 = h.run_h5 + excluded.run_h5,
                       run_h6 = h.run_h6 + excluded.run_h6, run_h7 = h.run_h7 + excluded.run_h7,
                       run_h8 = h.run_h8 + excluded.run_h8, run_h9 = h.run_h9 + excluded.run_h9,
                       run_h10 = h.run_h10 + excluded.run_h10, run_h11 = h.run_h11 + excluded.run_h11)
            SELECT count(*) FROM moved""";

    /** Deletes minutes older than the retention (only there when it is under two hours, else compacted). */
    static final String PRUNE_MINUTES = """
            DELETE FROM gantry.job_stats
             WHERE bucket < coalesce(:now::timestamptz, now()) - :retention_ms * interval '1 millisecond'""";

    /** Deletes compacted hours older than the retention (the primary key leads with bucket). */
    static final String PRUNE_HOURS = """
            DELETE FROM gantry.job_stats_hourly
             WHERE bucket < coalesce(:now::timestamptz, now()) - :retention_ms * interval '1 millisecond'""";
}
