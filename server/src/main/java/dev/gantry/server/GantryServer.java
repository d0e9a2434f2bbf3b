package dev.gantry.server;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.Gantry;
import dev.gantry.client.TokenBootstrap;
import dev.gantry.config.ConfigException;
import dev.gantry.config.ControlHooks;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.WorkerConfig;
import dev.gantry.error.InvalidInputException;
import dev.gantry.server.api.JobsApi;
import dev.gantry.server.api.LogsApi;
import dev.gantry.server.api.QueuesApi;
import dev.gantry.server.api.LimitsApi;
import dev.gantry.server.api.SchedulesApi;
import dev.gantry.server.api.StatsApi;
import dev.gantry.server.api.TokensApi;
import dev.gantry.server.api.WorkersApi;
import dev.gantry.server.auth.Authenticator;
import dev.gantry.server.http.ApiJson;
import dev.gantry.server.http.HttpServer;
import dev.gantry.server.http.OpenApiDocument;
import dev.gantry.server.http.Requests;
import dev.gantry.server.kinds.demo.DemoKinds;
import dev.gantry.server.logging.LogSetup;
import dev.gantry.server.observability.GantryMetrics;
import dev.gantry.server.observability.HealthCheck;
import dev.gantry.server.settings.ServerSettings;
import dev.gantry.server.sse.EventHub;
import dev.gantry.server.sse.EventsApi;
import dev.gantry.server.sse.LogStream;
import dev.gantry.server.sse.OpenStreams;

/**
 * The server process assembled, on the library's public API only: migrates the schema,
 * bootstraps the admin token, starts the in-process worker (unless there is none) and the HTTP
 * API. The API and its streams run on a pool of their own, whose statements time out, so no
 * request can take the connections the worker's claims, outcomes and lease renewals need.
 * Closing it stops everything in reverse.
 */
