package dev.gantry.bench;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Retention while the queue works (issue 13): a table holding {@code finished} completed jobs
 * that finished two days ago (queue {@code old}), and W2 at concurrency 64 on it, once with
 * retention off and once with {@code completed=1h}, which deletes them, 1,000 per transaction,
 * from the moment W2 starts (the bench holds the retention lock until then). Reports W2's
 * throughput both ways (same run, same table), how long the deletion took and how much of it
 * fell inside W2.
 */
final class RetentionBench {
    private final BenchDatabase db;

    RetentionBench(BenchDatabase db) {
        this.db = db;
    }

    Result run(int finished, int jobs) throws Exception {
        ProcessingBench w2 = new ProcessingBench(db);
        load(finished);
        Result off = w2.runOnTable(jobs, 1, 64, 0, Map.of("GANTRY_RETENTION", "completed=forever,cancelled=forever,discarded=forever"),
                () -> { });
        load(finished);
        // Samples of the old jobs left, every 100 ms, to see when retention deleted them relative to W2.
        List<long[]> samples = new CopyOnWriteArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        long start = System.nanoTime();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (sampling.get()) {
                try {
                    samples.add(new long[] {System.nanoTime(), old()});
                    Thread.sleep(100);
                } catch (Exception e) {
                    return;
                }
            }
        });
        Result on;
        long[] w2StartAt = {0};
        // The workers' retention lock is held here until W2 starts, so the deletion runs during W2, not before.
        try (Connection lock = db.connect(); Statement st = lock.createStatement()) {
            st.execute("SELECT pg_advisory_lock(hashtext('" + db.schema + ".retention'))");
            on = w2.runOnTable(jobs, 1, 64, 0, Map.of("GANTRY_RETENTION", "completed=1h", "GANTRY_RETENTION_INTERVAL_MS", "1000"),
                    () -> {
                        st.execute("SELECT pg_advisory_unlock(hashtext('" + db.schema + ".retention'))");
                        w2StartAt[0] = System.nanoTime();
                    });
        } finally {
            sampling.set(false);
            sampler.join();
        }
        long w2Start = w2StartAt[0];
        long w2End = w2Start + (long) (jobs / on.number("jobs_per_s") * 1e9);
        long firstDelete = -1;
        long allDeleted = -1;
        long atW2Start = finished;
        long atW2End = finished;
        for (long[] sample : samples) {
            if (firstDelete < 0 && sample[1] < finished) firstDelete = sample[0];
            if (allDeleted < 0 && sample[1] == 0) allDeleted = sample[0];
            if (sample[0] <= w2Start) atW2Start = sample[1];
            if (sample[0] <= w2End) atW2End = sample[1];
        }
        if (allDeleted < 0) {
            while (old() > 0) Thread.sleep(100);   // cannot happen once the workers stopped, unless they were killed mid-run
            allDeleted = System.nanoTime();
        }
        double deleteSeconds = firstDelete < 0 ? 0 : (allDeleted - firstDelete) / 1e9;
        Result r = Result.of("retention").with("jobs_per_s", on.number("jobs_per_s"))
                .with("w2_without_retention_jobs_per_s", off.number("jobs_per_s"))
                .with("slowdown", 1.0 - on.number("jobs_per_s") / off.number("jobs_per_s"))
                .with("finished_jobs", finished).with("w2_jobs", jobs)
                .with("delete_seconds", deleteSeconds).with("deleted_per_s", deleteSeconds == 0 ? 0 : finished / deleteSeconds)
                .with("deleted_during_w2", atW2Start - atW2End)
                .with("first_delete_s_after_worker_start", firstDelete < 0 ? -1 : (firstDelete - start) / 1e9)
                .with("w2_start_s_after_worker_start", (w2Start - start) / 1e9);
        Progress.line(String.format("retention: W2 %,.0f jobs/s while deleting (%,.0f without); %,d deleted in %.1f s,"
                        + " %,d of them during W2", on.number("jobs_per_s"), off.number("jobs_per_s"), finished, deleteSeconds,
                atW2Start - atW2End));
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
