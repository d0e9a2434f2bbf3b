package dev.gantry.server.observability;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.gantry.Gantry;
import dev.gantry.server.http.SecurityHeaders;

/**
 * A worker process's /health and /metrics, on a small JDK HTTP server. Health is 200 while the
 * database answers and every part of the worker is up, 503 with the reason otherwise (database
 * unreachable, a component restarting or stalled, no heartbeat within the dead timeout).
 */
public final class WorkerHttp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HealthCheck health;
    private final GantryMetrics metrics;

    /** Listens on {@code host} (GANTRY_HTTP_HOST: 0.0.0.0 for every interface, 127.0.0.1 for this machine only). */
    public WorkerHttp(String host, int port, Gantry gantry, GantryMetrics metrics) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) throw new IOException("unknown host " + host);
        this.health = new HealthCheck(List.of(gantry));
        this.metrics = metrics;
        server = HttpServer.create(address, 16);
        server.setExecutor(executor);
        server.createContext("/health", this::health);
        server.createContext("/metrics", this::metrics);
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void health(HttpExchange ex) throws IOException {
        HealthCheck.Report report = health.check();
        send(ex, report.status(), "application/json", JSON.writeValueAsString(report.body()));
    }

    private void metrics(HttpExchange ex) throws IOException {
        send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        SecurityHeaders.ALL.forEach((name, value) -> ex.getResponseHeaders().set(name, value));
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
