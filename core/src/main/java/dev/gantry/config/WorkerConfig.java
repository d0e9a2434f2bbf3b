package dev.gantry.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

import dev.gantry.job.ExponentialBackoff;
import dev.gantry.job.RetryPolicy;

/**
 * How a worker runs: its queues, wake-ups, leases, maintenance intervals and defaults for
 * handlers. Immutable and validated; build with {@link #builder()}.
 *
 * @param workerId         unique per process; outcomes are fenced on it
 * @param listen           LISTEN/NOTIFY wake-ups; false = polling only (PgBouncer transaction mode)
 * @param leaseDuration    how long a claim holds a job without renewal; renewed every third of it
 * @param defaultTimeout   timeout of one attempt when neither job nor kind sets one; null = none
 * @param heartbeatInterval how often the worker writes its row in gantry.workers
 * @param deadTimeout      a worker silent for longer is shown as dead and its commands expire
 * @param workerRetention  rows of workers silent for longer are deleted
 * @param logRetention     shipped log lines older than this are deleted
 * @param monitorInterval  how often the queue monitor logs per-queue counts
 * @param statsRetention   per-minute job statistics (gantry.job_stats) older than this are deleted
 * @param synchronousCommit true: claims and outcomes wait for the WAL flush; false (default):
 *                          they do not, faster, and a PostgreSQL crash may run a few jobs again
 *                          (docs/adr/0007)
 * @param stallTimeout     job outcomes waiting longer than this to be written make the worker
 *                          unhealthy ({@code /health}: component completer stalled)
 * @param scheduleInterval how often the scheduler looks for due schedule ticks (docs/schedules.md)
 * @param retention        how long finished jobs are kept (docs/retention.md)
 * @param retentionInterval how often a worker prunes (one worker at a time)
 * @param retentionArchive copy each pruned job into gantry.jobs_archive
 * @param claimStallTimeout jobs available in an unpaused queue for longer than this, while this
 *                          worker had a free slot and claimed none for as long, make it unhealthy
 *                          ({@code /health}: stalled)
 */
