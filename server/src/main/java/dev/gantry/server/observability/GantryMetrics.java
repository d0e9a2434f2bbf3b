package dev.gantry.server.observability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import dev.gantry.Gantry;
import dev.gantry.event.GantryListener;
import dev.gantry.health.WorkerStats;
import dev.gantry.event.JobFinished;
import dev.gantry.event.OutcomeRejected;

/**
 * Gantry's metrics, fed by the listener hook: jobs by kind and outcome, run time histograms,
 * claim latency, rejected outcomes; plus gauges registered once the worker runs (running jobs,
 * queue depth, dropped log lines) and JVM metrics. Exported in Prometheus format.
 */
public final class GantryMetrics implements GantryListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Meters by tag values: building a histogram meter is costly, recording is not. */
    private final ConcurrentMap<List<String>, Counter> finished = new ConcurrentHashMap<>();
    private final ConcurrentMap<List<String>, Timer> durations = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> claimLatency = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> claimed = new ConcurrentHashMap<>();

    public GantryMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    public String scrape() {
        return registry.scrape();
    }

    public void gauge(String name, String description, Supplier<Number> value, String... tags) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    @Override
    public void jobFinished(JobFinished e) {
        finished.computeIfAbsent(List.of(e.kind(), e.queue(), e.state()), k -> Counter.builder("gantry.jobs.finished")
                .description("Job outcomes written, by kind, queue and resulting state")
                .tags("kind", k.get(0), "queue", k.get(1), "state", k.get(2)).register(registry)).increment();
        durations.computeIfAbsent(List.of(e.kind(), e.state()), k -> Timer.builder("gantry.job.duration")
                .description("Handler run time per attempt").tags("kind", k.get(0), "state", k.get(1))
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry)).record(e.runTime());
    }

    @Override
    public void claimTimed(String queue, int count, Duration latency) {
        claimLatency.computeIfAbsent(queue, q -> Timer.builder("gantry.claim.latency").description("Time of one claim statement")
                .tags("queue", q).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry)).record(latency);
        claimed.computeIfAbsent(queue, q -> Counter.builder("gantry.jobs.claimed").tags("queue", q).register(registry))
                .increment(count);
    }

    @Override
    public void outcomeRejected(OutcomeRejected e) {
        Counter.builder("gantry.outcomes.rejected").description("Late outcomes of jobs this worker no longer held")
                .register(registry).increment();
    }

    @Override
    public void jobsRescued(int retried, int discarded) {
        Counter.builder("gantry.jobs.rescued").tags("state", "retryable").register(registry).increment(retried);
        Counter.builder("gantry.jobs.rescued").tags("state", "discarded").register(registry).increment(discarded);
    }

    @Override
    public void jobsDeleted(dev.gantry.job.JobState state, long count) {
        Counter.builder("gantry.jobs.deleted").description("Finished jobs deleted by retention (docs/retention.md)")
                .tags("state", state.dbName()).register(registry).increment(count);
    }

    /** Counts a component's failures (each also logged with its name and shown on /health). */
    @Override
    public void componentFailed(String component, Throwable error) {
        Counter.builder("gantry.component.failures").description("Unexpected errors of a component's loop, each followed by a restart")
                .tags("component", component).register(registry).increment();
    }

    /** The gauges that need the running worker; they read 0 while it is stopped. */
    public void bindWorker(Gantry gantry) {
        gauge("gantry.jobs.running", "Jobs this worker is running", stat(gantry, WorkerStats::runningJobs));
        gauge("gantry.logs.dropped", "Log events dropped by the shipper", stat(gantry, WorkerStats::logsDropped));
        gauge("gantry.logs.shipped", "Log events shipped to gantry.worker_logs", stat(gantry, WorkerStats::logsShipped));
        gauge("gantry.logs.buffer.high_water", "Most log events ever queued at once",
                stat(gantry, WorkerStats::logBufferHighWater));
        for (String queue : gantry.workerStats().map(w -> w.availableByQueue().keySet()).orElse(Set.of())) {
            gauge("gantry.queue.available", "Available jobs in the queue at the last monitor run",
                    stat(gantry, w -> w.availableByQueue().getOrDefault(queue, 0L)), "queue", queue);
        }
    }

    private static Supplier<Number> stat(Gantry gantry, ToLongFunction<WorkerStats> value) {
        return () -> gantry.workerStats().map(value::applyAsLong).orElse(0L);
    }
}
