package dev.gantry.server.observability;

import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import dev.gantry.control.WorkerState;
import dev.gantry.worker.WorkerRuntime;

/**
 * What /health reports, for a worker process and for the server alike: healthy while the
 * database answers and, when this process runs a worker, heartbeats are being written.
 */
public final class HealthCheck implements AutoCloseable {
    private static final Duration DB_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final DataSource dataSource;
    private final WorkerRuntime runtime;
    private final WorkerState state;
    private final long startedAt = System.currentTimeMillis();
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    /** {@code runtime} and {@code state} are null when the process runs no worker. */
    public HealthCheck(DataSource dataSource, WorkerRuntime runtime, WorkerState state) {
        this.dataSource = dataSource;
        this.runtime = runtime;
        this.state = state;
    }

    /** The outcome: HTTP 200 or 503, and the JSON body. */
    public record Report(boolean healthy, Map<String, Object> body) {
        public int status() {
            return healthy ? 200 : 503;
        }
    }

    public Report check() {
        Map<String, Object> body = new LinkedHashMap<>();
        String reason = databaseProblem();
        Duration sinceBeat = null;
        if (runtime != null) {
            sinceBeat = Duration.ofNanos(Math.min(state.sinceLastHeartbeatNanos(), Long.MAX_VALUE / 2));
            if (reason == null && sinceBeat.compareTo(runtime.config().deadTimeout()) > 0) {
                reason = "wedged: no heartbeat written for " + sinceBeat.toSeconds() + " s";
            }
        }
        body.put("status", reason == null ? "ok" : "unhealthy");
        if (reason != null) body.put("reason", reason);
        body.put("uptime_s", (System.currentTimeMillis() - startedAt) / 1000);
        if (runtime != null) {
            body.put("worker_id", runtime.config().workerId());
            body.put("running_jobs", runtime.runningJobs());
            body.put("last_heartbeat_age_ms", sinceBeat.toMillis());
        }
        return new Report(reason == null, body);
    }

    /**
     * Null when the database answers within {@link #DB_CHECK_TIMEOUT}. Bounded because a pool
     * waiting for a dead database blocks for its whole connection timeout, longer than probes wait.
     */
    private String databaseProblem() {
        var check = CompletableFuture.supplyAsync(() -> {
            try (Connection c = dataSource.getConnection()) {
                return c.isValid((int) DB_CHECK_TIMEOUT.toSeconds()) ? null : "database not answering";
            } catch (Exception e) {
                return "database unreachable: " + e.getMessage();
            }
        }, checks);
        try {
            return check.get(DB_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "database unreachable: no connection within " + DB_CHECK_TIMEOUT.toSeconds() + " s";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            return "database check failed: " + e.getCause();
        }
    }

    @Override
    public void close() {
        checks.shutdownNow();
    }
}
