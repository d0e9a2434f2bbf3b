package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * A broadcast shutdown stops workers, and a server's in-process worker is one of them; the server
 * itself keeps serving its API (it is not the worker's process to end).
 */
@ExtendWith(PostgresExtension.class)
class ServerShutdownCommandTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aShutdownCommandStopsTheInProcessWorkerAndTheServerKeepsServing(TestDatabase db) {
        db.reset();
        try (RunningServer s = RunningServer.start(db, true, 1 << 20)) {
            String workerId = s.server.worker().health().workerId();

            var sent = s.http.post("/api/workers/commands?wait_ms=10000", s.operator, "{\"command\":\"shutdown\"}");

            assertThat(sent.status()).as(sent.body()).isEqualTo(202);
            assertThat(sent.json().path("status").asText()).isEqualTo("processed");
            await().atMost(WAIT).until(() -> "stopped".equals(
                    s.http.get("/api/workers/" + workerId, s.viewer).json().path("status").asText()));
            await().atMost(WAIT).until(() -> s.server.worker().workerStats().isEmpty());
            assertThat(s.http.get("/health", null).status()).isEqualTo(200);
            var enqueued = s.http.post("/api/jobs", s.operator, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1}}");
            assertThat(enqueued.status()).as("the API still takes jobs").isEqualTo(201);
            assertThat(s.http.get("/api/jobs/" + enqueued.json().path("id").asLong(), s.viewer).json()
                    .path("state").asText()).isEqualTo("available");
        }
    }
}
