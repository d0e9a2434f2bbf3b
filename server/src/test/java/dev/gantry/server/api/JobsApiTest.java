package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class JobsApiTest {
    private TestDatabase db;
    private RunningServer s;
    private Http http;

    @BeforeEach
    void start(TestDatabase db) {
        this.db = db;
        db.reset();
        s = RunningServer.start(db, true, 1 << 20);
        http = s.http;
    }

    @AfterEach
    void stop() {
        s.close();
    }

    private JsonNode awaitState(long id, String state) {
        await().atMost(Duration.ofSeconds(15)).until(() -> http.get("/api/jobs/" + id, s.viewer).json()
                .path("state").asText().equals(state));
        return http.get("/api/jobs/" + id, s.viewer).json();
    }

    @Test
    void enqueuedJobRunsAndIsListedWithItsResult() {
        Http.Response created = http.post("/api/jobs", s.operator,
                "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":5},\"queue\":\"default\",\"priority\":2,\"max_attempts\":3,"
                        + "\"unique_key\":\"k-1\",\"tags\":[\"a\",\"b\"]}");
        assertThat(created.status()).isEqualTo(201);
        long id = created.json().path("id").asLong();
        assertThat(created.json().path("state").asText()).isEqualTo("available");
        assertThat(created.json().path("max_attempts").asInt()).isEqualTo(3);

        JsonNode done = awaitState(id, "completed");
        assertThat(done.path("attempt").asInt()).isEqualTo(1);
        assertThat(done.path("result").path("slept_ms").asInt()).isEqualTo(5);
        assertThat(done.path("errors").isArray()).isTrue();

        JsonNode page = http.get("/api/jobs?state=completed&tag=a&kind=demo.sleep&q=ms", s.viewer).json();
        assertThat(page.path("jobs")).hasSize(1);
        assertThat(page.path("jobs").get(0).path("id").asLong()).isEqualTo(id);
        assertThat(http.get("/api/jobs?state=discarded", s.viewer).json().path("jobs")).isEmpty();
    }

    @Test
    void sameUniqueKeyReturnsTheSameJob() {
        long a = http.post("/api/jobs", s.operator, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1},\"unique_key\":\"u\","
                + "\"delay_ms\":60000}").json().path("id").asLong();
        long b = http.post("/api/jobs", s.operator, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1},\"unique_key\":\"u\","
                + "\"delay_ms\":60000}").json().path("id").asLong();
        assertThat(b).isEqualTo(a);
        assertThat(db.countJobs()).isEqualTo(1);
    }

    @Test
    void pagesWithKeysetCursor() {
        StringBuilder batch = new StringBuilder("{\"jobs\":[");
        for (int i = 0; i < 25; i++) {
            if (i > 0) batch.append(',');
            batch.append("{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1},\"delay_ms\":600000}");
        }
        Http.Response r = http.post("/api/jobs/batch", s.operator, batch.append("]}").toString());
        assertThat(r.status()).isEqualTo(201);
        assertThat(r.json().path("jobs")).hasSize(25);

        JsonNode first = http.get("/api/jobs?limit=10", s.viewer).json();
        assertThat(first.path("jobs")).hasSize(10);
        long cursor = first.path("next_cursor").asLong();
        JsonNode second = http.get("/api/jobs?limit=10&cursor=" + cursor, s.viewer).json();
        assertThat(second.path("jobs").get(0).path("id").asLong()).isLessThan(first.path("jobs").get(9).path("id").asLong());
        JsonNode third = http.get("/api/jobs?limit=10&cursor=" + second.path("next_cursor").asLong(), s.viewer).json();
        assertThat(third.path("jobs")).hasSize(5);
        assertThat(third.path("next_cursor").isNull()).isTrue();
    }

    @Test
    void failingJobIsDiscardedThenRetriedToCompletion() {
        long id = http.post("/api/jobs", s.operator, "{\"kind\":\"demo.fail\",\"args\":{\"times\":1,\"message\":\"boom\"},\"max_attempts\":1}")
                .json().path("id").asLong();
        JsonNode discarded = awaitState(id, "discarded");
        assertThat(discarded.path("errors").get(0).path("error").asText()).contains("boom");

        Http.Response retried = http.post("/api/jobs/" + id + "/retry", s.operator, null);
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.json().path("state").asText()).isEqualTo("available");
        JsonNode done = awaitState(id, "completed");
        assertThat(done.path("attempt").asInt()).isEqualTo(2);
        assertThat(done.path("errors")).hasSize(1);
        assertThat(http.post("/api/jobs/" + id + "/cancel", s.operator, null).status()).isEqualTo(409);
    }

    @Test
    void cancelDeleteAndBulkActions() {
        long a = http.post("/api/jobs", s.operator, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1},\"delay_ms\":600000,"
                + "\"tags\":[\"bulk\"]}").json().path("id").asLong();
        long b = http.post("/api/jobs", s.operator, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1},\"delay_ms\":600000,"
                + "\"tags\":[\"bulk\"]}").json().path("id").asLong();
        long other = http.post("/api/jobs", s.operator, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1},\"delay_ms\":600000}")
                .json().path("id").asLong();

        Http.Response cancelled = http.post("/api/jobs/bulk/cancel", s.operator, "{\"filter\":{\"tag\":\"bulk\"}}");
        assertThat(cancelled.status()).isEqualTo(200);
        assertThat(cancelled.json().path("cancelled").asInt()).isEqualTo(2);
        assertThat(cancelled.json().path("more").asBoolean()).isFalse();
        assertThat(db.state(a).dbName()).isEqualTo("cancelled");
        assertThat(db.state(b).dbName()).isEqualTo("cancelled");
        assertThat(db.state(other).dbName()).isEqualTo("scheduled");

        Http.Response retried = http.post("/api/jobs/bulk/retry", s.operator,
                "{\"filter\":{\"state\":[\"cancelled\"],\"tag\":\"bulk\"},\"max\":1}");
        assertThat(retried.json().path("retried").asInt()).isEqualTo(1);
        assertThat(retried.json().path("more").asBoolean()).isTrue();

        assertThat(http.delete("/api/jobs/" + other, s.operator).status()).isEqualTo(204);
        assertThat(http.get("/api/jobs/" + other, s.viewer).status()).isEqualTo(404);
        assertThat(http.delete("/api/jobs/" + other, s.operator).status()).isEqualTo(404);
    }
}
