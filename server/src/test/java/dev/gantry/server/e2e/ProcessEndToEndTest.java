package dev.gantry.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.testing.GantryJvm;
import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.SseStream;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * The whole system as separate processes on the local PostgreSQL: one {@code gantry server
 * --no-worker} and two {@code gantry worker}s. Jobs enqueued through REST, the CLI and SQL are
 * seen completing through SSE; a worker is stopped and started through the API, its logs
 * followed through SSE; a discarded job is retried through the CLI.
 */
@ExtendWith(PostgresExtension.class)
class ProcessEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TOKEN = "gty_end-to-end-admin-token-0123456789";

    private static boolean completed(SseStream events, long id) {
        return events.events().stream().filter(e -> e.type().equals("jobs"))
                .flatMap(e -> iterable(e.json().path("events")).stream())
                .anyMatch(j -> j.path("id").asLong() == id && j.path("to").asText().equals("completed"));
    }

    private static boolean reached(SseStream events, long id, String state) {
        return events.events().stream().filter(e -> e.type().equals("jobs"))
                .flatMap(e -> iterable(e.json().path("events")).stream())
                .anyMatch(j -> j.path("id").asLong() == id && j.path("to").asText().equals(state));
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }

    @Test
    void serverAndTwoWorkerProcessesTogether(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.workers, gantry.worker_commands, gantry.worker_logs");
        int port = GantryJvm.freePort();
        Map<String, String> common = Map.of("DATABASE_URL", db.url(), "LOG_FORMAT", "json",
                "GANTRY_HEARTBEAT_INTERVAL_MS", "500", "GANTRY_POLL_INTERVAL_MS", "200", "GANTRY_SHUTDOWN_TIMEOUT_MS", "3000");
        Map<String, String> serverEnv = new HashMap<>(common);
        serverEnv.put("GANTRY_HTTP_PORT", Integer.toString(port));
        serverEnv.put("GANTRY_ADMIN_TOKEN", TOKEN);
        Http http = new Http("http://127.0.0.1:" + port);

        try (GantryJvm server = GantryJvm.start(serverEnv, "server", "--no-worker");
             GantryJvm w1 = GantryJvm.start(worker(common, "e2e-w1"), "worker");
             GantryJvm w2 = GantryJvm.start(worker(common, "e2e-w2"), "worker")) {
            server.awaitOutput(WAIT, "(Gantry is running)");
            await().atMost(WAIT).until(() -> http.get("/api/workers", TOKEN).json().path("workers").findValuesAsText("liveness")
                    .stream().filter("running"::equals).count() == 2);

            try (SseStream events = SseStream.open(http.base() + "/api/events?types=jobs", TOKEN, null)) {
                assertThat(events.status()).isEqualTo(200);
                long viaRest = http.post("/api/jobs", TOKEN, "{\"kind\":\"demo.sleep\",\"args\":{\"ms\":5}}").json().path("id").asLong();
                GantryJvm.Result cli = GantryJvm.run(WAIT, Map.of("DATABASE_URL", db.url()),
                        "enqueue", "demo.sleep", "{\"ms\":5}", "--json");
                assertThat(cli.exitCode()).as(cli.output()).isZero();
                long viaCli = firstJsonId(cli.output());
                long viaSql = db.queryLong("SELECT gantry.enqueue('demo.sleep', '{\"ms\": 5}'::jsonb)");
                for (long id : new long[] {viaRest, viaCli, viaSql}) {
                    await().atMost(WAIT).until(() -> completed(events, id));
                }

                // Stop w1 through the API; w2 alone runs what comes next.
                JsonNode stop = http.post("/api/workers/e2e-w1/commands?wait_ms=15000", TOKEN, "{\"command\":\"stop\"}").json();
                assertThat(stop.path("status").asText()).isEqualTo("processed");
                await().atMost(WAIT).until(() -> worker(http, "e2e-w1").path("status").asText().equals("stopped"));
                long onW2 = http.post("/api/jobs", TOKEN, "{\"kind\":\"demo.log\",\"args\":{\"lines\":[\"while w1 is stopped\"]}}")
                        .json().path("id").asLong();
                await().atMost(WAIT).until(() -> completed(events, onW2));
                await().atMost(WAIT).until(() -> !http.get("/api/logs?job_id=" + onW2, TOKEN).json().path("logs").isEmpty());
                JsonNode lines = http.get("/api/logs?job_id=" + onW2, TOKEN).json().path("logs");
                assertThat(lines.findValuesAsText("worker_id")).containsOnly("e2e-w2");

                // Follow w1's logs, stop w2, start w1: w1's next job's line arrives on the stream.
                try (SseStream w1Logs = SseStream.open(http.base() + "/api/logs/stream?worker=e2e-w1&tail=0", TOKEN, null)) {
                    assertThat(http.post("/api/workers/e2e-w2/commands?wait_ms=15000", TOKEN, "{\"command\":\"stop\"}").json()
                            .path("status").asText()).isEqualTo("processed");
                    assertThat(http.post("/api/workers/e2e-w1/commands?wait_ms=15000", TOKEN, "{\"command\":\"start\"}").json()
                            .path("status").asText()).isEqualTo("processed");
                    http.post("/api/jobs", TOKEN, "{\"kind\":\"demo.log\",\"args\":{\"lines\":[\"w1 is back\"]}}");
                    SseStream.Event line = w1Logs.await(WAIT, e -> e.type().equals("log")
                            && e.json().path("message").asText().equals("w1 is back"));
                    assertThat(line.json().path("worker_id").asText()).isEqualTo("e2e-w1");
                }

                // A job that fails once is discarded; the CLI retries it and it completes.
                long failing = http.post("/api/jobs", TOKEN, "{\"kind\":\"demo.fail\",\"args\":{\"times\":1},\"max_attempts\":1}")
                        .json().path("id").asLong();
                await().atMost(WAIT).until(() -> reached(events, failing, "discarded"));
                GantryJvm.Result retry = GantryJvm.run(WAIT, Map.of("DATABASE_URL", db.url()), "jobs", "retry",
                        Long.toString(failing));
                assertThat(retry.exitCode()).as(retry.output()).isZero();
                await().atMost(WAIT).until(() -> completed(events, failing));
                assertThat(http.get("/api/jobs/" + failing, TOKEN).json().path("errors")).hasSize(1);
            }
            assertThat(server.stop(WAIT)).isIn(0, 143);
        }
    }

    private static Map<String, String> worker(Map<String, String> common, String id) {
        Map<String, String> env = new HashMap<>(common);
        env.put("GANTRY_WORKER_ID", id);
        env.put("GANTRY_HTTP_PORT", "0");
        env.put("GANTRY_QUEUES", "default:4");
        return env;
    }

    private static JsonNode worker(Http http, String id) {
        return http.get("/api/workers/" + id, TOKEN).json();
    }

    private static long firstJsonId(String output) {
        int brace = output.indexOf('{');
        int bracket = output.indexOf('[');
        int start = bracket >= 0 && (brace < 0 || bracket < brace) ? bracket : brace;
        JsonNode node = new Http.Response(200, output.substring(start), "application/json", null).json();
        return node.isArray() ? node.get(0).path("id").asLong() : node.path("id").asLong();
    }
}
