package dev.gantry.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.gantry.config.WorkerConfig;
import dev.gantry.store.Db;
import dev.gantry.config.SchemaName;
import dev.gantry.store.WorkerStore;
import dev.gantry.time.SystemTimeSource;

/**
 * Registered workers without worker processes: rows in {@code workers} written through
 * {@link WorkerStore} with the queue and configuration JSON a real heartbeat writes, and a
 * heartbeat every 5 s while open so they stay alive. Twenty worker JVMs would take the two cores
 * the measured page shares; what the dashboard reads (the registry, through the API) is the same.
 * Ids are bench-worker-0.., the owners of the running jobs in {@link BigTable}.
 */
final class WorkerRows implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration INTERVAL = WorkerConfig.DEFAULT_HEARTBEAT_INTERVAL;

    private final WorkerStore store;
    private final List<WorkerStore.Beat> beats = new ArrayList<>();
    private final ScheduledExecutorService heart = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "bench-heartbeats");
        t.setDaemon(true);
        return t;
    });

    private WorkerRows(BenchDatabase db) {
        store = new WorkerStore(new Db(db.gantry.dataSource()), new SchemaName(db.schema), SystemTimeSource.INSTANCE);
    }

    /** Registers {@code count} running workers, each on two of the bench's queues, and starts their heartbeats. */
    static WorkerRows register(BenchDatabase db, int count) {
        WorkerRows rows = new WorkerRows(db);
        for (int i = 0; i < count; i++) {
            String[] queues = {BigTable.QUEUES[i % BigTable.QUEUES.length], BigTable.QUEUES[(i + 3) % BigTable.QUEUES.length]};
            int[] concurrency = {16, 4};
            ArrayNode q = JSON.createArrayNode();
            int running = 0;
            for (int k = 0; k < queues.length; k++) {
                int busy = (i * 7 + k * 3) % (concurrency[k] + 1);
                running += busy;
                q.addObject().put("name", queues[k]).put("concurrency", concurrency[k]).put("paused", false)
                        .put("paused_locally", false).put("paused_globally", false).put("running", busy);
            }
            ObjectNode config = JSON.createObjectNode()
                    .put("poll_interval_ms", WorkerConfig.DEFAULT_POLL_INTERVAL.toMillis()).put("listen", true)
                    .put("shutdown_timeout_ms", WorkerConfig.DEFAULT_SHUTDOWN_TIMEOUT.toMillis())
                    .put("lease_ms", WorkerConfig.DEFAULT_LEASE_DURATION.toMillis());
            long processed = 40_000L + 9_973L * i;
            WorkerStore.Beat beat = new WorkerStore.Beat("bench-worker-" + i, "running", q.toString(), processed,
                    processed / 40, running, config.toString(), null);
            rows.store.register(beat, "bench-host-" + (i / 4), 4_000 + i, "bench", INTERVAL, WorkerConfig.DEFAULT_DEAD_TIMEOUT);
            rows.beats.add(beat);
        }
        rows.heart.scheduleAtFixedRate(rows::beat, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return rows;
    }

    private void beat() {
        try {
            for (WorkerStore.Beat b : beats) store.heartbeat(b);
        } catch (RuntimeException e) {
            Progress.line("dashboard: a worker heartbeat failed: " + e.getMessage());
        }
    }

    /** Stops the heartbeats and waits for one in progress, so that none runs after the pool closes. */
    @Override
    public void close() {
        heart.shutdownNow();
        try {
            heart.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
