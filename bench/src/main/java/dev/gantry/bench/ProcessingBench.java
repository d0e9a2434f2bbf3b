package dev.gantry.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;

/**
 * W2: pre-enqueued no-op jobs drained by real worker processes. The workers start first and are
 * stopped through the control plane, the jobs are enqueued, and the clock runs from the
 * {@code start} command until no job is available or running, so JVM start-up is not counted.
 */
final class ProcessingBench {
    private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(10);

    private final BenchDatabase db;

    ProcessingBench(BenchDatabase db) {
        this.db = db;
    }

    /**
     * One run. With {@code logEvery > 0} every {@code logEvery}-th job logs one INFO line, which the
     * workers ship to worker_logs.
     */
    Result run(int jobs, int processes, int concurrency, int logEvery) throws Exception {
        db.reset();
        return runOnTable(jobs, processes, concurrency, logEvery, Map.of(), () -> { });
    }

    /** What runs just before the clock starts (after the jobs are enqueued). */
    interface BeforeStart {
        void run() throws Exception;
    }

    /**
     * One run on the table as it is (no reset), the workers with {@code extra} settings too, and
     * {@code beforeStart} run just before the start command.
     */
    Result runOnTable(int jobs, int processes, int concurrency, int logEvery, Map<String, String> extra,
                      BeforeStart beforeStart) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("GANTRY_QUEUES", "default:" + concurrency, "LOG_LEVEL", "INFO"));
        settings.putAll(extra);
        try (WorkerProcesses workers = WorkerProcesses.start(db, processes, settings)) {
            workers.command("stop");
            workers.awaitStatus("stopped", processes, Duration.ofSeconds(30));
            db.enqueueNoops(jobs, logEvery);
            beforeStart.run();
            CpuMeter cpu = CpuMeter.start(workers.pids());
            long start = System.nanoTime();
            workers.command("start");
            awaitDrained(jobs, start);
            double seconds = (System.nanoTime() - start) / 1e9;
            long completed = db.queryLong("SELECT count(*) FROM " + db.schema + ".jobs WHERE state = 'completed' AND queue = 'default'");
            if (completed != jobs) throw new IllegalStateException("w2 completed " + completed + " of " + jobs);
            Result r = Result.of("w2").with("jobs_per_s", jobs / seconds).with("concurrency", concurrency)
                    .with("processes", processes).with("jobs", jobs).with("peak_rss_mb", workers.peakRssMb());
            cpu.report(r, jobs);
            if (logEvery > 0) {
                int lines = jobs / logEvery;
                r.with("log_lines_per_s", lines / seconds).with("log_lines_shipped", awaitShipped(lines));
            }
            Progress.line(String.format("w2 processes=%d concurrency=%d%s: %,.0f jobs/s", processes, concurrency,
                    logEvery > 0 ? " with log shipping" : "", r.number("jobs_per_s")));
            return r;
        }
    }

    /**
     * Polls every 10 ms whether a job is left, on one connection and through the two partial
     * indexes that hold the available and the running jobs: a new connection or a scan of the
     * whole table each time would cost PostgreSQL more CPU than the workers' own statements and
     * be counted as theirs.
     */
    private void awaitDrained(int jobs, long start) throws Exception {
        long lastReport = start;
        String left = "SELECT (EXISTS (SELECT 1 FROM " + db.schema + ".jobs WHERE state = 'available' AND queue = 'default')"
                + " OR EXISTS (SELECT 1 FROM " + db.schema + ".jobs WHERE lease_expires_at IS NOT NULL))::int";
        String done = "SELECT coalesce(sum(completed), 0)::bigint FROM " + db.schema + ".job_stats";
        try (Connection c = db.connect(); PreparedStatement poll = c.prepareStatement(left);
             PreparedStatement count = c.prepareStatement(done)) {
            while (firstLong(poll) == 1) {
                long now = System.nanoTime();
                if (now - start > DRAIN_TIMEOUT.toNanos()) throw new IllegalStateException("w2 did not drain in " + DRAIN_TIMEOUT);
                if (now - lastReport > 2_000_000_000L) {
                    Progress.line(String.format("  %,d of %,d jobs done", firstLong(count), jobs));
                    lastReport = now;
                }
                Thread.sleep(10);
            }
        }
    }

    private static long firstLong(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Log lines are shipped in batches after the jobs finish; give the shippers a moment. */
    private long awaitShipped(int lines) throws Exception {
        String sql = "SELECT count(*) FROM " + db.schema + ".worker_logs WHERE message = 'bench line'";
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long shipped;
        while ((shipped = db.queryLong(sql)) < lines && System.nanoTime() < deadline) Thread.sleep(100);
        return shipped;
    }
}
