package dev.gantry.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import dev.gantry.job.Job;

/**
 * W3: pickup latency of one job at a time into an idle worker process, from the enqueue
 * transaction's time to the claim's, both read off the database clock. Enqueues are spread over
 * random moments so polling-only runs sample every phase of the poll cycle.
 */
final class PickupBench {
    private final BenchDatabase db;

    PickupBench(BenchDatabase db) {
        this.db = db;
    }

    Result run(boolean listen, int samples, Duration pollInterval) throws Exception {
        db.reset();
        Map<String, String> settings = Map.of("GANTRY_LISTEN", Boolean.toString(listen),
                "GANTRY_POLL_INTERVAL_MS", Long.toString(pollInterval.toMillis()), "GANTRY_QUEUES", "default:16");
        String workload = listen ? "w3_listen" : "w3_poll";
        try (WorkerProcesses workers = WorkerProcesses.start(db, 1, settings)) {
            Thread.sleep(500);
            long[] pickups = new long[samples];
            for (int i = 0; i < samples; i++) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(5, Math.max(6, pollInterval.toMillis())));
                Job job = db.client().enqueue(BenchDatabase.NOOP, BenchDatabase.NOOP_ARGS);
                try {
                    pickups[i] = awaitPickup(job.id());
                } catch (IllegalStateException e) {
                    throw new IllegalStateException(e.getMessage() + "; worker output kept in " + workers.keepOutputs(), e);
                }
                if ((i + 1) % 50 == 0) Progress.line(String.format("  %s: %d of %d samples", workload, i + 1, samples));
            }
            Latencies l = Latencies.of(pickups);
            Progress.line(String.format("%s: p50 %.1f ms, p99 %.1f ms", workload, l.p50(), l.p99()));
            return Result.of(workload).with("p50_ms", l.p50()).with("p95_ms", l.p95()).with("p99_ms", l.p99())
                    .with("max_ms", l.max()).with("listen", listen).with("poll_interval_ms", pollInterval.toMillis())
                    .with("samples", samples).with("processes", 1);
        }
    }

    /** Nanoseconds from the job's creation to its claim, once the job has been claimed. */
    private long awaitPickup(long id) throws Exception {
        String sql = "SELECT coalesce((extract(epoch FROM attempted_at - created_at) * 1e9)::bigint, -1) FROM "
                + db.schema + ".jobs WHERE id = ?";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (var c = db.connect(); var ps = c.prepareStatement(sql)) {
            ps.setLong(1, id);
            while (System.nanoTime() < deadline) {
                try (var rs = ps.executeQuery()) {
                    if (rs.next() && rs.getLong(1) >= 0) return rs.getLong(1);
                }
                Thread.sleep(2);
            }
        }
        throw new IllegalStateException("job " + id + " was not picked up within 30 s");
    }
}