public final class GantryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GantryServer.class);

    /** What to run. {@code worker} null means no in-process worker; {@code workerPoolSize} its connections. */
    public record Config(DatabaseUrl database, String schema, String host, int port, String adminToken,
                         long maxBodyBytes, WorkerConfig worker, int logBufferSize, ApiLimits limits, int workerPoolSize) {
        public Config(DatabaseUrl database, String schema, String host, int port, String adminToken,
                      long maxBodyBytes, WorkerConfig worker, int logBufferSize, ApiLimits limits) {
            this(database, schema, host, port, adminToken, maxBodyBytes, worker, logBufferSize, limits,
                    Gantry.DEFAULT_WORKER_POOL_SIZE);
        }
    }

    /**
     * What the API may use: its own pool, a statement timeout on it, and open streams in total
     * and per token (docs/security.md).
     */
    public record ApiLimits(int poolSize, Duration statementTimeout, int maxStreams, int maxStreamsPerToken) {
        public static final ApiLimits DEFAULTS = new ApiLimits(10, Duration.ofSeconds(10), 200, 10);
    }

    private final Gantry api;
    private final Gantry worker;
    private final HttpServer http;
    private final EventHub events;
    private final OpenStreams streams;
    private final TokenBootstrap bootstrap;
    private final AtomicBoolean closed = new AtomicBoolean();

    public GantryServer(Config c, Consumer<String> out) {
        GantryMetrics metrics = new GantryMetrics();
        migrate(c, out);
        List<AutoCloseable> opened = new ArrayList<>();
        try {
            worker = c.worker() == null ? null : startWorker(c, metrics);
            if (worker != null) opened.add(worker);
            api = Gantry.builder().databaseUrl(c.database()).schema(c.schema()).poolName("gantry-api")
                    .poolSize(c.limits().poolSize()).statementTimeout(c.limits().statementTimeout())
                    .poolMetricRegistry(metrics.registry()).build();
            opened.add(api);
            bootstrap = bootstrap(c.adminToken());
            ObjectMapper json = ApiJson.mapper();
            Requests requests = new Requests(json, c.maxBodyBytes());
            HealthCheck health = new HealthCheck(worker == null ? List.of(api) : List.of(worker, api));
            streams = new OpenStreams(api.tokens(), c.limits().maxStreams(), c.limits().maxStreamsPerToken());
            opened.add(streams);
            events = new EventHub(api.changes());
            opened.add(events);
            warmStats(api, json);
            List<HttpServer.Resource> resources = new ArrayList<>();
            resources.add(new JobsApi(api.client(), requests)::routes);
            resources.add(new WorkersApi(api.workers(), requests)::routes);
            resources.add(new EventsApi(events, streams)::routes);
            resources.add(new LogsApi(api.logs())::routes);
            resources.add(new LogStream(api.logs(), streams)::routes);
            resources.add(new TokensApi(api.tokens(), requests)::routes);
            resources.add(new QueuesApi(api.queues(), api.stats())::routes);
            resources.add(new StatsApi(api.stats())::routes);
            resources.add(new SchedulesApi(api.schedules(), requests)::routes);
            resources.add(new LimitsApi(api.limits(), requests)::routes);
            resources.add(new OpenApiDocument()::routes);
            http = new HttpServer(c.host(), c.port(), json, requests,
                    new Authenticator(api.tokens(), Set.of("/api/events", "/api/logs/stream")), health,
                    metrics::scrape, resources);
        } catch (RuntimeException e) {
            for (AutoCloseable a : opened.reversed()) {
                try {
                    a.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    /** Migrations on a short-lived pool of their own: the API's pool times statements out, and a migration may take long. */
    private static void migrate(Config c, Consumer<String> out) {
        try (Gantry migrator = Gantry.builder().databaseUrl(c.database()).schema(c.schema()).poolName("gantry-migrate")
                .poolSize(2).build()) {
            migrator.migrate().forEach(a -> out.accept("applied migration " + a.version() + " " + a.description()));
        }
    }

    /**
     * The in-process worker, with the demo kinds. A shutdown command stops this worker and leaves
     * the server serving its API (docs/control-plane.md): the process is the server's, not the worker's.
     */
    private static Gantry startWorker(Config c, GantryMetrics metrics) {
        AtomicReference<Gantry> self = new AtomicReference<>();
        Gantry w = Gantry.builder().databaseUrl(c.database()).schema(c.schema()).poolName("gantry-worker")
                .poolSize(c.workerPoolSize())
                .listener(metrics).poolMetricRegistry(metrics.registry()).logBufferSize(c.logBufferSize())
                .controlHooks(new ControlHooks(LogSetup::level, LogSetup::level,
                        () -> Thread.ofPlatform().name("gantry-stop-worker").start(() -> self.get().stop())))
                .worker(c.worker()).build();
        self.set(w);
        try {
            DemoKinds.register(w);
            w.start();
            LogSetup.shipTo(w::shipLog, c.worker().workerId());
            metrics.bindWorker(w);
            return w;
        } catch (RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** How long the server waits for its first statistics before it listens anyway. */
    static final Duration STATS_WARM_UP = Duration.ofSeconds(2);

    /**
     * Reads and serializes the statistics once before the server listens, so that the first
     * {@code GET /api/stats} (a dashboard's first call) does not pay for class loading, the JSON
     * serializers and the first count: 100 ms on an empty database against 25 ms for the next
     * ones (docs/benchmarks.md). Bounded: on a table whose first count takes longer, the server
     * listens after {@link #STATS_WARM_UP} and the count goes on in the background.
     */
    private static void warmStats(Gantry api, ObjectMapper json) {
        Thread warm = Thread.ofVirtual().name("gantry-stats-warm-up").start(() -> {
            try {
                json.writeValueAsBytes(api.stats().snapshot());
            } catch (Exception e) {
                log.atDebug().setMessage("warming the statistics failed; the first request will count")
                        .addKeyValue("error", e.getMessage()).log();
            }
        });
        try {
            warm.join(STATS_WARM_UP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private TokenBootstrap bootstrap(String adminToken) {
        try {
            return api.tokens().bootstrap(adminToken);
        } catch (InvalidInputException e) {
            throw new ConfigException(ServerSettings.ADMIN_TOKEN.env(), e.reason());
        }
    }

    public int port() {
        return http.port();
    }

    /** The library the API runs on (its own pool, statements timed out). */
    public Gantry gantry() {
        return api;
    }

    /** The in-process worker, or null when the server runs none. */
    public Gantry worker() {
        return worker;
    }

    public List<HttpServer.Route> routes() {
        return http.routes();
    }

    /** The clients following /api/events now. */
    int eventClients() {
        return events.clients();
    }

    public TokenBootstrap bootstrap() {
        return bootstrap;
    }

    /** Ends the open streams, stops the HTTP server and the worker (releasing its jobs); idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        streams.close();
        http.close();
        events.close();
        api.close();
        if (worker != null) worker.close();
    }
}
