package dev.gantry.server.settings;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import dev.gantry.config.DatabaseUrl;
import dev.gantry.config.QueueConfig;
import dev.gantry.config.RetentionPolicy;
import dev.gantry.config.WorkerConfig;
import dev.gantry.config.SchemaName;

/** The settings of a worker process (and, with more rows, of the server): the one table. */
public final class WorkerSettings {
    private WorkerSettings() {
    }

    public static final Setting<DatabaseUrl> DATABASE_URL = Setting.of("DATABASE_URL", "--database-url", null,
            "PostgreSQL to use: postgres://user:pass@host:port/db or jdbc:postgresql://host:port/db?user=u&password=p",
            raw -> DatabaseUrl.parse("value", raw)).asSecret();
    public static final Setting<SchemaName> SCHEMA = Setting.of("GANTRY_SCHEMA", "--schema", "gantry",
            "PostgreSQL schema Gantry lives in", SchemaName::new);
    public static final Setting<String> WORKER_ID = Setting.of("GANTRY_WORKER_ID", "--worker-id", null,
            "Unique id of this worker process; default: host-pid-random", Parsers::workerId).asOptional();
    public static final Setting<List<QueueConfig>> QUEUES = Setting.of("GANTRY_QUEUES", "--queues", "default:16",
            "Queues to work and their concurrency, e.g. default:16,mail:4",
            raw -> QueueConfig.parseList("value", raw, WorkerConfig.DEFAULT_CONCURRENCY));
    public static final Setting<Duration> POLL_INTERVAL = Setting.of("GANTRY_POLL_INTERVAL_MS", "--poll-interval-ms",
            "1000", "How often each queue is polled when no NOTIFY arrives (ms)", raw -> Parsers.millis(raw, 10, 3_600_000));
    public static final Setting<Boolean> LISTEN = Setting.of("GANTRY_LISTEN", "--listen", "true",
            "Wake up on LISTEN/NOTIFY; false = polling only (PgBouncer transaction mode)", Parsers::bool);
    public static final Setting<Boolean> SYNCHRONOUS_COMMIT = Setting.of("GANTRY_SYNCHRONOUS_COMMIT",
            "--synchronous-commit", "false",
            "true: claims and job outcomes wait for the WAL flush; false: faster, and a PostgreSQL crash may run a few jobs again (enqueue always waits)",
            Parsers::bool);
    public static final Setting<Duration> HEARTBEAT_INTERVAL = Setting.of("GANTRY_HEARTBEAT_INTERVAL_MS",
            "--heartbeat-interval-ms", "5000", "How often the worker writes its heartbeat (ms)",
            raw -> Parsers.millis(raw, 100, 600_000));
    public static final Setting<Duration> DEAD_TIMEOUT = Setting.of("GANTRY_DEAD_TIMEOUT_MS", "--dead-timeout-ms",
            "30000", "A worker silent for longer is dead; its commands expire and its jobs are rescued (ms)",
            raw -> Parsers.millis(raw, 1000, 86_400_000));
    public static final Setting<Duration> SHUTDOWN_TIMEOUT = Setting.of("GANTRY_SHUTDOWN_TIMEOUT_MS",
            "--shutdown-timeout-ms", "30000", "How long a graceful shutdown waits for running jobs before releasing them (ms)",
            raw -> Parsers.millis(raw, 0, 86_400_000));
    public static final Setting<Integer> HTTP_PORT = Setting.of("GANTRY_HTTP_PORT", "--http-port", "8081",
            "Port of the worker's /health and /metrics; 0 turns them off", Parsers::port);
    public static final Setting<String> HTTP_HOST = Setting.of("GANTRY_HTTP_HOST", "--http-host", "0.0.0.0",
            "Address the worker's /health and /metrics listen on (127.0.0.1: this machine only)", Parsers::host);
    public static final Setting<String> LOG_LEVEL = Setting.of("LOG_LEVEL", "--log-level", "INFO",
            "Root log level: TRACE, DEBUG, INFO, WARN or ERROR",
            raw -> Parsers.oneOf(raw, Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR"), true));
    public static final Setting<String> LOG_FORMAT = Setting.of("LOG_FORMAT", "--log-format", "auto",
            "Console log format: json, pretty, or auto (json when stdout is not a terminal)",
            raw -> Parsers.oneOf(raw, Set.of("json", "pretty", "auto"), false));

    public static final Setting<Duration> LEASE = Setting.of("GANTRY_LEASE_MS", "--lease-ms", "30000",
            "How long a claim holds a job without renewal; a dead worker's jobs are rescued after it (ms)",
            raw -> Parsers.millis(raw, 3000, 86_400_000));
    public static final Setting<Duration> MONITOR_INTERVAL = Setting.of("GANTRY_MONITOR_INTERVAL_MS",
            "--monitor-interval-ms", "30000", "How often the queue monitor logs per-queue counts (ms)",
            raw -> Parsers.millis(raw, 1000, 86_400_000));
    public static final Setting<Duration> LOG_RETENTION = Setting.of("GANTRY_LOG_RETENTION_HOURS",
            "--log-retention-hours", "24", "Shipped log lines older than this are deleted (hours)",
            raw -> Duration.ofHours(Parsers.number(raw, 1, 24 * 365)));
    public static final Setting<Integer> LOG_BUFFER = Setting.of("GANTRY_LOG_BUFFER_SIZE", "--log-buffer-size", "20000",
            "Log events held for shipping; when full the lowest levels are dropped first",
            raw -> (int) Parsers.number(raw, 100, 1_000_000));
    public static final Setting<Integer> POOL_SIZE = Setting.of("GANTRY_POOL_SIZE", "--pool-size", "4",
            "Database connections of the worker, whatever its number of queues: one for LISTEN, the rest shared by"
                    + " claims, outcomes, lease renewals and the control plane",
            raw -> (int) Parsers.number(raw, 2, 1000));

    public static final Setting<Duration> SCHEDULE_INTERVAL = Setting.of("GANTRY_SCHEDULE_INTERVAL_MS",
            "--schedule-interval-ms", "1000", "How often the scheduler looks for due schedule ticks (ms; docs/schedules.md)",
            raw -> Parsers.millis(raw, 100, 3_600_000));

    public static final Setting<RetentionPolicy> RETENTION = Setting.of("GANTRY_RETENTION", "--retention",
            "completed=24h,cancelled=7d,discarded=30d",
            "How long finished jobs are kept per state, overridable per queue and kind: e.g. completed=24h,discarded=30d,"
                    + "queue:audit/completed=forever,kind:report.build/completed=1h (s, m, h, d or forever; docs/retention.md)",
            raw -> RetentionPolicy.parse("value", raw));
    public static final Setting<Duration> RETENTION_INTERVAL = Setting.of("GANTRY_RETENTION_INTERVAL_MS",
            "--retention-interval-ms", "60000", "How often finished jobs past their retention are deleted, by one worker at a time (ms)",
            raw -> Parsers.millis(raw, 1000, 86_400_000));
    public static final Setting<Boolean> RETENTION_ARCHIVE = Setting.of("GANTRY_RETENTION_ARCHIVE", "--retention-archive",
            "false", "true: copy each deleted job into gantry.jobs_archive in the same transaction", Parsers::bool);

    public static final Setting<Duration> STALL_TIMEOUT = Setting.of("GANTRY_STALL_TIMEOUT_MS", "--stall-timeout-ms",
            "300000", "/health answers 503 (stalled) when jobs have been available in an unpaused queue for longer, while"
                    + " this worker had a free slot and claimed none (ms)",
            raw -> Parsers.millis(raw, 1000, 86_400_000));

    public static final List<Setting<?>> ALL = List.of(DATABASE_URL, SCHEMA, WORKER_ID, QUEUES, POLL_INTERVAL, LISTEN,
            SYNCHRONOUS_COMMIT,
            HEARTBEAT_INTERVAL, DEAD_TIMEOUT, SHUTDOWN_TIMEOUT, LEASE, HTTP_PORT, HTTP_HOST, LOG_LEVEL, LOG_FORMAT, LOG_RETENTION,
            LOG_BUFFER, MONITOR_INTERVAL, POOL_SIZE, SCHEDULE_INTERVAL, RETENTION, RETENTION_INTERVAL, RETENTION_ARCHIVE,
            STALL_TIMEOUT);
}
