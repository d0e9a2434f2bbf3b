package dev.gantry.server.observability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.gantry.control.WorkerState;
import dev.gantry.worker.WorkerRuntime;

/**
 * A worker process's /health and /metrics, on a small JDK HTTP server. Health is 200 while the
 * database answers and heartbeats are being written, 503 with the reason otherwise (database
 * unreachable, or the worker wedged: no heartbeat within the dead timeout).
 */
public final class WorkerHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final DataSource dataSource;
    private final WorkerRuntime runtime;
    private final WorkerState state;
    private final GantryMetrics metrics;
    private static final Duration DB_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final long startedAt = System.currentTimeMillis();
    private final ExecutorService checks = Executors.newVirtualThreadPerTaskExecutor();

    public WorkerHttp(int port, DataSource dataSource, WorkerRuntime runtime, WorkerState state, GantryMetrics metrics)
            throws IOException {
        this.dataSource = dataSource;
        this.runtime = runtime;
        this.state = state;
        this.metrics = metrics;
        server = HttpServer.create(new InetSocketAddress(port), 16);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange ex) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        String reason = databaseProblem();
        Duration sinceBeat = Duration.ofNanos(Math.min(state.sinceLastHeartbeatNanos(), Long.MAX_VALUE / 2));
        if (reason == null && sinceBeat.compareTo(runtime.config().deadTimeout()) > 0) {
            reason = "wedged: no heartbeat written for " + sinceBeat.toSeconds() + " s";
        }
        body.put("status", reason == null ? "ok" : "unhealthy");
        if (reason != null) body.put("reason", reason);
        body.put("worker_id", runtime.config().workerId());
        body.put("uptime_s", (System.currentTimeMillis() - startedAt) / 1000);
        body.put("running_jobs", runtime.runningJobs());
        body.put("last_heartbeat_age_ms", sinceBeat.toMillis());
        send(ex, reason == null ? 200 : 503, "application/json", body.toString());
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

    private void metrics(HttpExchange ex) throws IOException {
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        checks.shutdownNow();
    }
}
