package dev.gantry.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.PGConnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.gantry.Gantry;
import dev.gantry.server.testing.OwnPostgres;

/**
 * Four worker processes under load; every few seconds one of them is killed with SIGKILL and a
 * new one started in its place (docs/guarantees.md, "Outages and crashes"). Afterwards every job
 * completed exactly once: one completion event per job, and the result the job kept is the one
 * of its last attempt, by the worker that held it (a killed worker's run is never applied late).
 * A job ran more than once only after its worker died holding it (its lease expired and the
 * rescuer took it back), and never twice in one attempt. The suite runs 20 s;
 * {@code GANTRY_CHAOS_SECONDS=120} (bench/chaos) runs the full two minutes.
 */
class ChaosTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int WORKERS = 4;
    private static final int CONCURRENCY = 4;

    @TempDir
    Path work;

    private static long setting(String env, long fallback) {
        String v = System.getenv(env);
        return v == null || v.isBlank() ? fallback : Long.parseLong(v.trim());
    }

    @Test
    void killingWorkersLosesNoJobAndCompletesNoneTwice() throws Exception {
        Duration length = Duration.ofSeconds(setting("GANTRY_CHAOS_SECONDS", 20));
        Duration killEvery = Duration.ofMillis(setting("GANTRY_CHAOS_KILL_EVERY_MS", 3000));
        long t0 = System.nanoTime();
        try (OwnPostgres pg = OwnPostgres.start(work.resolve("pg"), line -> { })) {
            try (Gantry admin = Gantry.builder().databaseUrl(pg.url()).poolSize(2).build()) {
                admin.migrate();
            }
            pg.execute("CREATE TABLE chaos_runs (job_id bigint NOT NULL, attempt int NOT NULL, worker_id text NOT NULL,"
                    + " at timestamptz NOT NULL DEFAULT clock_timestamp())");
            pg.execute("SELECT gantry.declare_kind('chaos.run')");

            Map<Long, AtomicInteger> completions = new ConcurrentHashMap<>();
            AtomicBoolean listening = new AtomicBoolean(true);
            Connection listener = pg.connect();
            try (Statement st = listener.createStatement()) {
                st.execute("LISTEN \"gantry.job_events\"");
                st.execute("SELECT gantry.subscribe_job_events('chaos-test', 86400)");
            }
            Thread counting = Thread.ofPlatform().daemon().start(() -> countCompletions(listener, completions, listening));

            List<Process> workers = new ArrayList<>();
            int generation = 0;
            for (int i = 0; i < WORKERS; i++) workers.add(startWorker(work, pg, "chaos-w" + i + "-g" + generation));
            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicInteger enqueued = new AtomicInteger();
            Thread producer = Thread.ofVirtual().start(() -> produce(pg, producing, enqueued));
            long loadStart = System.nanoTime();
            Random random = new Random(42);
            int kills = 0;
            try {
                long end = System.nanoTime() + length.toNanos();
                while (System.nanoTime() < end) {
                    Thread.sleep(killEvery.toMillis());
                    int victim = random.nextInt(WORKERS);
                    Process p = workers.get(victim);
                    p.destroyForcibly();   // SIGKILL: no shutdown hook, no release, no outcome
                    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    kills++;
                    generation++;
                    workers.set(victim, startWorker(work, pg, "chaos-w" + victim + "-g" + generation));
                }
                producing.set(false);
                producer.join();
                long loadSeconds = (System.nanoTime() - loadStart) / 1_000_000_000;

                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                        pg.queryLong("SELECT count(*) FROM gantry.jobs WHERE state <> 'completed'") == 0);
                long total = pg.queryLong("SELECT count(*) FROM gantry.jobs");
                assertThat(total).as("every job enqueued is there").isEqualTo(enqueued.get());
                await().atMost(Duration.ofSeconds(10)).until(() -> completions.size() == total);
                listening.set(false);

                // Completed exactly once: one completion per job, and the result kept is its last attempt's.
                assertThat(completions.values().stream().filter(c -> c.get() != 1).count())
                        .as("jobs with other than one completion").isZero();
                assertThat(pg.queryLong("""
                        SELECT count(*) FROM gantry.jobs
                         WHERE (result->>'attempt')::int <> attempt""")).as(
                        "jobs whose kept result is not their last attempt's").isZero();
                // A run per claim at most; a job ran again only after a worker died holding it.
                assertThat(pg.queryLong("""
                        SELECT count(*) FROM (SELECT job_id, attempt FROM chaos_runs GROUP BY 1, 2 HAVING count(*) > 1) d""")).as(
                        "claims that ran twice").isZero();
                assertThat(pg.queryLong("""
                        SELECT count(*) FROM gantry.jobs WHERE jsonb_array_length(errors) <> attempt - 1
                            OR (attempt > 1 AND errors::text NOT LIKE '%lease expired%')""")).as(
                        "jobs that ran again without a rescue").isZero();
                long again = pg.queryLong("SELECT count(*) FROM gantry.jobs WHERE attempt > 1");
                long runs = pg.queryLong("SELECT count(*) FROM chaos_runs");
                long unrecorded = pg.queryLong("""
                        SELECT count(*) FROM gantry.jobs j WHERE NOT EXISTS
                            (SELECT 1 FROM chaos_runs r WHERE r.job_id = j.id AND r.attempt = j.attempt
                                                       AND r.worker_id = j.result->>'worker')""");
                assertThat(unrecorded).as("completed jobs whose result is not from the run of their last attempt").isZero();
                System.out.printf("chaos: %d s of load and SIGKILLs, %d workers x %d, %d SIGKILLs; %d jobs, all completed once;"
                                + " %d runs recorded, %d jobs ran again after their worker was killed (attempt > 1);"
                                + " total %d s%n",
                        loadSeconds, WORKERS, CONCURRENCY, kills, total, runs, again, (System.nanoTime() - t0) / 1_000_000_000);
            } finally {
                producing.set(false);
                listening.set(false);
                for (Process p : workers) {
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
                counting.join(5_000);
                listener.close();
            }
        }
    }

    /** 20 jobs of 10 to 60 ms every 100 ms (200 a second, about what four such workers can take), in one statement. */
    private static void produce(OwnPostgres pg, AtomicBoolean producing, AtomicInteger enqueued) {
        while (producing.get()) {
            long n = pg.queryLong("""
                    SELECT count(gantry.enqueue('chaos.run', jsonb_build_object('ms', 10 + (random() * 50)::int), 'chaos'))
                      FROM generate_series(1, 20)""");
            enqueued.addAndGet((int) n);
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void countCompletions(Connection listener, Map<Long, AtomicInteger> completions, AtomicBoolean listening) {
        try {
            PGConnection pg = listener.unwrap(PGConnection.class);
            while (listening.get()) {
                var batch = pg.getNotifications(200);
                if (batch == null) continue;
                for (var n : batch) {
                    for (JsonNode e : JSON.readTree(n.getParameter()).path("events")) {
                        if (e.get(4).asText().equals("completed")) {
                            completions.computeIfAbsent(e.get(0).asLong(), id -> new AtomicInteger()).incrementAndGet();
                        }
                    }
                }
            }
        } catch (Exception e) {
            if (listening.get()) throw new AssertionError("the completion listener failed", e);
        }
    }

    private static Process startWorker(Path dir, OwnPostgres pg, String id) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path out = Files.createTempFile(dir, id, ".log");
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx160m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), ChaosWorker.class.getName(), pg.databaseUrl(), id,
                Integer.toString(CONCURRENCY));
        pb.environment().keySet().removeIf(k -> k.startsWith("GANTRY_") || k.equals("DATABASE_URL"));
        pb.redirectErrorStream(true);
        pb.redirectOutput(out.toFile());
        return pb.start();
    }
}
