package dev.gantry.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * Schedules at scale (issue 13): {@code schedules} interval schedules of one minute, all set at
 * once, run by two worker processes' schedulers (their default one-second pass) for a while.
 * Measures the lag from each tick to its job's insert (created_at minus the tick in the job's
 * unique key), p50/p99/max, and the CPU the scheduling costs per tick, in the workers and in
 * PostgreSQL. The jobs go to a queue no worker serves, so the CPU is the scheduler's alone.
 */
final class ScheduleBench {
    private static final String QUEUE = "sched-bench";

    private final BenchDatabase db;

    ScheduleBench(BenchDatabase db) {
        this.db = db;
    }

    Result run(int schedules, Duration runFor) throws Exception {
        db.reset();
        db.execute("TRUNCATE " + db.schema + ".schedules");
        db.execute("SELECT " + db.schema + ".set_schedule('bench-' || i, 'every 1m', '" + BenchDatabase.NOOP
                + "', '{\"seq\": 0}', '" + QUEUE + "') FROM generate_series(1, " + schedules + ") i");
        Progress.line(String.format("schedules: %,d interval schedules of one minute set; running two workers for %d s",
                schedules, runFor.toSeconds()));
        try (WorkerProcesses workers = WorkerProcesses.start(db, 2, Map.of("GANTRY_QUEUES", "default:4"))) {
            CpuMeter cpu = CpuMeter.start(workers.pids());
            long end = System.nanoTime() + runFor.toNanos();
            while (System.nanoTime() < end) {
                Thread.sleep(10_000);
                Progress.line(String.format("schedules: %,d ticks enqueued", ticks()));
            }
            long ticks = ticks();
            long distinct = db.queryLong("SELECT count(DISTINCT unique_key) FROM " + db.schema + ".jobs WHERE queue = ?", QUEUE);
            if (distinct != ticks) throw new IllegalStateException("schedules: " + ticks + " jobs for " + distinct + " ticks");
            Result r = Result.of("schedules").with("schedules", schedules).with("ticks", ticks)
                    .with("seconds", runFor.toSeconds()).with("workers", 2);
            try (Connection c = db.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY lag_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY lag_ms),
                           percentile_cont(0.99) WITHIN GROUP (ORDER BY lag_ms), max(lag_ms)
                      FROM (SELECT extract(epoch FROM created_at - substring(unique_key FROM '@(.*)$')::timestamptz) * 1000 AS lag_ms
                              FROM %s.jobs WHERE queue = '%s') t""".formatted(db.schema, QUEUE))) {
                rs.next();
                r.with("p50_ms", rs.getDouble(1)).with("p95_ms", rs.getDouble(2)).with("p99_ms", rs.getDouble(3))
                        .with("max_ms", rs.getDouble(4));
            }
            cpu.report(r, Math.max(1, ticks));
            Progress.line(String.format("schedules: %,d ticks, lag p50 %.0f ms, p99 %.0f ms", ticks, r.number("p50_ms"),
                    r.number("p99_ms")));
            return r;
        }
    }

    private long ticks() throws Exception {
        return db.queryLong("SELECT count(*) FROM " + db.schema + ".jobs WHERE queue = ?", QUEUE);
    }
}
