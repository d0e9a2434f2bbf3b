package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class SchedulesApiTest {

    @Test
    void aScheduleIsCreatedReplacedListedPausedResumedAndDeleted(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.schedules");
        try (RunningServer s = RunningServer.start(db, false, 1 << 20)) {
            db.execute("SELECT gantry.declare_kind('stats.refresh')");
            String body = "{\"spec\": \"0 2 * * 0\", \"kind\": \"stats.refresh\", \"args\": {\"full\": true},"
                    + " \"timezone\": \"Europe/Paris\", \"queue\": \"stats\", \"tags\": [\"weekly\"]}";
            Http.Response created = s.http.send("PUT", "/api/schedules/weekly", s.operator, body);
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().path("args").path("full").asBoolean()).isTrue();
            assertThat(created.json().path("next_run_at").asText()).isNotEmpty();
            assertThat(s.http.send("PUT", "/api/schedules/weekly", s.operator, body).status()).isEqualTo(200);
            assertThat(s.http.send("PUT", "/api/schedules/weekly", s.viewer, body).status()).isEqualTo(403);

            JsonNode list = s.http.get("/api/schedules", s.viewer).json().path("schedules");
            assertThat(list.findValuesAsText("name")).containsExactly("weekly");
            JsonNode one = s.http.get("/api/schedules/weekly", s.viewer).json();
            assertThat(one.path("next_runs")).hasSize(5);
            // Sundays at 02:00 in Paris: 01:00Z in winter
            Instant first = Instant.parse(one.path("next_runs").get(0).asText());
            assertThat(first.toString()).endsWith("T01:00:00Z");
            assertThat(Instant.parse(one.path("next_runs").get(1).asText())).isEqualTo(first.plus(Duration.ofDays(7)));

            assertThat(s.http.post("/api/schedules/weekly/pause", s.operator, null).json().path("paused").asBoolean()).isTrue();
            assertThat(s.http.get("/api/schedules/weekly", s.viewer).json().path("next_runs")).isEmpty();
            assertThat(s.http.post("/api/schedules/weekly/resume", s.operator, null).json().path("paused").asBoolean()).isFalse();
            assertThat(s.http.post("/api/schedules/nope/pause", s.operator, null).status()).isEqualTo(404);
            assertThat(s.http.get("/api/schedules/nope", s.viewer).status()).isEqualTo(404);
            assertThat(s.http.delete("/api/schedules/weekly", s.viewer).status()).isEqualTo(403);
            assertThat(s.http.delete("/api/schedules/weekly", s.operator).status()).isEqualTo(204);
            assertThat(s.http.delete("/api/schedules/weekly", s.operator).status()).isEqualTo(404);
        }
    }

    @Test
    void badInputIsA422NamingTheFieldAndWritesNothing(TestDatabase db) {
        db.execute("TRUNCATE gantry.schedules");
        try (RunningServer s = RunningServer.start(db, false, 1 << 20)) {
            db.execute("SELECT gantry.declare_kind('stats.refresh')");
            String[][] cases = {
                    {"{\"spec\": \"every 5\", \"kind\": \"stats.refresh\"}", "spec"},
                    {"{\"spec\": \"0 0 30 2 *\", \"kind\": \"stats.refresh\"}", "spec"},
                    {"{\"kind\": \"stats.refresh\"}", "spec"},
                    {"{\"spec\": \"every 5m\"}", "kind"},
                    {"{\"spec\": \"every 5m\", \"kind\": \"no.such\"}", "kind"},
                    {"{\"spec\": \"every 5m\", \"kind\": \"stats.refresh\", \"timezone\": \"Moon/Base\"}", "timezone"},
                    {"{\"spec\": \"every 5m\", \"kind\": \"stats.refresh\", \"args\": [1]}", "args"},
                    {"{\"spec\": \"every 5m\", \"kind\": \"stats.refresh\", \"catch_up\": -2}", "catch_up"},
                    {"{\"spec\": \"every 5m\", \"kind\": \"stats.refresh\", \"timeout_ms\": 1500}", "timeout_ms"}};
            for (String[] c : cases) {
                Http.Response r = s.http.send("PUT", "/api/schedules/x", s.operator, c[0]);
                assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(422);
                assertThat(r.json().path("error").path("details").path("field").asText()).as(c[0]).isEqualTo(c[1]);
            }
            assertThat(s.http.send("PUT", "/api/schedules/x", s.operator, "{\"spec\": \"every 5m\", \"kind\": \"stats.refresh\", \"nope\": 1}")
                    .status()).isEqualTo(400);
            assertThat(s.http.send("PUT", "/api/schedules/bad%20name", s.operator, "{\"spec\": \"every 5m\", \"kind\": \"stats.refresh\"}")
                    .status()).isEqualTo(422);
            assertThat(db.queryLong("SELECT count(*) FROM gantry.schedules")).isZero();
        }
    }

    /** The server's own worker runs the scheduler: an every-second schedule's jobs run and carry its tag. */
    @Test
    void theServersWorkerEnqueuesAndRunsTheTicks(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.schedules");
        try (RunningServer s = RunningServer.start(db, true, 1 << 20)) {
            assertThat(s.http.send("PUT", "/api/schedules/tick", s.operator,
                    "{\"spec\": \"every 1s\", \"kind\": \"demo.sleep\", \"args\": {\"ms\": 1}}").status()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    db.queryLong("SELECT count(*) FROM gantry.jobs WHERE state = 'completed' AND 'schedule:tick' = ANY (tags)") >= 3);
            JsonNode one = s.http.get("/api/schedules/tick", s.viewer).json();
            assertThat(one.path("last_job_id").asLong()).isPositive();
            assertThat(one.path("last_run_at").asText()).isNotEmpty();
            s.http.delete("/api/schedules/tick", s.operator);
        }
    }
}
