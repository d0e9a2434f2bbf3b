package dev.gantry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.gantry.backend.CachedStatsReader;
import dev.gantry.backend.DatabaseChangeFeed;
import dev.gantry.backend.NotificationHub;
import dev.gantry.backend.StoreGantryClient;
import dev.gantry.backend.StoreLogClient;
import dev.gantry.backend.StoreQueueClient;
import dev.gantry.backend.StoreLimitClient;
import dev.gantry.backend.StoreScheduleClient;
import dev.gantry.backend.StoreTokenClient;
import dev.gantry.backend.StoreWorkerClient;
import dev.gantry.client.ChangeFeed;
import dev.gantry.client.GantryClient;
import dev.gantry.client.LogClient;
import dev.gantry.client.LogRecord;
import dev.gantry.client.QueueClient;
import dev.gantry.client.LimitClient;
import dev.gantry.client.ScheduleClient;
import dev.gantry.client.TokenClient;
import dev.gantry.client.WorkerClient;
import dev.gantry.config.ControlHooks;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.SchemaName;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.health.ComponentHealth;
import dev.gantry.health.Health;
import dev.gantry.health.WorkerStats;
import dev.gantry.job.HandlerOptions;
import dev.gantry.job.JobHandler;
import dev.gantry.lifecycle.GuardedListener;
import dev.gantry.lifecycle.Supervisor;
import dev.gantry.maintenance.JobRescuer;
import dev.gantry.maintenance.JobStager;
import dev.gantry.stats.StatsReader;
import dev.gantry.store.CommandStore;
import dev.gantry.store.DatabaseProbe;
import dev.gantry.store.Db;
import dev.gantry.store.EventSubscriptionStore;
import dev.gantry.store.JobStore;
import dev.gantry.store.KindStore;
import dev.gantry.store.LogStore;
import dev.gantry.store.Migrator;
import dev.gantry.store.QueueStore;
import dev.gantry.store.LimitStore;
import dev.gantry.store.ScheduleStore;
import dev.gantry.store.RescueResult;
import dev.gantry.store.StatsStore;
import dev.gantry.store.TokenStore;
import dev.gantry.store.WorkerStore;
import dev.gantry.time.SystemTimeSource;
import dev.gantry.time.TimeSource;
import dev.gantry.worker.HandlerRegistry;

/**
 * Gantry's entry point: clients to enqueue and manage jobs, queues, workers, logs, tokens and
 * statistics, and optionally a worker that runs jobs. Only delegates; the public API is this
 * class and the packages {@code client}, {@code job}, {@code config}, {@code event},
 * {@code error}, {@code time}, {@code stats} and {@code health} (docs/library.md).
 *
 * <pre>{@code
 * try (Gantry gantry = Gantry.builder()
 *         .databaseUrl("postgres://app@localhost:5432/app")
 *         .worker(WorkerConfig.builder().queue("default", 16).build())
 *         .build()) {
 *     gantry.migrate();
 *     gantry.register("email.send", EmailArgs.class, (args, ctx) -> { send(args); return null; });
 *     gantry.start();
 *     gantry.client().enqueue("email.send", new EmailArgs("a@b.c"));
 * }
 * }</pre>
 *
 * <p>{@link #start()} runs the worker's parts under a supervisor: they start in a fixed order,
 * a start that fails stops what it had started and throws, and every long-lived loop restarts
 * by itself after an error, reporting it on {@link #health()}. {@link #stop()} and
 * {@link #close()} work after any partial start.
 */
