package dev.gantry.server.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.config.WorkerConfig;
import dev.gantry.server.testing.GantryJvm;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** {@code gantry worker} as a real process: configuration, commands, death, logs, health. */
@ExtendWith(PostgresExtension.class)
class WorkerProcessTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void clean(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.workers, gantry.worker_commands, gantry.worker_logs");
    }

    private static Map<String, String> env(TestDatabase db, String id) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.url());
        env.put("GANTRY_WORKER_ID", id);
        env.put("GANTRY_HEARTBEAT_INTERVAL_MS", "500");
        env.put("GANTRY_DEAD_TIMEOUT_MS", "2000");
        env.put("GANTRY_HTTP_PORT", "0");
        env.put("GANTRY_SHUTDOWN_TIMEOUT_MS", "2000");
        env.put("LOG_FORMAT", "json");
        return env;
    }

    private static void awaitRegistered(TestDatabase db, String id) {
        await().atMost(Duration.ofSeconds(30)).until(() ->
                db.queryLong("SELECT count(*) FROM gantry.workers WHERE id = ? AND status = 'running'", id) == 1);
    }

    private static long send(TestDatabase db, String target, String command, String payload) {
        return db.queryLong("SELECT gantry.send_command(?, ?, ?::jsonb)", target, command, payload);
    }

    /** Waits for the acknowledgement; returns its latency in ms. */
    private static long awaitAck(TestDatabase db, long id) {
        await().atMost(Duration.ofSeconds(10)).until(() ->
                !"pending".equals(db.queryString("SELECT status FROM gantry.worker_commands WHERE id = ?", id)));
        assertThat(db.queryString("SELECT status FROM gantry.worker_commands WHERE id = ?", id)).isEqualTo("processed");
        return db.queryLong("SELECT (extract(epoch FROM processed_at - created_at) * 1000)::bigint FROM gantry.worker_commands WHERE id = ?", id);
    }

    private static long enqueue(TestDatabase db, String kind, String args) {
        return db.queryLong("SELECT gantry.enqueue(?, ?::jsonb)", kind, args);
    }

    @Test
    void badEnvironmentStopsWithOneLinePerProblemAndWritesNothing(TestDatabase db) throws Exception {
        Map<String, String> env = env(db, "bad worker id!");
        env.put("GANTRY_QUEUES", "default:many");
        env.put("GANTRY_POLL_INTERVAL_MS", "-5");
        env.put("GANTRY_LISTEN", "perhaps");
        env.put("GANTRY_SYNCHRONOUS_COMMIT", "always");
        env.put("GANTRY_HTTP_PORT", "99999");
        env.put("LOG_FORMAT", "xml");
        env.put("DATABASE_URL", "postgres://app:hunter22@:5432/");
        try (GantryJvm w = GantryJvm.start(env, "worker")) {
            assertThat(w.process.waitFor(30, TimeUnit.SECONDS)).isTrue();

            assertThat(w.process.exitValue()).isEqualTo(1);
            assertThat(w.output().lines().toList()).containsExactlyInAnyOrder(
                    "gantry worker: DATABASE_URL: has no host: \"postgres://app:****@:5432/\"",
                    "gantry worker: GANTRY_WORKER_ID: must be 1 to 200 letters, digits or _ . : @ -, got \"bad worker id!\"",
                    "gantry worker: GANTRY_QUEUES: concurrency of queue \"default\" must be a number, got \"many\"",
                    "gantry worker: GANTRY_POLL_INTERVAL_MS: must be between 10 and 3600000, got -5",
                    "gantry worker: GANTRY_LISTEN: must be true or false, got \"perhaps\"",
                    "gantry worker: GANTRY_SYNCHRONOUS_COMMIT: must be true or false, got \"always\"",
                    "gantry worker: GANTRY_HTTP_PORT: must be between 0 and 65535, got 99999",
                    "gantry worker: LOG_FORMAT: must be one of auto, json, pretty, got \"xml\"");
            assertThat(w.output()).doesNotContain("hunter22");
        }
        assertThat(db.queryLong("SELECT count(*) FROM gantry.workers")).isZero();
    }

    @Test
    void stopStartRestartAreAcknowledgedWithinASecondWithListen(TestDatabase db) throws Exception {
        try (GantryJvm w = GantryJvm.start(env(db, "remote"), "worker")) {
            awaitRegistered(db, "remote");

            assertThat(awaitAck(db, send(db, "remote", "stop", "{}"))).isLessThan(1000);
            await().atMost(Duration.ofSeconds(5)).until(() ->
                    "stopped".equals(db.queryString("SELECT status FROM gantry.workers WHERE id = 'remote'")));
            long job = enqueue(db, "demo.sleep", "{\"ms\": 1}");
            assertThat(db.state(job).dbName()).isEqualTo("available");

            assertThat(awaitAck(db, send(db, "remote", "start", "{}"))).isLessThan(1000);
            await().atMost(Duration.ofSeconds(10)).until(() -> db.state(job).dbName().equals("completed"));

            assertThat(awaitAck(db, send(db, "remote", "restart", "{}"))).isLessThan(1000);
            long after = enqueue(db, "demo.sleep", "{\"ms\": 1}");
            await().atMost(Duration.ofSeconds(10)).until(() -> db.state(after).dbName().equals("completed"));
        }
    }

    @Test
    void commandsArriveWithinThePollIntervalWithoutListen(TestDatabase db) throws Exception {
        Map<String, String> env = env(db, "polling");
        env.put("GANTRY_LISTEN", "false");
        env.put("GANTRY_POLL_INTERVAL_MS", "600");
        try (GantryJvm w = GantryJvm.start(env, "worker")) {
            awaitRegistered(db, "polling");

            for (String command : new String[] {"stop", "start", "restart"}) {
                assertThat(awaitAck(db, send(db, "polling", command, "{}"))).as(command).isLessThan(600);
            }
        }
    }

    @Test
    void shutdownCommandExitsGracefully(TestDatabase db) throws Exception {
        try (GantryJvm w = GantryJvm.start(env(db, "leaving"), "worker")) {
            awaitRegistered(db, "leaving");

            awaitAck(db, send(db, "leaving", "shutdown", "{}"));

            assertThat(w.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(w.process.exitValue()).isZero();
            assertThat(db.queryString("SELECT status FROM gantry.workers WHERE id = 'leaving'")).isEqualTo("stopped");
        }
    }

    @Test
    void killedWorkerTurnsDeadAndItsJobsCompleteElsewhere(TestDatabase db) throws Exception {
        Map<String, String> env = env(db, "doomed");
        env.put("GANTRY_LEASE_MS", "3000");
        long[] jobs = new long[3];
        try (GantryJvm w = GantryJvm.start(env, "worker")) {
            awaitRegistered(db, "doomed");
            for (int i = 0; i < jobs.length; i++) jobs[i] = enqueue(db, "demo.sleep", "{\"ms\": 600000}");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    db.count("state = 'running' AND worker_id = 'doomed'") == jobs.length);

            w.process.destroyForcibly();
            w.process.waitFor();
        }
        await().atMost(Duration.ofSeconds(15)).until(() ->
                !db.queryString("SELECT gantry.worker_alive(w)::text FROM gantry.workers w WHERE id = 'doomed'").equals("true"));
        long command = send(db, "doomed", "stop", "{}");
        assertThat(db.queryString("SELECT status FROM gantry.worker_commands WHERE id = ?", command)).isEqualTo("expired");

        RecordingListener events = new RecordingListener();
        // Closed here, not with the database: a heir left running would claim the next tests' jobs.
        try (Gantry heir = db.gantry(WorkerConfig.builder().workerId("heir").rescueInterval(Duration.ofMillis(300))
                .stageInterval(Duration.ofMillis(200)).build(), SystemTimeSource.INSTANCE, events)) {
            heir.register("demo.sleep", Map.class, (a, ctx) -> "rescued");
            heir.start();
            for (long id : jobs) events.awaitFinished(id);
        }
        assertThat(db.count("state = 'completed' AND result = '\"rescued\"'")).isEqualTo(jobs.length);
    }

    @Test
    void logFloodLosesNoJobKeepsTheBufferBoundedAndCountsDrops(TestDatabase db) throws Exception {
        Map<String, String> env = env(db, "chatty");
        env.put("GANTRY_LOG_BUFFER_SIZE", "2000");
        env.put("GANTRY_HTTP_PORT", Integer.toString(GantryJvm.freePort()));
        env.put("LOG_LEVEL", "WARN");   // keep the console quiet; shipping sees WARN lines only
        try (GantryJvm w = GantryJvm.start(env, "worker")) {
            awaitRegistered(db, "chatty");
            long marker = enqueue(db, "demo.log", "{\"lines\": [\"marker line\"], \"level\": \"WARN\"}");
            within(w, Duration.ofSeconds(10), () ->
                    db.queryLong("SELECT count(*) FROM gantry.worker_logs WHERE job_id = ? AND message = 'marker line'", marker) == 1);

            db.queryLong("SELECT count(*) FROM (SELECT gantry.enqueue('demo.log', '{\"count\": 10000, \"level\": \"WARN\"}') "
                    + "FROM generate_series(1, 20)) x");
            within(w, Duration.ofMinutes(3), () -> db.count("kind = 'demo.log' AND state = 'completed'") == 21);

            // The last lines may still sit in the buffer when the jobs finish: the shipper drains
            // it within its flush interval, and then every line is shipped or counted as dropped.
            String metricsUrl = "http://127.0.0.1:" + env.get("GANTRY_HTTP_PORT") + "/metrics";
            within(w, Duration.ofSeconds(10), () -> {
                String m = get(metricsUrl).body();
                return metric(m, "gantry_logs_dropped") + metric(m, "gantry_logs_shipped") >= 200_000;
            });
            String metrics = get(metricsUrl).body();
            assertThat(db.count("state <> 'completed'")).isZero();
            assertThat(metric(metrics, "gantry_logs_buffer_high_water")).as("buffer stays bounded").isLessThanOrEqualTo(2000);
            assertThat(metric(metrics, "gantry_logs_dropped")).as("a flood this size must drop lines").isPositive();
            assertThat(w.process.isAlive()).isTrue();
        }
    }

    @Test
    void healthTurns503WhenTheDatabaseIsUnreachableAndRecoversOnItsOwn(TestDatabase db) throws Exception {
        try (TcpProxy proxy = new TcpProxy("127.0.0.1", Integer.parseInt(db.url().replaceAll(".*:(\\d+)/.*", "$1")))) {
            Map<String, String> env = env(db, "fragile");
            env.put("DATABASE_URL", db.url().replaceAll(":(\\d+)/", ":" + proxy.port() + "/"));
            env.put("GANTRY_HTTP_PORT", Integer.toString(GantryJvm.freePort()));
            env.put("GANTRY_POLL_INTERVAL_MS", "200");
            String health = "http://127.0.0.1:" + env.get("GANTRY_HTTP_PORT") + "/health";
            try (GantryJvm w = GantryJvm.start(env, "worker")) {
                awaitRegistered(db, "fragile");
                within(w, Duration.ofSeconds(10), () -> status(health) == 200);

                proxy.cut();
                within(w, Duration.ofSeconds(30), () -> status(health) == 503);
                assertThat(get(health).body()).contains("\"status\":\"unhealthy\"").contains("database");

                proxy.restore();
                within(w, Duration.ofSeconds(60), () -> status(health) == 200);
                long job = enqueue(db, "demo.sleep", "{\"ms\": 1}");
                within(w, Duration.ofSeconds(30), () -> db.state(job).dbName().equals("completed"));
            }
        }
    }

    /** Awaits the condition; on timeout the failure carries the worker's last output. */
    private static void within(GantryJvm w, Duration timeout, java.util.concurrent.Callable<Boolean> condition) {
        try {
            await().atMost(timeout).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            String out = w.output();
            throw new AssertionError(e.getMessage() + "\n--- worker output, last lines ---\n"
                    + out.substring(Math.max(0, out.length() - 6000)), e);
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int status(String url) {
        try {
            return get(url).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static double metric(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
