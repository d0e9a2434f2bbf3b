package dev.gantry.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.gantry.config.QueueConfig;
import dev.gantry.config.WorkerConfig;
import dev.gantry.server.GantryServer;
import dev.gantry.server.testing.GantryJvm;
import dev.gantry.server.testing.Http;
import dev.gantry.server.testing.OwnPostgres;
import dev.gantry.server.testing.SseStream;

/**
 * PostgreSQL stops for 30 s under load and starts again (docs/guarantees.md, "Outages and
 * crashes"). A server with its in-process worker (queue a) and a {@code gantry worker} process
 * (queue b) on a cluster of the test's own; a producer posts jobs through the API all along,
 * and an events and a logs stream stay open. During the outage /health answers 503; after it,
 * 200 again without any restart, every accepted job completes, each job ran once unless its
 * lease expired during the outage (at-least-once: the run is counted in its attempt and the
 * rescue in its errors), and LISTEN works again: with polling every 60 s, a job is picked up
 * within seconds, and the streams deliver again.
 */
class PostgresOutageTest {
    private static final String TOKEN = "gty_outage-admin-token-0123456789abcdef";
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    /** Far longer than any wait below: a job picked up sooner was woken by a notification. */
    private static final Duration POLL = Duration.ofSeconds(60);
    private static final Duration LEASE = Duration.ofSeconds(10);

    @TempDir
    Path work;

