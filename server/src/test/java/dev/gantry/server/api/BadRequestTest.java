package dev.gantry.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.RunningServer;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * Several hundred generated bad requests: malformed JSON, wrong types, unknown and missing
 * fields, oversized bodies, bad query parameters, unknown ids, huge pages. Each must get a 4xx
 * with {"error": {"code", "message", "details"}}, no stack trace, and change nothing.
 */
@ExtendWith(PostgresExtension.class)
class BadRequestTest {
    private static final long MAX_BODY = 64 * 1024;
    private static RunningServer s;
    private static TestDatabase db;

    record Bad(String method, String path, String body) {
    }

    @BeforeAll
    static void start(TestDatabase database) {
        db = database;
        db.reset();
        s = RunningServer.start(db, false, MAX_BODY);
        s.server.gantry().client().declareKind("demo.sleep", "demo.fail");
    }

    @AfterAll
    static void stop() {
        s.close();
    }

    static List<Bad> generated(long existingJob) {
        List<Bad> out = new ArrayList<>();
        String[] malformed = {"{", "}", "{\"kind\":", "{\"kind\":\"demo.sleep\",}", "[1,2", "not json", "{'kind':'x'}",
            "{\"kind\":\"demo.sleep\"} trailing", "{\"kind\":\"demo.sleep\",\"kind\":\"demo.fail\"}", "\u0000", "\"str\"",
            "42", "true", "null", "[]", "[{}]", "{\"kind\":\"demo.sleep\",\"args\":{]}", "{\"a\":1}{\"b\":2}",
            "{\"kind\":\"\\uZZZZ\"}", "{\"kind\":\"demo.sleep\" \"args\":{}}"};
        String[] jsonEndpoints = {"/api/jobs", "/api/jobs/batch", "/api/jobs/bulk/retry", "/api/jobs/bulk/cancel",
            "/api/workers/commands", "/api/tokens"};
        for (String path : jsonEndpoints) {
            for (String body : malformed) out.add(new Bad("POST", path, body));
            out.add(new Bad("POST", path, ""));
            out.add(new Bad("POST", path, "{\"unknown_field\":1}"));
        }
        // Wrong types and bad values for every field of an enqueue.
        String[][] fields = {
            {"kind", "5", "true", "{}", "[]", "\"no spaces allowed\"", "\"\"", "\"" + "k".repeat(300) + "\"", "\"never.registered\""},
            {"args", "5", "\"text\"", "[1,2]", "true"},
            {"queue", "5", "{}", "\"bad queue!\"", "\"\"", "\"" + "q".repeat(200) + "\""},
            {"priority", "\"5\"", "-1", "1.5", "{}", "99999999999"},
            {"run_at", "\"tomorrow\"", "\"2026-13-45T00:00:00Z\"", "{}", "true"},
            {"delay_ms", "\"1000\"", "-5", "[]"},
            {"max_attempts", "0", "-3", "\"3\"", "2.5"},
            {"unique_key", "5", "\"\"", "\"" + "u".repeat(600) + "\"", "[]"},
            {"tags", "\"a\"", "[1]", "[null]", "{}", "[\"\"]"},
            {"timeout_ms", "0", "-1", "\"10\""},
        };
        for (String[] f : fields) {
            for (int i = 1; i < f.length; i++) {
                String json = f[0].equals("kind") ? "{\"kind\":" + f[i] + "}" : "{\"kind\":\"demo.sleep\",\"" + f[0] + "\":" + f[i] + "}";
                out.add(new Bad("POST", "/api/jobs", json));
                out.add(new Bad("POST", "/api/jobs/batch", "{\"jobs\":[{\"kind\":\"demo.sleep\"}," + json + "]}"));
            }
        }
        out.add(new Bad("POST", "/api/jobs", "{\"args\":{}}"));
        out.add(new Bad("POST", "/api/jobs", "{\"kind\":\"demo.sleep\",\"run_at\":\"2030-01-01T00:00:00Z\",\"delay_ms\":5}"));
        out.add(new Bad("POST", "/api/jobs/batch", "{}"));
        out.add(new Bad("POST", "/api/jobs/batch", "{\"jobs\":[]}"));
        out.add(new Bad("POST", "/api/jobs/batch", "{\"jobs\":[null]}"));
        out.add(new Bad("POST", "/api/jobs/batch", "{\"jobs\":{}}"));
        out.add(new Bad("POST", "/api/jobs/batch", "{\"jobs\":[{\"kind\":\"demo.sleep\"}],\"extra\":1}"));
        // Oversized bodies.
        out.add(new Bad("POST", "/api/jobs", "{\"kind\":\"demo.sleep\",\"args\":{\"x\":\"" + "a".repeat((int) MAX_BODY) + "\"}}"));
        out.add(new Bad("POST", "/api/jobs/batch", "{\"jobs\":[" + "{\"kind\":\"demo.sleep\"},".repeat(5000) + "{}]}"));
        out.add(new Bad("POST", "/api/tokens", "{\"name\":\"" + "n".repeat((int) MAX_BODY + 10) + "\"}"));
        // Query parameters.
        String[] listQueries = {"limit=0", "limit=-1", "limit=1001", "limit=100000000", "limit=abc", "limit=1.5",
            "cursor=0", "cursor=-5", "cursor=x", "state=bogus", "state=completed,bogus", "since=yesterday",
            "until=2026-02-30", "since=1700000000", "unknown=1", "limit=10&limit=20", "queue=a&queue=b",
            "q=" + "x".repeat(1200), "cursor=99999999999999999999"};
        for (String q : listQueries) out.add(new Bad("GET", "/api/jobs?" + q, null));
        for (String q : new String[] {"x=1", "limit=5"}) {
            out.add(new Bad("GET", "/api/workers?" + q, null));
            out.add(new Bad("GET", "/api/jobs/" + existingJob + "?" + q, null));
            out.add(new Bad("GET", "/api/tokens?" + q, null));
        }
        for (String q : new String[] {"types=bogus", "job_id=abc", "job_id=0", "unknown=1"}) {
            out.add(new Bad("GET", "/api/events?" + q, null));
        }
        out.add(new Bad("GET", "/api/events", null));  // no Accept: text/event-stream
        for (String q : new String[] {"after_id=1&before_id=5", "limit=0", "limit=5001", "level=LOUD", "before_id=0",
            "after_id=-1", "job_id=x", "unknown=1"}) {
            out.add(new Bad("GET", "/api/logs?" + q, null));
        }
        // Ids.
        for (String id : new String[] {"999999", "0", "-1", "abc", "1.5", "99999999999999999999", "%20"}) {
            out.add(new Bad("GET", "/api/jobs/" + id, null));
            out.add(new Bad("POST", "/api/jobs/" + id + "/retry", null));
            out.add(new Bad("POST", "/api/jobs/" + id + "/cancel", null));
            out.add(new Bad("DELETE", "/api/jobs/" + id, null));
            out.add(new Bad("GET", "/api/workers/commands/" + id, null));
        }
        out.add(new Bad("POST", "/api/jobs/" + existingJob + "/retry", null));  // scheduled -> retry is allowed; see below
        out.add(new Bad("GET", "/api/workers/no-such-worker", null));
        out.add(new Bad("POST", "/api/workers/no-such-worker/commands", "{\"command\":\"stop\"}"));
        out.add(new Bad("DELETE", "/api/tokens/no-such-token", null));
        // Commands and tokens.
        String[] commands = {"{}", "{\"command\":\"explode\"}", "{\"command\":5}", "{\"command\":\"stop\",\"payload\":[]}",
            "{\"command\":\"stop\",\"payload\":\"x\"}", "{\"command\":\"stop\",\"payload\":{\"x\":1}}",
            "{\"command\":\"pause_queue\",\"payload\":{}}", "{\"command\":\"update_config\",\"payload\":{}}",
            "{\"command\":\"update_config\",\"payload\":{\"poll_interval_ms\":1}}",
            "{\"command\":\"update_config\",\"payload\":{\"log_level\":\"LOUD\"}}", "{\"command\":\"stop\",\"extra\":1}"};
        for (String c : commands) out.add(new Bad("POST", "/api/workers/commands", c));
        out.add(new Bad("POST", "/api/workers/commands?wait_ms=999999", "{\"command\":\"stop\"}"));
        out.add(new Bad("POST", "/api/workers/commands?wait_ms=abc", "{\"command\":\"stop\"}"));
        String[] tokenBodies = {"{}", "{\"name\":\"x\"}", "{\"name\":\"x\",\"role\":\"root\"}", "{\"name\":\"bad name\",\"role\":\"viewer\"}",
            "{\"name\":\"\",\"role\":\"viewer\"}", "{\"name\":5,\"role\":\"viewer\"}", "{\"name\":\"x\",\"role\":\"viewer\",\"expires_at\":\"soon\"}",
            "{\"name\":\"x\",\"role\":\"viewer\",\"expires_at\":\"2001-01-01T00:00:00Z\"}", "{\"name\":\"test-viewer\",\"role\":\"viewer\"}"};
        for (String t : tokenBodies) out.add(new Bad("POST", "/api/tokens", t));
        String[] bulk = {"{\"filter\":{\"state\":[\"bogus\"]}}", "{\"filter\":{\"state\":\"discarded\"}}", "{\"max\":0}",
            "{\"max\":100001}", "{\"filter\":{\"since\":\"x\"}}", "{\"filter\":{\"nope\":1}}", "{\"filter\":[]}"};
        for (String b : bulk) {
            out.add(new Bad("POST", "/api/jobs/bulk/retry", b));
            out.add(new Bad("POST", "/api/jobs/bulk/cancel", b));
        }
        // Methods and paths that do not exist.
        out.add(new Bad("PUT", "/api/jobs", "{}"));
        out.add(new Bad("PATCH", "/api/jobs/1", "{}"));
        out.add(new Bad("GET", "/api/nothing-here", null));
        return out;
    }

