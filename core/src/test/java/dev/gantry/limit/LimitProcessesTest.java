package dev.gantry.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.JobRequest;
import dev.gantry.client.LimitRequest;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.WorkerProcess;

/**
 * Limits across processes: eight worker JVMs race for jobs of a key limited to 3 running, a
 * key limited to 10 starts per second, a key with no limit and jobs with no key. A sampler reads
 * the running count of the limited key all along: never above 3. The starts of the rate-limited
 * key, read from their attempt times after the run: never 11 within a second. The jobs behind
 * the limited key's long line finish before it does (it blocks no one).
 */
@ExtendWith(PostgresExtension.class)
class LimitProcessesTest {
    private static final int WORKERS = 8;
    private static final int MAX_RUNNING = 3;
    private static final int PER_SECOND = 10;

    @Test
    void limitsHoldAcrossEightWorkerProcessesAndBlockNoOtherKey(TestDatabase db) throws Exception {
        db.reset();
        db.execute("TRUNCATE gantry.limits CASCADE");
        db.execute("SELECT gantry.declare_kind('test.sleep')");
        Gantry client = db.client();
        client.limits().set("conc", LimitRequest.running(MAX_RUNNING));
        client.limits().set("rate", LimitRequest.perPeriod(PER_SECOND, Duration.ofSeconds(1)));
        List<Process> workers = new ArrayList<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        AtomicLong maxRunning = new AtomicLong();
        AtomicLong samples = new AtomicLong();
        Thread sampler = new Thread(() -> sample(db, sampling, maxRunning, samples));
        try {
            for (int i = 0; i < WORKERS; i++) workers.add(WorkerProcess.start(db, "limit-w" + i, "limits", 4, 30));
            await().atMost(Duration.ofSeconds(60)).until(() -> db.queryLong(
                    "SELECT count(*) FROM gantry.workers WHERE id LIKE 'limit-w%' AND status = 'running'") == WORKERS);
            sampler.start();
            // the limited keys first in line, then the rest behind them
            List<JobRequest> jobs = new ArrayList<>();
            for (int i = 0; i < 120; i++) jobs.add(job("conc", 40));
            for (int i = 0; i < 40; i++) jobs.add(job("rate", 5));
            for (int i = 0; i < 100; i++) jobs.add(job("free", 5));
            for (int i = 0; i < 100; i++) jobs.add(job(null, 5));
            client.client().enqueueMany(jobs);

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                    .until(() -> db.count("state <> 'completed'") == 0);
        } finally {
            sampling.set(false);
            if (sampler.isAlive()) sampler.join(10_000);
            for (Process p : workers) p.destroyForcibly();
            for (Process p : workers) p.waitFor(30, TimeUnit.SECONDS);
        }

        assertThat(samples.get()).isGreaterThan(50);
        assertThat(maxRunning.get()).isEqualTo(MAX_RUNNING);
        assertThat(db.count("attempt <> 1")).as("no attempt spent waiting").isZero();
        // the period: the start PER_SECOND after any start is at least a second later
        List<Instant> starts = new ArrayList<>();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT attempted_at FROM gantry.jobs WHERE limit_key = 'rate' ORDER BY attempted_at");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) starts.add(rs.getTimestamp(1).toInstant());
        }
        assertThat(starts).hasSize(40);
        for (int i = 0; i + PER_SECOND < starts.size(); i++) {
            assertThat(Duration.between(starts.get(i), starts.get(i + PER_SECOND)))
                    .as("starts %d and %d", i, i + PER_SECOND).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
        // the jobs behind the limited keys did not wait for them
        assertThat(db.queryString("SELECT (SELECT max(finished_at) FROM gantry.jobs WHERE limit_key IS NULL OR limit_key = 'free')"
                + " < (SELECT max(finished_at) FROM gantry.jobs WHERE limit_key = 'conc')")).isEqualTo("t");
    }

    private static JobRequest job(String key, int ms) {
        return new JobRequest("test.sleep", Map.of("ms", ms), EnqueueOptions.defaults().withQueue("limits").withLimitKey(key));
    }

    /** Reads the running count of the key limited to MAX_RUNNING until told to stop; keeps the highest. */
    private static void sample(TestDatabase db, AtomicBoolean sampling, AtomicLong max, AtomicLong samples) {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT count(*) FROM gantry.jobs WHERE limit_key = 'conc' AND state = 'running'")) {
            while (sampling.get()) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    max.accumulateAndGet(rs.getLong(1), Math::max);
                    samples.incrementAndGet();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