    @Test
    void workersAndServerRideOutAStoppedPostgres() throws Exception {
        long t0 = System.nanoTime();
        try (OwnPostgres pg = OwnPostgres.start(work.resolve("pg"), line -> { })) {
            WorkerConfig inProcess = WorkerConfig.builder().workerId("outage-server")
                    .queues(QueueConfig.parseList("queues", "a:4", 4))
                    .pollInterval(POLL).leaseDuration(LEASE).rescueInterval(Duration.ofSeconds(1))
                    .heartbeatInterval(Duration.ofMillis(500)).shutdownTimeout(Duration.ofSeconds(2)).build();
            int workerPort = GantryJvm.freePort();
            Map<String, String> workerEnv = Map.of("DATABASE_URL", pg.databaseUrl(), "GANTRY_WORKER_ID", "outage-process",
                    "GANTRY_QUEUES", "b:4", "GANTRY_POLL_INTERVAL_MS", Long.toString(POLL.toMillis()),
                    "GANTRY_LEASE_MS", Long.toString(LEASE.toMillis()), "GANTRY_HEARTBEAT_INTERVAL_MS", "500",
                    "GANTRY_SHUTDOWN_TIMEOUT_MS", "2000", "GANTRY_HTTP_PORT", Integer.toString(workerPort), "LOG_FORMAT", "json");
            try (GantryServer server = new GantryServer(new GantryServer.Config(pg.url(), "gantry", "127.0.0.1", 0, TOKEN,
                    1 << 20, inProcess, 1000, GantryServer.ApiLimits.DEFAULTS), line -> { });
                 GantryJvm worker = GantryJvm.start(workerEnv, "worker")) {
                Http http = new Http("http://127.0.0.1:" + server.port());
                Http workerHttp = new Http("http://127.0.0.1:" + workerPort);
                await().atMost(Duration.ofSeconds(60)).until(() -> status(workerHttp) == 200 && status(http) == 200);
                System.out.printf("outage test: ready after %d ms%n", (System.nanoTime() - t0) / 1_000_000);

                SseStream events = SseStream.open(http.base() + "/api/events?types=jobs", TOKEN, null);
                SseStream logs = SseStream.open(http.base() + "/api/logs/stream?tail=0", TOKEN, null);
                assertThat(events.status()).isEqualTo(200);
                assertThat(logs.status()).isEqualTo(200);

                Producer producer = new Producer(http);
                Thread producing = Thread.ofVirtual().start(producer::run);
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> pg.queryLong(
                            "SELECT count(*) FROM gantry.jobs WHERE state = 'completed' AND queue = 'b'") >= 20
                            && pg.queryLong("SELECT count(*) FROM gantry.jobs WHERE state = 'completed' AND queue = 'a'") >= 20);
                    long runningBefore = pg.queryLong("SELECT count(*) FROM gantry.jobs WHERE state = 'running'");

                    long stopAt = System.nanoTime();
                    pg.stop();
                    long stoppedMs = (System.nanoTime() - stopAt) / 1_000_000;
                    await().atMost(Duration.ofSeconds(15)).until(() -> status(http) == 503 && status(workerHttp) == 503);
                    long unhealthyMs = (System.nanoTime() - stopAt) / 1_000_000;
                    assertThat(http.get("/health", null).body()).contains("database");
                    int samples = 0;
                    long slowestMs = 0;
                    while (System.nanoTime() - stopAt < OUTAGE.toNanos()) {
                        for (Http h : List.of(http, workerHttp)) {
                            long asked = System.nanoTime();
                            assertThat(status(h)).as("/health during the outage at " + h.base()).isEqualTo(503);
                            long tookMs = (System.nanoTime() - asked) / 1_000_000;
                            assertThat(tookMs).as("/health answers within a Kubernetes probe's 3 s at " + h.base())
                                    .isLessThan(3000);
                            slowestMs = Math.max(slowestMs, tookMs);
                        }
                        samples++;
                        Thread.sleep(500);
                    }
                    assertThat(worker.process.isAlive()).as("the worker process rides out the outage").isTrue();

                    long startAt = System.nanoTime();
                    pg.start();
                    long startedMs = (System.nanoTime() - startAt) / 1_000_000;
                    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                            .until(() -> status(http) == 200 && status(workerHttp) == 200);
                    long healthyMs = (System.nanoTime() - startAt) / 1_000_000;
                    Thread.sleep(2000);   // load goes on a little after the restart
                    producer.stop();
                    producing.join();

                    // Every job in the table (accepted or not: a post cut off mid-way may have committed) completes.
                    await().atMost(Duration.ofSeconds(60)).until(() ->
                            pg.queryLong("SELECT count(*) FROM gantry.jobs WHERE state <> 'completed'") == 0);
                    List<Long> ids = pg.query("SELECT id FROM gantry.jobs").stream().map(r -> ((Number) r.get(0)).longValue()).toList();
                    assertThat(ids).containsAll(producer.accepted);

                    // At-least-once: a second run happens only when the lease expired and the job was rescued.
                    List<List<Object>> rows = pg.query("SELECT id, attempt, errors::text, jsonb_array_length(errors) FROM gantry.jobs");
                    int again = 0;
                    for (List<Object> r : rows) {
                        int attempt = ((Number) r.get(1)).intValue();
                        int errors = ((Number) r.get(3)).intValue();
                        assertThat(errors).as("job %s: one error per earlier attempt", r.get(0)).isEqualTo(attempt - 1);
                        if (attempt > 1) {
                            again++;
                            assertThat((String) r.get(2)).as("job %s ran again: why", r.get(0)).contains("lease expired");
                        }
                    }
                    assertThat(again).as("only jobs that were running can run again").isLessThanOrEqualTo(
                            (int) runningBefore + 8);

                    // LISTEN again: nothing else to do, polling in 60 s, yet new jobs start within seconds.
                    Thread.sleep(500);
                    long viaA = pg.queryLong("SELECT gantry.enqueue('demo.log', '{\"lines\":[\"after the outage on a\"]}'::jsonb, 'a')");
                    long viaB = pg.queryLong("SELECT gantry.enqueue('demo.log', '{\"lines\":[\"after the outage on b\"]}'::jsonb, 'b')");
                    long probeAt = System.nanoTime();
                    await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(() -> pg.queryLong(
                            "SELECT count(*) FROM gantry.jobs WHERE id IN (?, ?) AND state = 'completed'", viaA, viaB) == 2);
                    long wokenMs = (System.nanoTime() - probeAt) / 1_000_000;

                    // The streams deliver again: the same connection, or a new one resumed from the last id.
                    boolean eventsEnded = events.ended();
                    boolean logsEnded = logs.ended();
                    if (!eventsEnded) {
                        // The server's listener reconnected: events may have been missed, and the stream says so.
                        events.await(Duration.ofSeconds(15), e -> e.type().equals("reset"));
                    }
                    if (eventsEnded) events = reopen(http, "/api/events?types=jobs", events);
                    if (logsEnded) logs = reopen(http, "/api/logs/stream?tail=0", logs);
                    events.await(Duration.ofSeconds(15), e -> completed(e, viaA));
                    events.await(Duration.ofSeconds(15), e -> completed(e, viaB));
                    logs.await(Duration.ofSeconds(15), e -> e.type().equals("log") && e.data().contains("after the outage on a"));
                    logs.await(Duration.ofSeconds(15), e -> e.type().equals("log") && e.data().contains("after the outage on b"));

                    System.out.printf("outage test: %d jobs (%d accepted, %d refused during the outage), %d ran twice"
                                    + " (%d were running at the stop); stop took %d ms, 503 after %d ms (%d samples, slowest answer %d ms),"
                                    + " start took %d ms, 200 after %d ms, a new job completed %d ms after enqueue;"
                                    + " streams ended by the outage: events %s, logs %s; total %d s%n",
                            rows.size(), producer.accepted.size(), producer.refused.get(), again, runningBefore,
                            stoppedMs, unhealthyMs, samples, slowestMs, startedMs, healthyMs, wokenMs, eventsEnded, logsEnded,
                            (System.nanoTime() - t0) / 1_000_000_000);
                } finally {
                    producer.stop();
                    events.close();
                    logs.close();
                }
            }
        }
    }

    private static boolean completed(SseStream.Event e, long id) {
        if (!e.type().equals("jobs")) return false;
        for (var j : e.json().path("events")) {
            if (j.path("id").asLong() == id && j.path("to").asText().equals("completed")) return true;
        }
        return false;
    }

    private static SseStream reopen(Http http, String path, SseStream old) {
        List<SseStream.Event> seen = old.events();
        String last = seen.isEmpty() ? null : seen.getLast().id();
        old.close();
        SseStream s = SseStream.open(http.base() + path, TOKEN, last);
        assertThat(s.status()).as(path + " after the outage").isEqualTo(200);
        return s;
    }

    private static int status(Http http) {
        try {
            return http.send(http.builder("/health", null).timeout(Duration.ofSeconds(5)).GET()).status();
        } catch (AssertionError e) {
            return -1;
        }
    }

    /** Posts a job every 25 ms, alternating queues; every tenth logs a line. */
    private static final class Producer {
        final Http http;
        final Set<Long> accepted = ConcurrentHashMap.newKeySet();
        final AtomicInteger refused = new AtomicInteger();
        final AtomicBoolean stopped = new AtomicBoolean();

        Producer(Http http) {
            this.http = http;
        }

        void run() {
            for (int n = 0; !stopped.get(); n++) {
                String queue = n % 2 == 0 ? "a" : "b";
                String body = n % 10 == 0
                        ? "{\"kind\":\"demo.log\",\"queue\":\"" + queue + "\",\"args\":{\"lines\":[\"job " + n + "\"]}}"
                        : "{\"kind\":\"demo.sleep\",\"queue\":\"" + queue + "\",\"args\":{\"ms\":250}}";
                try {
                    Http.Response r = http.send(http.builder("/api/jobs", TOKEN).timeout(Duration.ofSeconds(5))
                            .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)));
                    if (r.status() / 100 == 2) accepted.add(r.json().path("id").asLong());
                    else refused.incrementAndGet();
                } catch (AssertionError e) {
                    refused.incrementAndGet();
                }
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void stop() {
            stopped.set(true);
        }
    }
}
