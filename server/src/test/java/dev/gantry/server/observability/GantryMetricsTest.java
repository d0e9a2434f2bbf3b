package dev.gantry.server.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * /metrics counts each component's failures by name (the supervised runtime tells the listener of
 * each one: SupervisedWorkerTest), so an operator can alert on a loop that keeps restarting.
 */
class GantryMetricsTest {
    @Test
    void componentFailuresAreCountedPerComponent() {
        GantryMetrics metrics = new GantryMetrics();
        assertThat(metrics.scrape()).doesNotContain("gantry_component_failures_total");

        metrics.componentFailed("completer", new IllegalStateException("boom"));
        metrics.componentFailed("completer", new RuntimeException("again"));
        metrics.componentFailed("heartbeat", new RuntimeException("once"));

        assertThat(metrics.scrape())
                .contains("gantry_component_failures_total{component=\"completer\"} 2.0")
                .contains("gantry_component_failures_total{component=\"heartbeat\"} 1.0");
    }
}
