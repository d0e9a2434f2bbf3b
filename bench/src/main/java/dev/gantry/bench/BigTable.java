package dev.gantry.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

import dev.gantry.config.SchemaName;

/**
 * Fills a migrated Gantry schema with a big, realistic job table and a week of statistics, fast
 * (generated in SQL, no round trip per job), for measuring reads at scale: the stats workload here,
 * and HTTP-level timing through the server.
 *
 * <p>The mix, over {@code jobs} rows created over the last 7 days (ids in creation order): the
 * newest 3 % are mostly unfinished (available 35 %, scheduled 20 %, retryable 15 %, running 2 %,
 * pending 1 %, completed the rest); the others are completed (93.5 %), discarded (4 %) or
 * cancelled (2 %), or retryable, spread evenly over the week. Eight queues of different sizes
 * (default 40 %, mail 20 %, webhooks 15 %, reports 10 %, billing 5 %, media 5 %, search 3 %,
 * low 2 %), two or three kinds each. Args hold a user id, an e-mail address and a request id;
 * failed attempts leave error entries with a message, a class and a short trace; 30 % of jobs
 * carry a tenant tag, 3 % also "vip"; 5 % have a unique key. The statistics rollup gets 7 days as
 * the compactor leaves them: minute rows (3 shards per queue) for the last two to three hours,
 * hourly rows before.
 */
public final class BigTable {
    /** The queues of the mix, largest first. */
    public static final String[] QUEUES = {"default", "mail", "webhooks", "reports", "billing", "media", "search", "low"};
    private static final int CHUNK = 100_000;

    private BigTable() {
    }

    /**
     * Loads {@code jobs} jobs and a week of statistics into {@code schema} (already migrated, tables
     * may be empty or not), then VACUUM ANALYZE. The insert runs with the schema's job triggers
     * disabled (inside its transaction, so no other session sees them off): a million insert
     * events would only flood the notify queue. {@code conn} must be in autocommit mode, which is
     * how it is left.
     *
     * @param progress told one line per chunk of 100,000 jobs
     */
    public static void load(Connection conn, String schema, int jobs, Consumer<String> progress) throws SQLException {
        String s = new SchemaName(schema).value();
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            st.execute("ALTER TABLE " + s + ".jobs DISABLE TRIGGER USER");
            st.execute("SELECT setseed(0.42)");
            try (PreparedStatement ps = conn.prepareStatement(jobsSql(s))) {
                for (int from = 1; from <= jobs; from += CHUNK) {
                    ps.setInt(1, from);
                    ps.setInt(2, Math.min(jobs, from + CHUNK - 1));
                    ps.setInt(3, jobs);
                    ps.executeUpdate();
                    progress.accept(String.format("loaded %,d of %,d jobs", Math.min(jobs, from + CHUNK - 1), jobs));
                }
            }
            st.execute("ALTER TABLE " + s + ".jobs ENABLE TRIGGER USER");
            st.execute(statsSql(s));
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
        try (Statement st = conn.createStatement()) {
            st.execute("VACUUM ANALYZE " + s + ".jobs");
            st.execute("VACUUM ANALYZE " + s + ".job_stats");
            st.execute("VACUUM ANALYZE " + s + ".job_stats_hourly");
        }
        progress.accept("vacuumed and analyzed");
    }

