package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

@ExtendWith(PostgresExtension.class)
class LimitsApiTest {

    @Test
    void aLimitIsCreatedReplacedListedAndDeletedAndJobsCarryTheirKey(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.limits CASCADE");
        try (RunningServer s = RunningServer.start(db, false, 1 << 20)) {
            db.execute("SELECT gantry.declare_kind('ads.sync')");
            Http.Response created = s.http.send("PUT", "/api/limits/acct-1", s.operator, "{\"max_running\": 2}");
            assertThat(created.status()).as(created.body()).isEqualTo(201);
            assertThat(created.json().path("max_running").asInt()).isEqualTo(2);
            Http.Response replaced = s.http.send("PUT", "/api/limits/acct-1", s.operator,
                    "{\"max_running\": 4, \"max_per_period\": 100, \"period_ms\": 60000}");
            assertThat(replaced.status()).isEqualTo(200);
            assertThat(replaced.json().path("period_ms").asLong()).isEqualTo(60000);
            assertThat(s.http.send("PUT", "/api/limits/acct-1", s.viewer, "{\"max_running\": 1}").status()).isEqualTo(403);

            Http.Response job = s.http.post("/api/jobs", s.operator, "{\"kind\": \"ads.sync\", \"limit_key\": \"acct-1\"}");
            assertThat(job.status()).as(job.body()).isEqualTo(201);
            assertThat(job.json().path("limit_key").asText()).isEqualTo("acct-1");

            JsonNode list = s.http.get("/api/limits", s.viewer).json().path("limits");
            assertThat(list.findValuesAsText("key")).containsExactly("acct-1");
            assertThat(list.get(0).path("running").asLong()).isZero();
            assertThat(s.http.get("/api/limits/acct-1", s.viewer).json().path("max_per_period").asInt()).isEqualTo(100);
            assertThat(s.http.get("/api/limits/nope", s.viewer).status()).isEqualTo(404);
            assertThat(s.http.delete("/api/limits/acct-1", s.viewer).status()).isEqualTo(403);
            assertThat(s.http.delete("/api/limits/acct-1", s.operator).status()).isEqualTo(204);
            assertThat(s.http.delete("/api/limits/acct-1", s.operator).status()).isEqualTo(404);
        }
    }

    @Test
    void badInputIsA422NamingTheFieldAndWritesNothing(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.limits CASCADE");
        try (RunningServer s = RunningServer.start(db, false, 1 << 20)) {
            db.execute("SELECT gantry.declare_kind('ads.sync')");
            String[][] cases = {
                    {"{}", "limit"},
                    {"{\"max_running\": -1}", "max_running"},
                    {"{\"max_per_period\": 10}", "period"},
                    {"{\"max_per_period\": 0, \"period_ms\": 60000}", "max_per_period"},
                    {"{\"max_per_period\": 10, \"period_ms\": 10}", "period"},
                    {"{\"max_per_period\": 10, \"period_ms\": 99999999999}", "period"}};
            for (String[] c : cases) {
                Http.Response r = s.http.send("PUT", "/api/limits/k", s.operator, c[0]);
                assertThat(r.status()).as(c[0] + " -> " + r.body()).isEqualTo(422);
                assertThat(r.json().path("error").path("details").path("field").asText()).as(c[0]).isEqualTo(c[1]);
            }
            assertThat(s.http.send("PUT", "/api/limits/k", s.operator, "{\"max_running\": 1, \"nope\": 1}").status()).isEqualTo(400);
            assertThat(s.http.send("PUT", "/api/limits/bad%20key", s.operator, "{\"max_running\": 1}").status()).isEqualTo(422);
            Http.Response job = s.http.post("/api/jobs", s.operator, "{\"kind\": \"ads.sync\", \"limit_key\": \"a b\"}");
            assertThat(job.status()).isEqualTo(422);
            assertThat(job.json().path("error").path("details").path("field").asText()).isEqualTo("limit_key");
            assertThat(db.queryLong("SELECT count(*) FROM gantry.limits")).isZero();
            assertThat(db.countJobs()).isZero();
        }
    }
}
