package dev.gantry.bench;

import java.util.Map;

/**
 * Retention while the queue works (issue 13): a table holding {@code finished} completed jobs
 * that finished two days ago (queue {@code old}), and W2 at concurrency 64 on it, once with
 * retention off and once with {@code completed=1h}, which deletes them, 1,000 per transaction,
 * while W2 runs. Reports W2's throughput both ways (same run, same table) and how long the
 * deletion took from the workers' start (JVM start included).
 */
final class RetentionBench {
    private final BenchDatabase db;

    RetentionBench(BenchDatabase db) {
        this.db = db;
    }

    Result run(int finished, int jobs) throws Exception {
        ProcessingBench w2 = new ProcessingBench(db);
        load(finished);
        Result off = w2.runOnTable(jobs, 1, 64, 0, Map.of("GANTRY_RETENTION", "completed=forever,cancelled=forever,discarded=forever"));
        load(finished);
        long start = System.nanoTime();
        Result on = w2.runOnTable(jobs, 1, 64, 0, Map.of("GANTRY_RETENTION", "completed=1h", "GANTRY_RETENTION_INTERVAL_MS", "1000"));
        long leftAtEnd = old();
        // the workers are gone: what is left was not deleted during W2
        double deletedShare = 1.0 - (double) leftAtEnd / finished;
        Result r = Result.of("retention").with("jobs_per_s", on.number("jobs_per_s")).with("w2_without_retention_jobs_per_s",
                        off.number("jobs_per_s")).with("slowdown", 1.0 - on.number("jobs_per_s") / off.number("jobs_per_s"))
                .with("finished_jobs", finished).with("deleted_during_w2", finished - leftAtEnd)
                .with("deleted_share", deletedShare).with("w2_jobs", jobs)
                .with("seconds_from_worker_start", (System.nanoTime() - start) / 1e9);
        Progress.line(String.format("retention: W2 %,.0f jobs/s while deleting (%,.0f without); %,d of %,d old jobs deleted by then",
                on.number("jobs_per_s"), off.number("jobs_per_s"), finished - leftAtEnd, finished));
        return r;
    }

    private void load(int finished) throws Exception {
        db.reset();
        Progress.line(String.format("retention: loading %,d completed jobs that finished two days ago", finished));
        db.execute("INSERT INTO " + db.schema + ".jobs (queue, kind, state, attempt, run_at, created_at, attempted_at, finished_at)"
                + " SELECT 'old', '" + BenchDatabase.NOOP + "', 'completed', 1, t, t, t, t"
                + " FROM (SELECT now() - interval '2 days' - i * interval '1 millisecond' AS t FROM generate_series(1, " + finished + ") i) s");
        db.execute("VACUUM ANALYZE " + db.schema + ".jobs");
    }

    private long old() throws Exception {
        return db.queryLong("SELECT count(*) FROM " + db.schema + ".jobs WHERE queue = 'old'");
    }
}
