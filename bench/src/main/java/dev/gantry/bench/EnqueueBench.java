package dev.gantry.bench;

import java.util.ArrayList;
import java.util.List;

import dev.gantry.client.GantryClient;
import dev.gantry.client.JobRequest;

/** W1: enqueue through the Java client, one job per call from one producer, and in batches. */
final class EnqueueBench {
    private final BenchDatabase db;

    EnqueueBench(BenchDatabase db) {
        this.db = db;
    }

    Result single(int jobs) throws Exception {
        db.reset();
        GantryClient client = db.client();
        for (int i = 0; i < Math.min(500, jobs); i++) client.enqueue(BenchDatabase.NOOP, BenchDatabase.NOOP_ARGS);
        db.reset();
        long[] latencies = new long[jobs];
        long start = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            long t = System.nanoTime();
            client.enqueue(BenchDatabase.NOOP, BenchDatabase.NOOP_ARGS);
            latencies[i] = System.nanoTime() - t;
        }
        double perSecond = jobs / ((System.nanoTime() - start) / 1e9);
        checkCount(jobs);
        Latencies l = Latencies.of(latencies);
        Progress.line(String.format("w1_single: %,.0f jobs/s", perSecond));
        return Result.of("w1_single").with("jobs_per_s", perSecond).with("call_p50_ms", l.p50())
                .with("call_p99_ms", l.p99()).with("producers", 1).with("jobs", jobs);
    }

    Result bulk(int jobs, int batchSize) throws Exception {
        db.reset();
        GantryClient client = db.client();
        List<List<JobRequest>> batches = new ArrayList<>();
        for (int i = 0; i < jobs; i += batchSize) {
            List<JobRequest> batch = new ArrayList<>(batchSize);
            for (int j = i; j < Math.min(jobs, i + batchSize); j++) {
                batch.add(JobRequest.of(BenchDatabase.NOOP, BenchDatabase.NOOP_ARGS));
            }
            batches.add(batch);
        }
        client.enqueueMany(batches.getFirst());
        db.reset();
        long start = System.nanoTime();
        for (List<JobRequest> batch : batches) client.enqueueMany(batch);
        double perSecond = jobs / ((System.nanoTime() - start) / 1e9);
        checkCount(jobs);
        Progress.line(String.format("w1_bulk batch=%d: %,.0f jobs/s", batchSize, perSecond));
        return Result.of("w1_bulk").with("jobs_per_s", perSecond).with("batch", batchSize)
                .with("producers", 1).with("jobs", jobs);
    }

    private void checkCount(int jobs) throws Exception {
        long n = db.queryLong("SELECT count(*) FROM " + db.schema + ".jobs");
        if (n != jobs) throw new IllegalStateException("enqueued " + n + " jobs, expected " + jobs);
    }
}
