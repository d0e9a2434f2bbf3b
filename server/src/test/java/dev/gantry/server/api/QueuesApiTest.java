package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class QueuesApiTest {

    @Test
    void pausedQueueHoldsItsJobsUntilResumed(TestDatabase db) {
        db.reset();
        db.execute("DELETE FROM gantry.queues");
        try (RunningServer s = RunningServer.start(db, true, 1 << 20)) {
            JsonNode paused = s.http.post("/api/queues/default/pause", s.operator, null).json();
            assertThat(paused.path("paused").asBoolean()).isTrue();
            assertThat(paused.path("paused_by").asText()).isEqualTo("api:test-operator");

            long id = s.http.post("/api/jobs", s.operator, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1}}").json().path("id").asLong();
            // The in-process worker serves "default"; while paused it claims nothing (checked over a second).
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() ->
                    s.http.get("/api/jobs/" + id, s.viewer).json().path("state").asText().equals("available"));
            JsonNode listed = s.http.get("/api/queues", s.viewer).json().path("queues");
            assertThat(listed.findValuesAsText("name")).contains("default");

            assertThat(s.http.post("/api/queues/default/resume", s.viewer, null).status()).isEqualTo(403);
            assertThat(s.http.post("/api/queues/default/resume", s.operator, null).json().path("paused").asBoolean()).isFalse();
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    s.http.get("/api/jobs/" + id, s.viewer).json().path("state").asText().equals("completed"));
            assertThat(s.http.post("/api/queues/bad%20name!/pause", s.operator, null).status()).isEqualTo(422);
        }
    }
}
