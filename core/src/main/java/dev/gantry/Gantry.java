package dev.gantry;

import java.time.Duration;
import java.util.List;

import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.gantry.client.GantryClient;
import dev.gantry.client.QueueClient;
import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.WorkerConfig;
import dev.gantry.control.ControlHooks;
import dev.gantry.control.ControlPlane;
import dev.gantry.control.LogShipper;
import dev.gantry.control.QueueMonitor;
import dev.gantry.control.WorkerState;
import dev.gantry.event.GantryListener;
import dev.gantry.job.HandlerOptions;
import dev.gantry.job.JobHandler;
import dev.gantry.lifecycle.PeriodicLoop;
import dev.gantry.maintenance.JobRescuer;
import dev.gantry.maintenance.JobStager;
import dev.gantry.maintenance.StatsCompactor;
import dev.gantry.notify.Notifier;
import dev.gantry.notify.PollingNotifier;
import dev.gantry.notify.PostgresNotifier;
import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.store.KindStore;
import dev.gantry.store.Migrator;
import dev.gantry.store.CommandStore;
import dev.gantry.store.LogStore;
import dev.gantry.store.QueueStore;
import dev.gantry.store.WorkerStore;
import dev.gantry.store.SchemaName;
import dev.gantry.store.StatsStore;
import dev.gantry.stats.StatsReader;
import dev.gantry.time.SystemTimeSource;
import dev.gantry.time.TimeSource;
import dev.gantry.worker.HandlerRegistry;
import dev.gantry.worker.WorkerRuntime;

/**
 * Gantry's entry point: a client to enqueue and manage jobs, and optionally a worker that runs
 * them. Only delegates.
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
 */
public final class Gantry implements AutoCloseable {
    /** The statistics rollup is per minute; compacting it more often would find nothing new. */
    private static final Duration STATS_UPKEEP_INTERVAL = Duration.ofMinutes(1);

    private final Db db;
    private final HikariDataSource ownedPool;
    private final SchemaName schema;
    private final JobStore jobStore;
    private final KindStore kindStore;
    private final StatsStore statsStore;
    private StatsReader statsReader;
    private final GantryClient client;
    private final QueueStore queueStore;
    private final QueueClient queues;
    private final ObjectMapper json;
    private final WorkerConfig workerConfig;
    private final GantryListener listener;
    private final TimeSource time;
    private final HandlerRegistry handlers;
    private final ControlHooks controlHooks;
    private final int logBufferSize;
    private final String version;
    private Notifier notifier;
    private WorkerRuntime runtime;
    private ControlPlane control;
    private LogShipper logShipper;
    private PeriodicLoop stageLoop;
    private PeriodicLoop rescueLoop;
    private PeriodicLoop monitorLoop;
    private PeriodicLoop statsLoop;
    private QueueMonitor queueMonitor;

