package dev.gantry.server.observability;

import java.time.Duration;
import java.util.function.Supplier;

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

import dev.gantry.event.GantryListener;
import dev.gantry.event.JobFinished;
import dev.gantry.event.OutcomeRejected;

/**
 * Gantry's metrics, fed by the listener hook: jobs by kind and outcome, run time histograms,
 * claim latency, rejected outcomes; plus gauges registered once the worker runs (running jobs,
 * queue depth, dropped log lines) and JVM metrics. Exported in Prometheus format.
 */
public final class GantryMetrics implements GantryListener {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

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
        Counter.builder("gantry.jobs.finished").description("Job outcomes written, by kind, queue and resulting state")
                .tags("kind", e.kind(), "queue", e.queue(), "state", e.state()).register(registry).increment();
        Timer.builder("gantry.job.duration").description("Handler run time per attempt")
                .tags("kind", e.kind(), "state", e.state()).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry).record(e.runTime());
    }

    @Override
    public void claimTimed(String queue, int count, Duration latency) {
        Timer.builder("gantry.claim.latency").description("Time of one claim statement").tags("queue", queue)
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(10)).register(registry).record(latency);
        Counter.builder("gantry.jobs.claimed").tags("queue", queue).register(registry).increment(count);
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
}
