package dev.gantry.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.backend.CachedStatsReader;
import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.job.Job;
import dev.gantry.job.PermanentJobFailure;
import dev.gantry.store.Db;
import dev.gantry.store.JobStore;
import dev.gantry.store.OutcomeRow;
import dev.gantry.config.SchemaName;
import dev.gantry.store.StatsStore;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/**
 * The rollup gantry.job_stats (written by the jobs update trigger) counts what really happened:
 * jobs run by a worker, by the SQL API, and moved by the store with exact times.
 */
@ExtendWith(PostgresExtension.class)
class StatsRollupTest {
    private final ManualTimeSource time = ManualTimeSource.at("2025-01-01T00:00:10Z");
    private final TestDatabase db;

    StatsRollupTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void reset() {
        db.reset();
        db.execute("TRUNCATE gantry.job_stats");
    }

    /**
     * 10 jobs succeed, 5 fail once then succeed, 3 fail permanently, 1 waiting job is cancelled:
     * 23 claims, 15 completed, 5 failed attempts, 3 discarded, 1 cancelled.
     */
    @Test
    void countsEqualWhatAWorkerDid() {
        Gantry gantry = db.gantry(WorkerConfig.builder().queue("stats", 4).stageInterval(Duration.ofHours(1))
                .rescueInterval(Duration.ofHours(1)).build(), time, GantryListener.NONE);
        gantry.register("ok", Map.class, (a, ctx) -> null);
        gantry.register("flaky", Map.class, (a, ctx) -> {
            if (ctx.attempt() == 1) throw new IllegalStateException("first attempt fails");
            return null;
        });
        gantry.register("bad", Map.class, (a, ctx) -> {
            throw new PermanentJobFailure("never works");
        });
        gantry.start();
        gantry.client().declareKind("idle");
        EnqueueOptions stats = EnqueueOptions.defaults().withQueue("stats");

        Job idle = gantry.client().enqueue("idle", Map.of(), EnqueueOptions.defaults().withQueue("idle"));
        gantry.client().cancel(idle.id());
        for (int i = 0; i < 10; i++) gantry.client().enqueue("ok", Map.of(), stats);
        for (int i = 0; i < 5; i++) gantry.client().enqueue("flaky", Map.of(), stats);
        for (int i = 0; i < 3; i++) gantry.client().enqueue("bad", Map.of(), stats);
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("state = 'retryable'") == 5
                && db.count("state IN ('completed', 'discarded')") == 13);
        time.advance(Duration.ofSeconds(2));   // past the first backoff (1 s +/- 10 %)
        gantry.stageDueJobs();
        await().atMost(Duration.ofSeconds(30)).until(() -> db.count("state = 'completed'") == 15);
        gantry.stop();

        assertThat(sums("stats")).containsExactly(23L, 15L, 5L, 3L, 0L, 23L, 23L, 23L);
        assertThat(sums("idle")).containsExactly(0L, 0L, 0L, 0L, 1L, 0L, 0L, 0L);
        JobStats snapshot = new CachedStatsReader(new StatsStore(new Db(db.dataSource()), SchemaName.DEFAULT, time), time).snapshot();
        WindowStats lastHour = snapshot.windows().get(2);
        assertThat(lastHour.window()).isEqualTo("1h");
        assertThat(List.of(lastHour.claimed(), lastHour.completed(), lastHour.failed(), lastHour.discarded(), lastHour.cancelled()))
                .containsExactly(23L, 15L, 5L, 3L, 1L);
        assertThat(lastHour.successRate()).isEqualTo(15.0 / 18);
    }

    /** A SQL-only worker (gantry.claim, complete, fail) is counted like a Java one. */
    @Test
    void countsEqualWhatTheSqlApiDid() {
        db.execute("SELECT gantry.declare_kind('sql.job')");
        for (int i = 0; i < 6; i++) db.execute("SELECT gantry.enqueue('sql.job', '{}', queue => 'sql', max_attempts => 2)");

        db.execute("SELECT count(*) FROM gantry.claim('sql', 'w1', 6)");
        db.execute("SELECT gantry.complete(id, 'w1') FROM gantry.jobs WHERE id <= 3");
        db.execute("SELECT gantry.fail(id, 'w1', 'boom') FROM gantry.jobs WHERE id IN (4, 5)");
        db.execute("SELECT gantry.fail(id, 'w1', 'bad input', retryable => false) FROM gantry.jobs WHERE id = 6");

        assertThat(sums("sql")).containsExactly(6L, 3L, 2L, 1L, 0L, 6L, 6L, 6L);
    }

    /**
     * With the clock pinned, pickup latency and run time are exact: enqueued at t, claimed at
     * t + 250 ms (histogram bucket 300 ms), finished 40 ms later (bucket 100 ms).
     */
    @Test
    void recordsPickupLatencyAndRunTimeInTheirMinute() {
        Gantry client = db.gantry(null, time, GantryListener.NONE);
        client.client().declareKind("timed");
        JobStore store = new JobStore(new Db(db.dataSource()), SchemaName.DEFAULT, time);
        Job a = client.client().enqueue("timed", Map.of());
        Job b = client.client().enqueue("timed", Map.of());

        time.advance(Duration.ofMillis(250));
        store.claim("default", "w", 2, Duration.ofSeconds(30));
        time.advance(Duration.ofMillis(40));
        store.applyOutcomes("w", List.of(new OutcomeRow(a.id(), 1, "completed", 0, null, null, false),
                new OutcomeRow(b.id(), 1, "retryable", 5_000,
                        "{\"at\": \"" + time.now() + "\", \"error\": \"boom\"}", null, false)));
        store.renewLeases("w", Set.of(a.id(), b.id()), Duration.ofSeconds(30));

        assertThat(db.queryString("""
                SELECT bucket || ' ' || claimed || ' ' || completed || ' ' || failed || ' ' || round(wait_ms_sum::numeric, 3)
                       || ' ' || round(wait_ms_max::numeric, 3) || ' ' || wait_h5 || ' ' || run_count || ' '
                       || round(run_ms_sum::numeric, 3) || ' ' || run_h4
                  FROM gantry.job_stats WHERE queue = 'default'"""))
                .isEqualTo(db.queryString("SELECT timestamptz '2025-01-01T00:00:00Z'::text") + " 2 1 1 500.000 250.000 2 2 80.000 2");
    }

    /** [claimed, completed, failed, discarded, cancelled, run count, wait histogram total, run histogram total] */
    private List<Long> sums(String queue) {
        String histograms = String.join(" + ", java.util.stream.IntStream.range(0, 12).mapToObj(i -> "wait_h" + i).toList());
        String runs = histograms.replace("wait_h", "run_h");
        return java.util.Arrays.stream(db.queryString("""
                SELECT concat_ws(' ', coalesce(sum(claimed), 0), coalesce(sum(completed), 0), coalesce(sum(failed), 0),
                                 coalesce(sum(discarded), 0), coalesce(sum(cancelled), 0), coalesce(sum(run_count), 0),
                                 coalesce(sum(%s), 0), coalesce(sum(%s), 0))
                  FROM gantry.job_stats WHERE queue = ?""".formatted(histograms, runs), queue).split(" "))
                .map(Long::parseLong).toList();
    }
}
