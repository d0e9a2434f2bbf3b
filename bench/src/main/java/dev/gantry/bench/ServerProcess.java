package dev.gantry.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * A real {@code gantry server --no-worker} process from the server jar on the bench schema, with a
 * known admin token, listening on a free port of 127.0.0.1; stopped (SIGTERM) on close.
 */
final class ServerProcess implements AutoCloseable {
    static final String TOKEN = "gty_bench-admin-token-0123456789abcdef";

    final String base;
    private final Process process;

    private ServerProcess(Process process, String base) {
        this.process = process;
        this.base = base;
    }

    static ServerProcess start(BenchDatabase db) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(java, "-jar", db.options.serverJar(), "server", "--no-worker");
        pb.environment().keySet().removeIf(k -> k.startsWith("GANTRY_") || k.startsWith("LOG_"));
        pb.environment().putAll(Map.of("DATABASE_URL", db.options.databaseUrl(), "GANTRY_SCHEMA", db.schema,
                "GANTRY_HTTP_PORT", Integer.toString(port), "GANTRY_HTTP_HOST", "127.0.0.1", "GANTRY_ADMIN_TOKEN", TOKEN,
                "LOG_FORMAT", "json"));
        Path out = Files.createTempFile("gantry-bench-server-", ".log");
        ServerProcess server = new ServerProcess(pb.redirectErrorStream(true).redirectOutput(out.toFile()).start(),
                "http://127.0.0.1:" + port);
        try {
            server.awaitUp(out);
            return server;
        } catch (Exception e) {
            server.close();
            throw e;
        }
    }

    private void awaitUp(Path out) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            if (!process.isAlive()) throw new IllegalStateException("gantry server exited; its output is in " + out);
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(base + "/health"))
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) return;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) throw new IllegalStateException("gantry server did not start; see " + out);
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
    }
}
