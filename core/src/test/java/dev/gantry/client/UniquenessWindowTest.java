package dev.gantry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.gantry.Gantry;
import dev.gantry.error.InvalidInputException;
import dev.gantry.event.GantryListener;
import dev.gantry.job.Job;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;

/** Uniqueness windows: how long a job holds its unique key, per window, through Java and SQL, and under races. */
@ExtendWith(PostgresExtension.class)
class UniquenessWindowTest {
    private final ManualTimeSource time = ManualTimeSource.at("2026-12-06T12:00:00Z");
    private final TestDatabase db;
    private GantryClient client;

    UniquenessWindowTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() {
        db.reset();
        db.execute("SELECT gantry.declare_kind('stats.refresh')");
        Gantry g = db.gantry(null, time, GantryListener.NONE);
        client = g.client();
    }

    private Job enqueue(String window) {
        return client.enqueue("stats.refresh", Map.of(), EnqueueOptions.defaults().withUniqueKey("refresh:match-7", window));
    }

    private void setState(long id, String state) {
        db.execute("UPDATE gantry.jobs SET state = '" + state + "', attempt = 1, worker_id = "
                + (state.equals("running") ? "'w1', lease_expires_at = now() + interval '1 minute'" : "NULL, lease_expires_at = NULL")
                + (Set.of("completed", "discarded", "cancelled").contains(state) ? ", finished_at = now()" : "")
                + " WHERE id = " + id);
    }

    @Test
    void waitingMergesRepeatedTriggersIntoOneWaitingJobAndLetsANewOneWaitWhileItRuns() {
        Job first = enqueue("waiting");
        assertThat(enqueue("waiting").id()).isEqualTo(first.id());
        setState(first.id(), "running");
        Job second = enqueue("waiting");
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(enqueue("waiting").id()).isEqualTo(second.id());
        assertThat(db.countJobs()).isEqualTo(2);
    }

    @Test
    void activeHoldsWhileRunningAndLetsGoWhenFinished() {
        Job first = enqueue("active");
        setState(first.id(), "running");
        assertThat(enqueue("active").id()).isEqualTo(first.id());
        setState(first.id(), "completed");
        assertThat(enqueue("active").id()).isNotEqualTo(first.id());
    }

    @Test
    void foreverHoldsAfterCompletionUntilCancelledOrDiscarded() {
        Job first = enqueue(null);
        setState(first.id(), "completed");
        assertThat(enqueue("forever").id()).isEqualTo(first.id());
        setState(first.id(), "discarded");
        assertThat(enqueue(null).id()).isNotEqualTo(first.id());
    }

    @Test
    void aPeriodHoldsForThatLongAfterEnqueueWhateverTheState() {
        Job first = enqueue("1h");
        setState(first.id(), "completed");
        time.advance(Duration.ofMinutes(59));
        assertThat(enqueue("1h").id()).isEqualTo(first.id());
        time.advance(Duration.ofMinutes(2));
        Job second = enqueue("1h");
        assertThat(second.id()).isNotEqualTo(first.id());
        assertThat(db.queryString("SELECT unique_while FROM gantry.jobs WHERE id = " + first.id())).isEqualTo("released");
        // and in a batch
        time.advance(Duration.ofHours(2));
        List<Job> batch = client.enqueueMany(List.of(
                new JobRequest("stats.refresh", Map.of(), EnqueueOptions.defaults().withUniqueKey("refresh:match-7", "1h")),
                new JobRequest("stats.refresh", Map.of(), EnqueueOptions.defaults().withUniqueKey("refresh:match-7", "1h"))));
        assertThat(batch.get(0).id()).isEqualTo(batch.get(1).id()).isNotEqualTo(second.id());
    }

    @Test
    void aWaitingJobThatGoesBackToWaitingWhileAnotherTookTheKeyLetsGoOfItAndStillRetries() throws Exception {
        Job first = enqueue("waiting");
        long claimed;
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM gantry.claim('default', 'w1', 1)");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            claimed = rs.getLong(1);
        }
        assertThat(claimed).isEqualTo(first.id());
        Job second = enqueue("waiting");
        // the first fails and goes back to retryable: it would hold the key again, which the second has
        assertThat(db.queryString("SELECT gantry.fail(" + first.id() + ", 'w1', 'boom')")).isEqualTo("t");
        assertThat(db.queryString("SELECT state || ' ' || unique_while FROM gantry.jobs WHERE id = " + first.id()))
                .isEqualTo("retryable released");
        assertThat(enqueue("waiting").id()).isEqualTo(second.id());
    }

    @Test
    void theSqlApiTakesTheSameWindows() {
        long a = db.queryLong("SELECT gantry.enqueue('stats.refresh', '{}', unique_key => 'k', unique_while => 'waiting')");
        assertThat(db.queryLong("SELECT gantry.enqueue('stats.refresh', '{}', unique_key => 'k', unique_while => 'waiting')")).isEqualTo(a);
        setState(a, "running");
        assertThat(db.queryLong("SELECT gantry.enqueue('stats.refresh', '{}', unique_key => 'k', unique_while => 'waiting')")).isNotEqualTo(a);
        long p = db.queryLong("SELECT gantry.enqueue('stats.refresh', '{}', unique_key => 'p', unique_while => '10m')");
        assertThat(db.queryString("SELECT unique_while || ' ' || (unique_until - created_at)::text FROM gantry.jobs WHERE id = " + p))
                .isEqualTo("period 00:10:00");
    }

    /** Eight enqueuers at once, per window: one job, and every caller gets it. */
    @ParameterizedTest
    @ValueSource(strings = {"waiting", "active", "forever", "10m"})
    void racingEnqueuersMakeOneJob(String window) throws Exception {
        // the database's clock for both paths, as in production (the class's pinned clock is for the period test)
        GantryClient client = db.gantry(null, dev.gantry.time.SystemTimeSource.INSTANCE, GantryListener.NONE).client();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (int round = 0; round < 10; round++) {
                String key = "race-" + window + "-" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Long>> ids = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    boolean sql = t % 2 == 0;
                    ids.add(pool.submit(() -> {
                        go.await();
                        if (sql) {
                            return db.queryLong("SELECT gantry.enqueue('stats.refresh', '{}', unique_key => ?, unique_while => ?)", key, window);
                        }
                        return client.enqueue("stats.refresh", Map.of(), EnqueueOptions.defaults().withUniqueKey(key, window)).id();
                    }));
                }
                go.countDown();
                Set<Long> distinct = new HashSet<>();
                for (Future<Long> f : ids) distinct.add(f.get());
                assertThat(distinct).as(key).hasSize(1);
                assertThat(db.count("unique_key = '" + key + "'")).isEqualTo(1);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badWindowsAreRefusedAndWriteNothing() {
        assertThatThrownBy(() -> client.enqueue("stats.refresh", Map.of(), EnqueueOptions.defaults().withUniqueKey(null, "waiting")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("unique_while"));
        for (String bad : new String[] {"sometimes", "10w", "0s", "-1h", ""}) {
            assertThatThrownBy(() -> enqueue(bad)).as(bad)
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("unique_while"));
            assertThatThrownBy(() -> db.execute("SELECT gantry.enqueue('stats.refresh', '{}', unique_key => 'k', unique_while => '"
                    + bad + "')")).as(bad).hasMessageContaining("unique_while: must be");
        }
        assertThatThrownBy(() -> db.execute("SELECT gantry.enqueue('stats.refresh', '{}', unique_while => 'waiting')"))
                .hasMessageContaining("unique_while: needs a unique_key");
        assertThat(db.countJobs()).isZero();
    }
}
