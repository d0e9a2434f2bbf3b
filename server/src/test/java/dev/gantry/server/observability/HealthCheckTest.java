package dev.gantry.server.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.gantry.Gantry;
import dev.gantry.server.testing.GantryJvm;

/**
 * While the database is down, /health answers 503 within the 3 s the probes of
 * deploy/kubernetes wait, also for the server, which runs two Gantry instances (worker and API)
 * whose database probes each wait up to 2 s.
 */
class HealthCheckTest {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    @Test
    void theServersTwoPartsAreAskedAtOnceSoADownDatabaseIsReportedWithinAProbesTimeout() {
        String nowhere = "postgres://gantry:secret@127.0.0.1:" + GantryJvm.freePort() + "/gantry";
        try (Gantry worker = Gantry.builder().databaseUrl(nowhere).poolName("health-worker").failFast(false).build();
             Gantry api = Gantry.builder().databaseUrl(nowhere).poolName("health-api").failFast(false).build()) {
            HealthCheck check = new HealthCheck(List.of(worker, api));
            long asked = System.nanoTime();
            HealthCheck.Report report = check.check();
            Duration took = Duration.ofNanos(System.nanoTime() - asked);

            assertThat(report.status()).isEqualTo(503);
            assertThat(String.valueOf(report.body().get("reason"))).contains("database");
            assertThat(took).as("time to answer with the database down").isLessThan(PROBE_TIMEOUT);
        }
    }
}