    @Test
    void everyBadRequestGetsAClearFourHundredAndChangesNothing() {
        Http.Response created = s.http.post("/api/jobs", s.operator, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":1},\"delay_ms\":3600000}");
        assertThat(created.status()).isEqualTo(201);
        long existing = created.json().path("id").asLong();
        List<Bad> cases = new ArrayList<>(generated(existing));
        cases.removeIf(b -> b.path().equals("/api/jobs/" + existing + "/retry"));   // a valid request, listed for clarity
        assertThat(cases.size()).isGreaterThanOrEqualTo(200);

        String before = snapshot();
        List<String> wrong = new ArrayList<>();
        for (Bad b : cases) {
            Http.Response r = s.http.send(b.method(), b.path(), s.admin, b.body());
            String problem = null;
            if (r.status() < 400 || r.status() >= 500) problem = "status " + r.status();
            else if (!r.contentType().startsWith("application/json")) problem = "content type " + r.contentType();
            else {
                var e = r.json().path("error");
                if (!e.path("code").isTextual() || !e.path("message").isTextual() || !e.path("details").isObject()) {
                    problem = "error shape";
                }
                if (r.body().contains("Exception") || r.body().contains("\tat ") || r.body().contains("dev.gantry.")) {
                    problem = "leaks internals";
                }
            }
            if (problem != null) {
                wrong.add(problem + ": " + b.method() + " " + clip(b.path()) + " " + clip(b.body()) + " -> " + clip(r.body()));
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(snapshot()).as("database after %d bad requests", cases.size()).isEqualTo(before);
    }

    @Test
    void wrongMethodOnAKnownPathIsAMethodNotAllowedAndAnUnknownPathANotFound() {
        Http.Response put = s.http.send("PUT", "/api/jobs", s.admin, "{}");
        Http.Response patch = s.http.send("PATCH", "/api/jobs/1", s.admin, "{}");
        Http.Response unknown = s.http.get("/api/nothing-here", s.admin);

        assertThat(put.status()).isEqualTo(405);
        assertThat(put.json().path("error").path("code").asText()).isEqualTo("method_not_allowed");
        assertThat(patch.status()).isEqualTo(405);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("error").path("code").asText()).isEqualTo("not_found");
    }

    /** Everything a bad request could have changed. */
    private static String snapshot() {
        return db.queryString("SELECT concat_ws('|', (SELECT count(*) FROM gantry.jobs),"
                + " (SELECT string_agg(id || ':' || state || ':' || attempt, ',' ORDER BY id) FROM gantry.jobs),"
                + " (SELECT count(*) FROM gantry.api_tokens), (SELECT count(*) FROM gantry.api_tokens WHERE revoked_at IS NULL),"
                + " (SELECT count(*) FROM gantry.worker_commands))");
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 120 ? s.substring(0, 120) + "..." : s;
    }
}