public record WorkerConfig(
        String workerId,
        List<QueueConfig> queues,
        Duration pollInterval,
        boolean listen,
        Duration shutdownTimeout,
        Duration leaseDuration,
        Duration rescueInterval,
        Duration stageInterval,
        Duration completerFlushInterval,
        int completerBatchSize,
        Duration defaultTimeout,
        RetryPolicy retryPolicy,
        Duration heartbeatInterval,
        Duration deadTimeout,
        Duration workerRetention,
        Duration logRetention,
        Duration monitorInterval,
        boolean synchronousCommit,
        Duration statsRetention,
        Duration stallTimeout,
        Duration scheduleInterval,
        RetentionPolicy retention,
        Duration retentionInterval,
        boolean retentionArchive,
        Duration claimStallTimeout) {

    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofSeconds(30);
    public static final Duration DEFAULT_RESCUE_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_STAGE_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_COMPLETER_FLUSH_INTERVAL = Duration.ofMillis(5);
    public static final int DEFAULT_COMPLETER_BATCH_SIZE = 500;
    public static final int DEFAULT_CONCURRENCY = 16;
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_DEAD_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_WORKER_RETENTION = Duration.ofHours(24);
    public static final Duration DEFAULT_LOG_RETENTION = Duration.ofHours(24);
    public static final Duration DEFAULT_MONITOR_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_STATS_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_SCHEDULE_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_RETENTION_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_CLAIM_STALL_TIMEOUT = Duration.ofMinutes(5);

    public WorkerConfig {
        Objects.requireNonNull(workerId, "workerId");
        if (workerId.isBlank() || workerId.length() > 200) {
            throw new ConfigException("workerId", "must be 1 to 200 characters");
        }
        queues = List.copyOf(queues);
        if (queues.isEmpty()) throw new ConfigException("queues", "at least one queue is required");
        if (queues.stream().map(QueueConfig::name).distinct().count() != queues.size()) {
            throw new ConfigException("queues", "a queue is listed twice");
        }
        positive("pollInterval", pollInterval);
        positive("shutdownTimeout", shutdownTimeout);
        positive("leaseDuration", leaseDuration);
        if (leaseDuration.compareTo(Duration.ofSeconds(3)) < 0) {
            throw new ConfigException("leaseDuration", "must be at least 3 s, got " + leaseDuration.toMillis() + " ms");
        }
        positive("rescueInterval", rescueInterval);
        positive("stageInterval", stageInterval);
        positive("completerFlushInterval", completerFlushInterval);
        if (completerBatchSize < 1) throw new ConfigException("completerBatchSize", "must be > 0");
        if (defaultTimeout != null) positive("defaultTimeout", defaultTimeout);
        Objects.requireNonNull(retryPolicy, "retryPolicy");
        positive("heartbeatInterval", heartbeatInterval);
        positive("deadTimeout", deadTimeout);
        positive("workerRetention", workerRetention);
        positive("logRetention", logRetention);
        positive("monitorInterval", monitorInterval);
        positive("statsRetention", statsRetention);
        positive("stallTimeout", stallTimeout);
        positive("scheduleInterval", scheduleInterval);
        Objects.requireNonNull(retention, "retention");
        positive("retentionInterval", retentionInterval);
        positive("claimStallTimeout", claimStallTimeout);
        if (deadTimeout.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new ConfigException("deadTimeout", "must be at least twice the heartbeat interval ("
                    + heartbeatInterval.toMillis() + " ms), got " + deadTimeout.toMillis() + " ms");
        }
    }

    private static void positive(String name, Duration d) {
        if (d == null || !d.isPositive()) throw new ConfigException(name, "must be > 0, got " + d);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.workerId = workerId;
        b.queues = queues;
        b.pollInterval = pollInterval;
        b.listen = listen;
        b.shutdownTimeout = shutdownTimeout;
        b.leaseDuration = leaseDuration;
        b.rescueInterval = rescueInterval;
        b.stageInterval = stageInterval;
        b.completerFlushInterval = completerFlushInterval;
        b.completerBatchSize = completerBatchSize;
        b.defaultTimeout = defaultTimeout;
        b.retryPolicy = retryPolicy;
        b.heartbeatInterval = heartbeatInterval;
        b.deadTimeout = deadTimeout;
        b.workerRetention = workerRetention;
        b.logRetention = logRetention;
        b.monitorInterval = monitorInterval;
        b.synchronousCommit = synchronousCommit;
        b.statsRetention = statsRetention;
        b.stallTimeout = stallTimeout;
        b.scheduleInterval = scheduleInterval;
        b.retention = retention;
        b.retentionInterval = retentionInterval;
        b.retentionArchive = retentionArchive;
        b.claimStallTimeout = claimStallTimeout;
        return b;
    }

    /** Starts from the documented defaults: queue {@code default} at concurrency 16, LISTEN on. */
    public static final class Builder {
        private String workerId = WorkerIds.generate();
        private List<QueueConfig> queues = List.of(new QueueConfig("default", DEFAULT_CONCURRENCY));
        private Duration pollInterval = DEFAULT_POLL_INTERVAL;
        private boolean listen = true;
        private boolean synchronousCommit;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration rescueInterval = DEFAULT_RESCUE_INTERVAL;
        private Duration stageInterval = DEFAULT_STAGE_INTERVAL;
        private Duration completerFlushInterval = DEFAULT_COMPLETER_FLUSH_INTERVAL;
        private int completerBatchSize = DEFAULT_COMPLETER_BATCH_SIZE;
        private Duration defaultTimeout;
        private RetryPolicy retryPolicy = ExponentialBackoff.DEFAULT;
        private Duration heartbeatInterval = DEFAULT_HEARTBEAT_INTERVAL;
        private Duration deadTimeout = DEFAULT_DEAD_TIMEOUT;
        private Duration workerRetention = DEFAULT_WORKER_RETENTION;
        private Duration logRetention = DEFAULT_LOG_RETENTION;
        private Duration monitorInterval = DEFAULT_MONITOR_INTERVAL;
        private Duration statsRetention = DEFAULT_STATS_RETENTION;
        private Duration stallTimeout = DEFAULT_STALL_TIMEOUT;
        private Duration scheduleInterval = DEFAULT_SCHEDULE_INTERVAL;
        private RetentionPolicy retention = RetentionPolicy.DEFAULT;
        private Duration retentionInterval = DEFAULT_RETENTION_INTERVAL;
        private boolean retentionArchive;
        private Duration claimStallTimeout = DEFAULT_CLAIM_STALL_TIMEOUT;

        private Builder() {
        }

        public Builder workerId(String v) { workerId = v; return this; }
        public Builder queues(List<QueueConfig> v) { queues = v; return this; }
        public Builder queue(String name, int concurrency) { queues = List.of(new QueueConfig(name, concurrency)); return this; }
        public Builder pollInterval(Duration v) { pollInterval = v; return this; }
        public Builder listen(boolean v) { listen = v; return this; }
        public Builder shutdownTimeout(Duration v) { shutdownTimeout = v; return this; }
        public Builder leaseDuration(Duration v) { leaseDuration = v; return this; }
        public Builder rescueInterval(Duration v) { rescueInterval = v; return this; }
        public Builder stageInterval(Duration v) { stageInterval = v; return this; }
        public Builder completerFlushInterval(Duration v) { completerFlushInterval = v; return this; }
        public Builder completerBatchSize(int v) { completerBatchSize = v; return this; }
        public Builder defaultTimeout(Duration v) { defaultTimeout = v; return this; }
        public Builder retryPolicy(RetryPolicy v) { retryPolicy = v; return this; }
        public Builder heartbeatInterval(Duration v) { heartbeatInterval = v; return this; }
        public Builder deadTimeout(Duration v) { deadTimeout = v; return this; }
        public Builder workerRetention(Duration v) { workerRetention = v; return this; }
        public Builder logRetention(Duration v) { logRetention = v; return this; }
        public Builder monitorInterval(Duration v) { monitorInterval = v; return this; }
        public Builder synchronousCommit(boolean v) { synchronousCommit = v; return this; }
        public Builder statsRetention(Duration v) { statsRetention = v; return this; }
        public Builder stallTimeout(Duration v) { stallTimeout = v; return this; }
        public Builder scheduleInterval(Duration v) { scheduleInterval = v; return this; }
        public Builder retention(RetentionPolicy v) { retention = v; return this; }
        public Builder retentionInterval(Duration v) { retentionInterval = v; return this; }
        public Builder retentionArchive(boolean v) { retentionArchive = v; return this; }
        public Builder claimStallTimeout(Duration v) { claimStallTimeout = v; return this; }

        public WorkerConfig build() {
            return new WorkerConfig(workerId, queues, pollInterval, listen, shutdownTimeout, leaseDuration,
                    rescueInterval, stageInterval, completerFlushInterval, completerBatchSize, defaultTimeout,
                    retryPolicy, heartbeatInterval, deadTimeout, workerRetention, logRetention, monitorInterval,
                    synchronousCommit, statsRetention, stallTimeout, scheduleInterval, retention, retentionInterval,
                    retentionArchive, claimStallTimeout);
        }
    }
}