    /** Jobs lo to hi of total, the parameters (the position decides the creation time and how likely a job is finished). */
    private static String jobsSql(String s) {
        return """
                INSERT INTO %1$s.jobs (queue, kind, args, state, priority, attempt, max_attempts, run_at, created_at,
                                      attempted_at, finished_at, worker_id, lease_expires_at, errors, result, unique_key, tags)
                SELECT q.queue, q.kinds[1 + floor(x.r_kind * array_length(q.kinds, 1))::int],
                       jsonb_build_object('user_id', (x.r_user * 1000000)::int,
                                          'email', 'user' || (x.r_user * 1000000)::int || '@example.com',
                                          'request_id', md5(x.g::text)),
                       st.state, CASE WHEN x.r_prio < 0.1 THEN 1 + floor(x.r_prio * 30)::int ELSE 0 END,
                       a.attempt, 5,
                       CASE st.state WHEN 'scheduled' THEN now() + x.r_time * interval '1 day'
                                     WHEN 'retryable' THEN now() + x.r_time * interval '1 hour'
                                     ELSE x.created END,
                       x.created,
                       CASE WHEN a.attempt > 0 THEN x.created + x.r_wait * interval '2 seconds' END,
                       CASE WHEN st.state IN ('completed', 'discarded', 'cancelled')
                            THEN x.created + x.r_wait * interval '2 seconds' + x.r_run * interval '5 seconds' END,
                       CASE WHEN st.state = 'running' THEN 'bench-worker-' || (x.g %% 4) END,
                       CASE WHEN st.state = 'running' THEN now() + interval '30 seconds' END,
                       coalesce((SELECT jsonb_agg(jsonb_build_object(
                                    'attempt', e.n, 'at', x.created + e.n * interval '1 minute',
                                    'error', CASE WHEN x.r_err < 0.5 THEN 'connection reset by peer: api-' || (x.g %% 97) || '.example.com'
                                                  ELSE 'HTTP 503 from https://hooks.example.com/' || (x.g %% 1009) END,
                                    'class', CASE WHEN x.r_err < 0.5 THEN 'java.net.SocketException' ELSE 'dev.example.HttpError' END,
                                    'trace', 'at dev.example.Client.call(Client.java:' || (100 + e.n) || ')\n\tat dev.example.Handler.handle(Handler.java:42)\n\tat dev.gantry.worker.JobExecutor.run(JobExecutor.java:88)',
                                    'worker_id', 'bench-worker-' || (x.g %% 4)) ORDER BY e.n)
                                   FROM generate_series(1, a.failures) AS e(n)), '[]'::jsonb),
                       CASE WHEN st.state = 'completed' THEN jsonb_build_object('ok', true, 'ms', (x.r_run * 5000)::int) END,
                       CASE WHEN x.r_key < 0.05 THEN 'order-' || x.g END,
                       CASE WHEN x.r_tag < 0.03 THEN ARRAY['tenant:' || (x.r_user * 500)::int, 'vip']
                            WHEN x.r_tag < 0.30 THEN ARRAY['tenant:' || (x.r_user * 500)::int]
                            ELSE '{}'::text[] END
                  FROM (SELECT g, random() AS r_state, random() AS r_queue, random() AS r_kind, random() AS r_user,
                               random() AS r_prio, random() AS r_time, random() AS r_wait, random() AS r_run,
                               random() AS r_err, random() AS r_key, random() AS r_tag, random() AS r_retry,
                               now() - interval '7 days' * (1 - g::float8 / p.total) AS created,
                               g > 0.97 * p.total AS recent
                          FROM (SELECT ?::int AS lo, ?::int AS hi, ?::int AS total) p,
                               generate_series(p.lo, p.hi) AS g) x
                  CROSS JOIN LATERAL (SELECT CASE
                            WHEN x.recent THEN CASE WHEN x.r_state < 0.35 THEN 'available' WHEN x.r_state < 0.55 THEN 'scheduled'
                                                    WHEN x.r_state < 0.70 THEN 'retryable' WHEN x.r_state < 0.72 THEN 'running'
                                                    WHEN x.r_state < 0.73 THEN 'pending' ELSE 'completed' END
                            ELSE CASE WHEN x.r_state < 0.935 THEN 'completed' WHEN x.r_state < 0.975 THEN 'discarded'
                                      WHEN x.r_state < 0.995 THEN 'cancelled' ELSE 'retryable' END
                            END AS state) st
                  CROSS JOIN LATERAL (SELECT CASE WHEN x.r_queue < 0.40 THEN 'default' WHEN x.r_queue < 0.60 THEN 'mail'
                                                  WHEN x.r_queue < 0.75 THEN 'webhooks' WHEN x.r_queue < 0.85 THEN 'reports'
                                                  WHEN x.r_queue < 0.90 THEN 'billing' WHEN x.r_queue < 0.95 THEN 'media'
                                                  WHEN x.r_queue < 0.98 THEN 'search' ELSE 'low' END AS queue) qn
                  CROSS JOIN LATERAL (SELECT qn.queue, CASE qn.queue
                            WHEN 'default' THEN ARRAY['account.sync', 'cache.warm', 'cleanup.sweep']
                            WHEN 'mail' THEN ARRAY['mail.send', 'mail.digest']
                            WHEN 'webhooks' THEN ARRAY['webhook.deliver', 'webhook.retry']
                            WHEN 'reports' THEN ARRAY['report.build', 'report.export']
                            WHEN 'billing' THEN ARRAY['billing.charge', 'billing.invoice']
                            WHEN 'media' THEN ARRAY['media.transcode', 'media.thumbnail']
                            WHEN 'search' THEN ARRAY['search.index', 'search.reindex']
                            ELSE ARRAY['low.batch', 'low.audit', 'low.archive'] END AS kinds) q
                  CROSS JOIN LATERAL (SELECT CASE st.state
                            WHEN 'discarded' THEN 5 WHEN 'retryable' THEN 1 + floor(x.r_retry * 3)::int
                            WHEN 'completed' THEN CASE WHEN x.r_retry < 0.05 THEN 2 ELSE 1 END
                            WHEN 'running' THEN 1 WHEN 'cancelled' THEN CASE WHEN x.r_retry < 0.5 THEN 1 ELSE 0 END
                            ELSE 0 END AS attempt) a0
                  CROSS JOIN LATERAL (SELECT a0.attempt, CASE st.state WHEN 'discarded' THEN 5 WHEN 'retryable' THEN a0.attempt
                                                                 WHEN 'completed' THEN a0.attempt - 1 ELSE 0 END AS failures) a
                """.formatted(s);
    }