    private Gantry(Builder b) {
        if (b.dataSource == null && b.databaseUrl == null) {
            throw new IllegalArgumentException("set dataSource or databaseUrl");
        }
        this.time = b.time;
        this.listener = b.listener;
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
        statsStore = new StatsStore(db, schema, time);
        client = new GantryClient(jobStore, kindStore, json, b.maxArgsBytes, time);
        queueStore = new QueueStore(db, schema, time);
        queues = new QueueClient(queueStore);
        handlers = new HandlerRegistry(json);
        controlHooks = b.controlHooks;
        logBufferSize = b.logBufferSize;
        version = b.version;
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

    private static int defaultPoolSize(WorkerConfig worker) {
        // Claimers of every queue, then the completer, lease renewer, LISTEN connection, stager,
        // rescuer, heartbeat, command processor, log shipper, queue monitor and stats compactor (10),
        // plus headroom for enqueues and health checks, so no background task waits for another.
        return worker == null ? 10 : WorkerRuntime.claimConnections(worker) + 10 + 4;
    }

    private static HikariDataSource pool(Builder b, int size) {
        DatabaseUrl parsed = b.databaseUrl;
        boolean failFast = b.failFast;
        HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(parsed.jdbcUrl());
        if (parsed.user() != null) hc.setUsername(parsed.user());
        if (parsed.password() != null) hc.setPassword(parsed.password());
        hc.setMaximumPoolSize(size);
        hc.setPoolName("gantry");
        if (b.metricRegistry != null) hc.setMetricRegistry(b.metricRegistry);
        // A worker starts even while the database is down and connects when it returns; a
        // one-shot command (migrate) wants to fail at once instead.
        hc.setInitializationFailTimeout(failFast ? 1 : -1);
        hc.setConnectionTimeout(failFast ? 5_000 : 10_000);
        return new HikariDataSource(hc);
    }

    /** Creates or upgrades the schema; returns the migrations applied now. */
    public List<Migrator.Applied> migrate() {
        return new Migrator(db, schema).migrate();
    }

    public GantryClient client() {
        return client;
    }

    /** Lists queues and pauses or resumes them for every worker. */
    public QueueClient queues() {
        return queues;
    }

    /**
     * Job statistics (counts, windows, per-minute series); one reader per Gantry, made on first
     * use, which starts counting the jobs in the background.
     */
    public synchronized StatsReader stats() {
        if (statsReader == null) {
            statsReader = new StatsReader(statsStore, time);
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

    /** Starts the worker: checks the schema, declares the registered kinds, registers the worker, starts fetching. */
    public synchronized void start() {
        if (workerConfig == null) throw new IllegalStateException("no worker configured: pass worker(WorkerConfig) to the builder");
        if (runtime != null) return;
        new Migrator(db, schema).checkCompatible();
        kindStore.declare(handlers.kinds());
        notifier = workerConfig.listen() ? new PostgresNotifier(db.dataSource()) : new PollingNotifier();
        runtime = new WorkerRuntime(workerConfig, jobStore, queueStore, handlers, json, notifier, listener, time);
        ControlHooks hooks = controlHooks != null ? controlHooks
                : ControlHooks.defaults(() -> Thread.ofPlatform().name("gantry-stop").start(this::stop));
        LogStore logStore = new LogStore(db, schema, time);
        logShipper = new LogShipper(logStore, workerConfig.workerId(), logBufferSize, Duration.ofMillis(200));
        control = new ControlPlane(new WorkerStore(db, schema, time), new CommandStore(db, schema, time), logStore,
                runtime, new WorkerState(time), hooks, json, notifier, schema, version);
        logShipper.start();
        runtime.start();
        control.start();
        notifier.start();
        stageLoop = new PeriodicLoop("gantry-stager", workerConfig.stageInterval(), new JobStager(jobStore, listener)::runOnce);
        rescueLoop = new PeriodicLoop("gantry-rescuer", workerConfig.rescueInterval(), new JobRescuer(jobStore, listener)::runOnce);
        queueMonitor = new QueueMonitor(jobStore, workerConfig.monitorInterval());
        monitorLoop = new PeriodicLoop("gantry-queue-monitor", workerConfig.monitorInterval(), queueMonitor::runOnce);
        statsLoop = new PeriodicLoop("gantry-stats-compactor", STATS_UPKEEP_INTERVAL,
                new StatsCompactor(statsStore, workerConfig.statsRetention())::runOnce);
        stageLoop.start();
        rescueLoop.start();
        monitorLoop.start();
        statsLoop.start();
    }

    /** The queue monitor of the running worker (its last counts feed gauges), or null before start. */
    public synchronized QueueMonitor queueMonitor() {
        return queueMonitor;
    }

    /** The running worker, or null before {@link #start()}. */
    public synchronized WorkerRuntime worker() {
        return runtime;
    }

    /**
     * Where a logging backend hands this worker's log events for shipping to gantry.worker_logs
     * (the server's Logback appender does); null before {@link #start()}.
     */
    public synchronized LogShipper logShipper() {
        return logShipper;
    }

    /** The running worker's control plane, or null before {@link #start()}. */
    public synchronized ControlPlane controlPlane() {
        return control;
    }

    /** Runs the stager once now (tests, tools). */
    public int stageDueJobs() {
        return new JobStager(jobStore, listener).runOnce();
    }

    /** Runs the rescuer once now (tests, tools). */
    public dev.gantry.store.RescueResult rescueExpiredJobs() {
        return new JobRescuer(jobStore, listener).runOnce();
    }

    /**
     * Stops the worker gracefully: stop fetching, wait for running jobs up to the shutdown
     * timeout, release the rest; heartbeats go on meanwhile (status "stopping") so the worker is
     * not taken for dead while it drains.
     */
    public synchronized void stop() {
        if (runtime == null) return;
        Duration timeout = workerConfig.shutdownTimeout();
        control.state().stopping(true);
        stageLoop.stop(timeout);
        rescueLoop.stop(timeout);
        monitorLoop.stop(timeout);
        statsLoop.stop(timeout);
        runtime.stop(timeout);
        control.stop(timeout);
        control.state().stopping(false);
        control.state().stoppedForGood();
        control.farewell();
        notifier.stop(timeout);
        logShipper.stop(timeout);
        runtime = null;
        control = null;
    }

    @Override
    public void close() {
        stop();
        if (ownedPool != null) ownedPool.close();
    }

    /** Configures a {@link Gantry}. */
    public static final class Builder {
        private DataSource dataSource;
        private DatabaseUrl databaseUrl;
        private int poolSize;
        private String schema = SchemaName.DEFAULT.value();
        private WorkerConfig worker;
        private ObjectMapper json;
        private TimeSource time = SystemTimeSource.INSTANCE;
        private GantryListener listener = GantryListener.NONE;
        private int maxArgsBytes = GantryClient.DEFAULT_MAX_ARGS_BYTES;
        private boolean failFast;
        private ControlHooks controlHooks;
        private Object metricRegistry;
        private int logBufferSize = LogShipper.DEFAULT_CAPACITY;
        private String version = Gantry.class.getPackage().getImplementationVersion() == null ? "dev"
                : Gantry.class.getPackage().getImplementationVersion();

        /** Use this pool; Gantry does not close it. */
        public Builder dataSource(DataSource v) { dataSource = v; return this; }
        /** postgres:// or jdbc:postgresql:// URL; Gantry makes and closes its own pool. */
        public Builder databaseUrl(String v) { databaseUrl = DatabaseUrl.parse("databaseUrl", v); return this; }
        /** An already parsed URL (the CLI validates it with the other settings). */
        public Builder databaseUrl(DatabaseUrl v) { databaseUrl = v; return this; }
        public Builder poolSize(int v) { poolSize = v; return this; }
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

        public Gantry build() {
            return new Gantry(this);
        }
    }
}
