package dev.gantry.store;

import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

/**
 * Whether the database answers, for health checks: a pooled connection that validates within
 * the timeout. Bounded because a pool waiting for a dead database blocks for its whole connection
 * timeout, longer than probes wait.
 */
public final class DatabaseProbe implements AutoCloseable {
    private final DataSource dataSource;
    private final Duration timeout;
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    public DatabaseProbe(DataSource dataSource, Duration timeout) {
        this.dataSource = dataSource;
        this.timeout = timeout;
    }

    /** Null when the database answers within the timeout, else why not. */
    public String problem() {
        CompletableFuture<String> check;
        try {
            check = CompletableFuture.supplyAsync(() -> {
                try (Connection c = dataSource.getConnection()) {
                    return c.isValid((int) Math.max(1, timeout.toSeconds())) ? null : "database not answering";
                } catch (Exception e) {
                    return "database unreachable: " + e.getMessage();
                }
            }, checks);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return "closed";
        }
        try {
            return check.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "database unreachable: no connection within " + timeout.toSeconds() + " s";
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
