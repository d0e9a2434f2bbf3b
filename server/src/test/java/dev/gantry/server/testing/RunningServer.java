package dev.gantry.server.testing;

import java.time.Duration;

import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.QueueConfig;
import dev.gantry.config.WorkerConfig;
import dev.gantry.server.GantryServer;
import dev.gantry.client.TokenClient;
import dev.gantry.testing.TestDatabase;

/**
 * A {@link GantryServer} in this JVM on a free port against a test database, with one token per
 * role. Tests that need real processes use {@code gantry server} JVMs instead.
 */
public final class RunningServer implements AutoCloseable {
    public static final String ADMIN_TOKEN = "gty_test-admin-token-0123456789abcdef";

    public final GantryServer server;
    public final Http http;
    public final String admin = ADMIN_TOKEN;
    public final String operator;
    public final String viewer;

    private RunningServer(GantryServer server, String operator, String viewer) {
        this.server = server;
        this.http = new Http(baseUrl(server));
        this.operator = operator;
        this.viewer = viewer;
    }

    /** A server with an in-process worker on queue "default" (or none when {@code withWorker} is false). */
    public static RunningServer start(TestDatabase db, boolean withWorker, long maxBodyBytes) {
        return start(db, withWorker, maxBodyBytes, GantryServer.ApiLimits.DEFAULTS);
    }

    /** A server with these limits on its API pool and streams. */
    public static RunningServer start(TestDatabase db, boolean withWorker, long maxBodyBytes, GantryServer.ApiLimits limits) {
        WorkerConfig worker = withWorker ? WorkerConfig.builder()
                .queues(QueueConfig.parseList("queues", "default:4", 4))
                .heartbeatInterval(Duration.ofMillis(200))
                .pollInterval(Duration.ofMillis(100))
                .shutdownTimeout(Duration.ofSeconds(2))
                .build() : null;
        GantryServer s = new GantryServer(new GantryServer.Config(DatabaseUrl.parse("url", db.url()), "gantry", "127.0.0.1", 0,
                ADMIN_TOKEN, maxBodyBytes, worker, 1000, limits), line -> { });
        TokenClient tokens = s.gantry().tokens();
        tokens.revoke("test-operator");
        tokens.revoke("test-viewer");
        String op = tokens.create("test-operator", "operator", null, "test").secret();
        String view = tokens.create("test-viewer", "viewer", null, "test").secret();
        return new RunningServer(s, op, view);
    }

    public String baseUrl() {
        return baseUrl(server);
    }

    private static String baseUrl(GantryServer s) {
        return "http://127.0.0.1:" + s.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