public final class Gantry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Gantry.class);
    private static final Duration DATABASE_CHECK_TIMEOUT = Duration.ofSeconds(2);

    private final Db db;
    private final HikariDataSource ownedPool;
    private final SchemaName schema;
    private final JobStore jobStore;
    private final KindStore kindStore;
    private final QueueStore queueStore;
    private final StatsStore statsStore;
    private final GantryClient client;
    private final QueueClient queues;
    private final ScheduleClient schedules;
    private final LimitClient limits;
    private final WorkerClient workers;
    private final TokenClient tokens;
    private final NotificationHub notifications;
    private final LogClient logs;
    private final DatabaseChangeFeed changes;
    private final DatabaseProbe probe;
    private final ObjectMapper json;
    private final WorkerConfig workerConfig;
    private final GantryListener listener;
    private final TimeSource time;
    private final HandlerRegistry handlers;
    private final ControlHooks controlHooks;
    private final int logBufferSize;
    private final String version;
    private final Consumer<String> beforeStart;
    /** Components that run without a worker (the API side's listener and change poller). */
    private final Supervisor clientSide;
    private CachedStatsReader statsReader;
    private volatile Supervisor supervisor;
    /** Read without the lock by shipLog and workerStats: they run inside logging, which stop() calls while holding it. */
    private volatile WorkerAssembly worker;
    private boolean closed;

    private Gantry(Builder b) {
        if (b.dataSource == null && b.databaseUrl == null) {
            throw new IllegalArgumentException("set dataSource or databaseUrl");
        }
        this.time = b.time;
        this.listener = GuardedListener.of(b.listener);
        this.json = b.json != null ? b.json : defaultObjectMapper();
        this.schema = new SchemaName(b.schema);
        this.workerConfig = b.worker;
        if (b.dataSource != null) {
            ownedPool = null;
            db = new Db(b.dataSource);
        } else {
            ownedPool = pool(b, b.poolSize > 0 ? b.poolSize : defaultPoolSize(b.worker));
            db = new Db(ownedPool);
        }
        jobStore = new JobStore(db, schema, time, b.worker != null && b.worker.synchronousCommit());
        kindStore = new KindStore(db, schema);
        queueStore = new QueueStore(db, schema, time);
        statsStore = new StatsStore(db, schema, time);
        clientSide = new Supervisor(time, listener, name -> { });
        client = new StoreGantryClient(jobStore, kindStore, json, b.maxArgsBytes, time);
        queues = new StoreQueueClient(queueStore);
        schedules = new StoreScheduleClient(new ScheduleStore(db, schema, time), json, b.maxArgsBytes, time);
        limits = new StoreLimitClient(new LimitStore(db, schema, time));
        WorkerStore workerStore = new WorkerStore(db, schema, time);
        CommandStore commandStore = new CommandStore(db, schema, time);
        workers = new StoreWorkerClient(workerStore, commandStore);
        tokens = new StoreTokenClient(new TokenStore(db, schema, time), time);
        LogStore logStore = new LogStore(db, schema, time);
        notifications = new NotificationHub(db.dataSource(), List.of(schema.jobEventsChannel(), logStore.channel()),
                clientSide.component("api-listener"));
        logs = new StoreLogClient(logStore, notifications);
        changes = new DatabaseChangeFeed(workerStore, commandStore, notifications, new EventSubscriptionStore(db, schema),
                schema.jobEventsChannel(), clientSide.component("changes"));
        probe = new DatabaseProbe(db.dataSource(), DATABASE_CHECK_TIMEOUT);
        handlers = new HandlerRegistry(json);
        controlHooks = b.controlHooks;
        logBufferSize = b.logBufferSize;
        version = b.version;
        beforeStart = b.beforeStart;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The ObjectMapper Gantry uses when none is given: java.time support, unknown fields ignored,
     * and a shared buffer pool: Jackson's default pool is per thread, and every job runs on a new
     * virtual thread, so it would allocate fresh buffers for every job.
     */
    public static ObjectMapper defaultObjectMapper() {
        return new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool()).build())
                .registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /**
     * Connections a worker's own pool holds by default, whatever its number of queues: one for
     * LISTEN (none when listening is off) and three shared by the claimers of every queue, the
     * completer, the lease renewer and the control plane, each of which holds a connection only
     * for one short statement (docs/deployment.md, the connection budget; docs/adr/0013).
     */
    public static final int DEFAULT_WORKER_POOL_SIZE = 4;

    /** Connections a worker uses at most with the default pool: {@link #DEFAULT_WORKER_POOL_SIZE}, whatever its queues. */
    public static int workerConnections(WorkerConfig worker) {
        return DEFAULT_WORKER_POOL_SIZE;
    }

    private static int defaultPoolSize(WorkerConfig worker) {
        // A client without a worker (an application that enqueues, the CLI) keeps HikariCP's default.
        return worker == null ? 10 : DEFAULT_WORKER_POOL_SIZE;
    }

    private static HikariDataSource pool(Builder b, int size) {
        DatabaseUrl parsed = b.databaseUrl;
        boolean failFast = b.failFast;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(parsed.jdbcUrl());
        if (parsed.user() != null) hc.setUsername(parsed.user());
        if (parsed.password() != null) hc.setPassword(parsed.password());
        hc.setMaximumPoolSize(size);
        hc.setPoolName(b.poolName);
        if (b.statementTimeout != null) {
            // Set at connect, so no statement on this pool, whoever runs it, can hold it longer.
            hc.addDataSourceProperty("options", "-c statement_timeout=" + b.statementTimeout.toMillis());
        }
        if (b.metricRegistry != null) hc.setMetricRegistry(b.metricRegistry);
        // A worker starts even while the database is down and connects when it returns; a
        // one-shot command (migrate) wants to fail at once instead.
        hc.setInitializationFailTimeout(failFast ? 1 : -1);
        hc.setConnectionTimeout(failFast ? 5_000 : 10_000);
        return new HikariDataSource(hc);
    }

    /** One migration applied by {@link #migrate()}; version "R" for a repeatable one. */
    public record Migration(String version, String description) {
    }

    /** Creates or upgrades the schema; returns the migrations applied now. */
    public List<Migration> migrate() {
        return new Migrator(db, schema).migrate().stream().map(a -> new Migration(a.version(), a.description())).toList();
    }

    /** Fails with one clear line ({@link dev.gantry.error.GantryException}) when the schema is missing or too new for this code. */
    public void checkSchema() {
        new Migrator(db, schema).checkCompatible();
    }

    public GantryClient client() {
        return client;
    }

    /** Lists queues and pauses or resumes them for every worker. */
    public QueueClient queues() {
        return queues;
    }

    /** Schedules: jobs made on a clock, each tick enqueued once by the workers' schedulers (docs/schedules.md). */
    public ScheduleClient schedules() {
        return schedules;
    }

    /** Concurrency and rate limits by key, enforced by every worker's claim (docs/limits.md). */
    public LimitClient limits() {
        return limits;
    }

    /** The worker registry and remote commands. */
    public WorkerClient workers() {
        return workers;
    }

    /** The workers' shipped log lines, to query and to follow. */
    public LogClient logs() {
        return logs;
    }

    /** API tokens: create, revoke, authenticate. */
    public TokenClient tokens() {
        return tokens;
    }

    /** Live changes of jobs, workers and commands. */
    public ChangeFeed changes() {
        return changes;
    }

    /**
     * Job statistics (counts, windows, per-minute series); one reader per Gantry, made on first
     * use, which starts counting the jobs in the background.
     */
    public synchronized StatsReader stats() {
        if (statsReader == null) {
            statsReader = new CachedStatsReader(statsStore, time);
            statsReader.warmUp();
        }
        return statsReader;
    }

    public DataSource dataSource() {
        return db.dataSource();
    }

    public <A> Gantry register(String kind, Class<A> argsType, JobHandler<A> handler) {
        return register(kind, argsType, handler, HandlerOptions.DEFAULTS);
    }

    /** Registers the handler of a kind (before {@link #start()}); the kind is declared when the worker starts. */
    public <A> Gantry register(String kind, Class<A> argsType, JobHandler<A> handler, HandlerOptions options) {
        handlers.register(kind, argsType, handler, options);
        return this;
    }

    /**
     * Starts the worker: checks the schema, declares the registered kinds, then starts its parts
     * in order (see {@link WorkerAssembly}). When a part fails to start, the parts already
     * started are stopped in reverse and the error is thrown; the worker is then not running and
     * {@code start()} may be called again.
     */
    public synchronized void start() {
        if (workerConfig == null) throw new IllegalStateException("no worker configured: pass worker(WorkerConfig) to the builder");
        if (closed) throw new IllegalStateException("this Gantry is closed");
        if (worker != null) return;
        checkSchema();
        kindStore.declare(handlers.kinds());
        Supervisor s = new Supervisor(time, listener, beforeStart);
        ControlHooks hooks = controlHooks != null ? controlHooks
                : ControlHooks.defaults(() -> Thread.ofPlatform().name("gantry-stop").start(this::stop));
        WorkerAssembly assembly = new WorkerAssembly(workerConfig, db, schema, jobStore, queueStore, statsStore, handlers,
                json, listener, time, hooks, logBufferSize, version, s);
        s.start();
        supervisor = s;
        worker = assembly;
        log.atInfo().setMessage("worker started").addKeyValue("worker_id", workerConfig.workerId())
                .addKeyValue("queues", dev.gantry.config.QueueConfig.format(workerConfig.queues()))
                .addKeyValue("listen", workerConfig.listen()).log();
    }

    /**
     * Stops the worker gracefully: stop fetching, wait for running jobs up to the shutdown
     * timeout, release the rest; heartbeats go on meanwhile (status "stopping") so the worker is
     * not taken for dead while it drains. Safe to call at any time, repeatedly.
     */
    public synchronized void stop() {
        if (worker == null) return;
        worker.control.state().stopping(true);
        supervisor.stop(workerConfig.shutdownTimeout());
        worker = null;
        log.atInfo().setMessage("worker stopped").addKeyValue("worker_id", workerConfig.workerId()).log();
    }

    /**
     * Ships a log event of this process to {@code gantry.worker_logs} through the running worker's
     * bounded buffer; never blocks. Dropped (and counted) while no worker runs.
     */
    public void shipLog(LogRecord record) {
        WorkerAssembly w = worker;
        if (w != null) w.logShipper.offer(record);
    }

    /** Counters of the running worker; empty while none runs. */
    public Optional<WorkerStats> workerStats() {
        WorkerAssembly w = worker;
        return w == null ? Optional.empty() : Optional.of(w.stats());
    }

    /**
     * Whether this process is healthy: the database answers within 2 s and every supervised
     * component is up (or stopped on purpose). The reason names the first problem found.
     */
    public Health health() {
        WorkerAssembly w = worker;
        Supervisor s = supervisor;
        List<ComponentHealth> components = new ArrayList<>();
        if (s != null) components.addAll(s.health());
        components.addAll(clientSide.health());
        String reason = probe.problem();
        if (reason == null) {
            reason = components.stream().filter(c -> !c.state().healthy()).findFirst()
                    .map(c -> c.name() + " is " + c.state().name().toLowerCase(java.util.Locale.ROOT)
                            + (c.detail() == null ? "" : ": " + c.detail()))
                    .orElse(null);
        }
        if (w == null) return new Health(reason == null, reason, components, null, 0, null);
        if (reason == null) reason = w.stalled();
        long since = w.control.state().sinceLastHeartbeatNanos();
        return new Health(reason == null, reason, components, w.config.workerId(), w.runtime.runningJobs(),
                since == Long.MAX_VALUE ? null : Duration.ofNanos(since));
    }

    /** Runs the stager once now (tests, tools); returns how many jobs became available. */
    public int stageDueJobs() {
        return new JobStager(jobStore, listener).runOnce();
    }

    /** What the rescuer did: jobs made retryable, and jobs discarded as out of attempts. */
    public record Rescued(int retried, int discarded) {
    }

    /** Runs the rescuer once now (tests, tools). */
    public Rescued rescueExpiredJobs() {
        RescueResult r = new JobRescuer(jobStore, listener).runOnce();
        return new Rescued(r.retried(), r.discarded());
    }

    /** The running worker's parts, or null: for tests in this module (see GantryInternals). */
    synchronized WorkerAssembly assembly() {
        return worker;
    }

    /** Stops the worker, the client side's listener and poller, and closes the pool Gantry made. */
    @Override
    public void close() {
        stop();
        synchronized (this) {
            if (closed) return;
            closed = true;
        }
        changes.close();
        notifications.close();
        probe.close();
        if (ownedPool != null) ownedPool.close();
    }

    /** Configures a {@link Gantry}. */
    public static final class Builder {
        private DataSource dataSource;
        private DatabaseUrl databaseUrl;
        private int poolSize;
        private String poolName = "gantry";
        private Duration statementTimeout;
        private String schema = SchemaName.DEFAULT.value();
        private WorkerConfig worker;
        private ObjectMapper json;
        private TimeSource time = SystemTimeSource.INSTANCE;
        private GantryListener listener = GantryListener.NONE;
        private int maxArgsBytes = GantryClient.DEFAULT_MAX_ARGS_BYTES;
        private boolean failFast;
        private ControlHooks controlHooks;
        private Object metricRegistry;
        private int logBufferSize = dev.gantry.control.LogShipper.DEFAULT_CAPACITY;
        private Consumer<String> beforeStart = step -> { };
        private String version = Gantry.class.getPackage().getImplementationVersion() == null ? "dev"
                : Gantry.class.getPackage().getImplementationVersion();

        private Builder() {
        }

        /** Use this pool; Gantry does not close it. */
        public Builder dataSource(DataSource v) { dataSource = v; return this; }
        /** postgres:// or jdbc:postgresql:// URL; Gantry makes and closes its own pool. */
        public Builder databaseUrl(String v) { databaseUrl = DatabaseUrl.parse("databaseUrl", v); return this; }
        /** An already parsed URL (the CLI validates it with the other settings). */
        public Builder databaseUrl(DatabaseUrl v) { databaseUrl = v; return this; }
        /** Connections of the pool Gantry makes (default: what the worker needs, plus 4). */
        public Builder poolSize(int v) { poolSize = v; return this; }
        /** Name of the pool Gantry makes, in its metrics and thread names (default "gantry"). */
        public Builder poolName(String v) { poolName = v; return this; }
        /**
         * With databaseUrl: no statement on Gantry's pool may run longer (PostgreSQL cancels it).
         * For pools that serve requests; a worker's own pool needs none.
         */
        public Builder statementTimeout(Duration v) { statementTimeout = v; return this; }
        public Builder schema(String v) { schema = v; return this; }
        public Builder worker(WorkerConfig v) { worker = v; return this; }
        public Builder objectMapper(ObjectMapper v) { json = v; return this; }
        public Builder timeSource(TimeSource v) { time = v; return this; }
        public Builder listener(GantryListener v) { listener = v; return this; }
        public Builder maxArgsBytes(int v) { maxArgsBytes = v; return this; }
        /** With databaseUrl: fail in build() when the database cannot be reached, instead of retrying. */
        public Builder failFast(boolean v) { failFast = v; return this; }
        /** How remote commands change the log level and exit the process (the server sets these). */
        public Builder controlHooks(ControlHooks v) { controlHooks = v; return this; }
        /** A Micrometer MeterRegistry for the pool's metrics (typed Object so core needs no Micrometer). */
        public Builder poolMetricRegistry(Object v) { metricRegistry = v; return this; }
        /** How many log events wait for shipping at most; the lowest levels are dropped first beyond it. */
        public Builder logBufferSize(int v) { logBufferSize = v; return this; }
        /** The version shown in the worker registry. */
        public Builder version(String v) { version = v; return this; }

        /** Called with each start step's name before it starts; a test throws here to fail that step. */
        Builder beforeStart(Consumer<String> v) { beforeStart = v; return this; }

        public Gantry build() {
            if (statementTimeout != null && (statementTimeout.isNegative() || statementTimeout.isZero())) {
                throw new IllegalArgumentException("statementTimeout must be > 0");
            }
            return new Gantry(this);
        }
    }
}