    /**
     * A week of statistics as the compactor leaves it: minute rows per queue and shard (3 shards)
     * from two hours before the current hour, hourly rows before that, sized like the job mix.
     */
    private static String statsSql(String s) {
        return """
                WITH t AS (SELECT date_bin('1 hour', now(), timestamptz '2000-01-01 00:00:00+00') - interval '2 hours' AS recent),
                minutes AS (
                    INSERT INTO %1$s.job_stats (bucket, queue, shard, claimed, completed, failed, discarded, cancelled,
                                               wait_ms_sum, wait_ms_max, run_count, run_ms_sum, run_ms_max,
                                               wait_h0, wait_h2, wait_h4, wait_h6, run_h3, run_h5, run_h7, run_h9)
                    SELECT m.bucket, q.queue, sh.shard, v.n, v.n - v.f - v.d, v.f, v.d, 0,
                           v.n * 120.0, 2500, v.n, v.n * 900.0, 9000,
                           v.n - 3 * (v.n / 4), v.n / 4, v.n / 4, v.n / 4, v.n / 2, v.n / 4, v.n / 8, v.n - v.n / 2 - v.n / 4 - v.n / 8
                      FROM t, generate_series(t.recent, now(), interval '1 minute') AS m(bucket)
                      CROSS JOIN (VALUES ('default', 40), ('mail', 20), ('webhooks', 15), ('reports', 10), ('billing', 5),
                                         ('media', 5), ('search', 3), ('low', 2)) AS q(queue, weight)
                      CROSS JOIN generate_series(0, 2) AS sh(shard)
                      CROSS JOIN LATERAL (SELECT n, n / 20 AS f, n / 25 AS d
                                            FROM (SELECT (q.weight * (1 + random()))::bigint AS n) r) v
                    ON CONFLICT (bucket, queue, shard) DO NOTHING)
                INSERT INTO %1$s.job_stats_hourly (bucket, queue, claimed, completed, failed, discarded, cancelled,
                                                  wait_ms_sum, wait_ms_max, run_count, run_ms_sum, run_ms_max,
                                                  wait_h0, wait_h2, wait_h4, wait_h6, run_h3, run_h5, run_h7, run_h9)
                SELECT h.bucket, q.queue, v.n, v.n - v.f - v.d, v.f, v.d, 0,
                       v.n * 120.0, 2500, v.n, v.n * 900.0, 9000,
                       v.n - 3 * (v.n / 4), v.n / 4, v.n / 4, v.n / 4, v.n / 2, v.n / 4, v.n / 8, v.n - v.n / 2 - v.n / 4 - v.n / 8
                  FROM t, generate_series(t.recent - interval '7 days', t.recent - interval '1 hour', interval '1 hour') AS h(bucket)
                  CROSS JOIN (VALUES ('default', 40), ('mail', 20), ('webhooks', 15), ('reports', 10), ('billing', 5),
                                     ('media', 5), ('search', 3), ('low', 2)) AS q(queue, weight)
                  CROSS JOIN LATERAL (SELECT n, n / 20 AS f, n / 25 AS d
                                        FROM (SELECT (q.weight * 180 * (1 + random()))::bigint AS n) r) v
                ON CONFLICT (bucket, queue) DO NOTHING
                """.formatted(s);
    }
}
