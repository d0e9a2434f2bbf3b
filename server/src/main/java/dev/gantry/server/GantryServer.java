package dev.gantry.server;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.Gantry;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.WorkerConfig;
import dev.gantry.control.ControlHooks;
import dev.gantry.server.api.JobsApi;
import dev.gantry.server.api.QueuesApi;
import dev.gantry.server.api.StatsApi;
import dev.gantry.server.api.TokensApi;
import dev.gantry.server.api.WorkersApi;
import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.auth.TokenService;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.HttpServer;
import dev.gantry.server.http.OpenApiDocument;
import dev.gantry.server.http.Requests;
import dev.gantry.server.kinds.demo.DemoKinds;
import dev.gantry.server.logging.LogSetup;
import dev.gantry.server.observability.GantryMetrics;
import dev.gantry.server.observability.HealthCheck;
import dev.gantry.server.sse.EventHub;
import dev.gantry.server.sse.EventsApi;
import dev.gantry.server.sse.LogStream;
import dev.gantry.server.api.LogsApi;
import dev.gantry.store.LogStore;
import dev.gantry.store.CommandStore;
import dev.gantry.store.Db;
import dev.gantry.store.SchemaName;
import dev.gantry.store.TokenStore;
import dev.gantry.store.WorkerStore;
import dev.gantry.time.SystemTimeSource;
import dev.gantry.time.TimeSource;

/**
 * The server process assembled: migrates the schema, bootstraps the admin token, starts the
 * in-process worker (unless there is none) and the HTTP API. Closing it stops them in reverse.
 */
public final class GantryServer implements AutoCloseable {
    /** What to run. {@code worker} null means no in-process worker. */
    public record Config(DatabaseUrl database, String schema, String host, int port, String adminToken,
                         long maxBodyBytes, WorkerConfig worker, int logBufferSize, Runnable onShutdownCommand) {
    }

    private final Gantry gantry;
    private final HttpServer http;
    private final HealthCheck health;
    private EventHub events;
    private LogStream logStream;
    private final TokenService.Bootstrap bootstrap;

    public GantryServer(Config c, Consumer<String> out) {
        GantryMetrics metrics = new GantryMetrics();
        Gantry.Builder b = Gantry.builder()
                .databaseUrl(c.database())
                .schema(c.schema())
                .listener(metrics)
                .poolMetricRegistry(metrics.registry())
                .logBufferSize(c.logBufferSize())
                .controlHooks(new ControlHooks(LogSetup::level, LogSetup::level, c.onShutdownCommand()));
        if (c.worker() != null) b.worker(c.worker());
        // The worker's own connections, plus requests, the event stream's listener and poller.
        b.poolSize((c.worker() == null ? 0 : dev.gantry.worker.WorkerRuntime.claimConnections(c.worker()) + 13) + 10);
        gantry = b.build();
        try {
            gantry.migrate().forEach(a -> out.accept("applied migration " + a.version() + " " + a.description()));
            DemoKinds.register(gantry);
            if (c.worker() != null) {
                gantry.start();
                LogSetup.shipTo(gantry.logShipper());
                metrics.bindWorker(gantry);
            }
            TimeSource time = SystemTimeSource.INSTANCE;
            SchemaName schema = new SchemaName(c.schema());
            Db db = new Db(gantry.dataSource());
            TokenStore tokenStore = new TokenStore(db, schema, time);
            TokenService tokens = new TokenService(tokenStore);
            bootstrap = tokens.bootstrap(c.adminToken());
            ObjectMapper json = ApiJson.mapper();
            Requests requests = new Requests(json, c.maxBodyBytes());
            health = new HealthCheck(gantry.dataSource(), c.worker() == null ? null : gantry.worker(),
                    c.worker() == null ? null : gantry.controlPlane().state());
            WorkerStore workerStore = new WorkerStore(db, schema, time);
            CommandStore commandStore = new CommandStore(db, schema, time);
            events = new EventHub(gantry.dataSource(), schema, workerStore, commandStore, json, time);
            events.start();
            List<HttpServer.Resource> resources = new ArrayList<>();
            resources.add(new JobsApi(gantry.client(), requests)::routes);
            resources.add(new WorkersApi(workerStore, commandStore, requests, time)::routes);
            resources.add(new EventsApi(events)::routes);
            LogStore logStore = new LogStore(db, schema, time);
            logStream = new LogStream(gantry.dataSource(), logStore);
            logStream.start();
            resources.add(new LogsApi(logStore)::routes);
            resources.add(logStream::routes);
            resources.add(new TokensApi(tokens, requests)::routes);
            resources.add(new QueuesApi(gantry.queues(), gantry.stats())::routes);
            resources.add(new StatsApi(gantry.stats())::routes);
            resources.add(new OpenApiDocument()::routes);
            http = new HttpServer(c.host(), c.port(), json, requests,
                    new Authenticator(tokenStore, java.util.Set.of("/api/events", "/api/logs/stream")), health,
                    metrics::scrape, resources);
        } catch (RuntimeException e) {
            if (events != null) events.stop(java.time.Duration.ofSeconds(2));
            if (logStream != null) logStream.stop(java.time.Duration.ofSeconds(2));
            gantry.close();
            throw e;
        }
    }

    public int port() {
        return http.port();
    }

    public Gantry gantry() {
        return gantry;
    }

    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    public TokenService.Bootstrap bootstrap() {
        return bootstrap;
    }

    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Stops the HTTP server, the streams and the worker (releasing its jobs); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        http.close();
        events.stop(java.time.Duration.ofSeconds(2));
        logStream.stop(java.time.Duration.ofSeconds(2));
        health.close();
        gantry.close();
    }
}
