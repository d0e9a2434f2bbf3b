package dev.gantry.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.health.Health;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** /health's stalled reason: jobs wait in an unpaused queue while the worker, free, claims none. */
@ExtendWith(PostgresExtension.class)
class StalledHealthTest {
    private final TestDatabase db;

    StalledHealthTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void reset() {
        db.reset();
        db.execute("DELETE FROM gantry.queues");
        db.execute("SELECT gantry.declare_kind('stall.job')");
    }

    private Gantry worker(String queue) {
        Gantry g = db.gantry(WorkerConfig.builder().queue(queue, 2).claimStallTimeout(Duration.ofSeconds(2))
                .monitorInterval(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(200)).build(),
                SystemTimeSource.INSTANCE, GantryListener.NONE);
        g.register("stall.job", Map.class, (a, ctx) -> null);
        return g;
    }

    @Test
    void jobsLeftWaitingWhileTheWorkerClaimsNoneMakeItStalledUntilItClaimsAgain() throws Exception {
        Gantry w;
        db.execute("INSERT INTO gantry.jobs (queue, kind, state, run_at) SELECT 'stall-q', 'stall.job', 'available',"
                + " now() - interval '10 minutes' FROM generate_series(1, 3)");
        try (Connection holder = db.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                // Held by another session: the worker's SKIP LOCKED claims find nothing, as when its claims are stuck.
                st.execute("SELECT id FROM gantry.jobs WHERE queue = 'stall-q' FOR UPDATE");
            }
            w = worker("stall-q");
            w.start();
            Gantry started = w;
            await().atMost(Duration.ofSeconds(20)).until(() -> !started.health().healthy());
            Health h = w.health();
            assertThat(h.reason()).startsWith("stalled: queue stall-q has had jobs available for");
            holder.rollback();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> db.count("queue = 'stall-q' AND state = 'completed'") == 3);
        Gantry done = w;
        await().atMost(Duration.ofSeconds(10)).until(() -> done.health().healthy());
    }

    @Test
    void anEmptyQueueOrAPausedOneNeverStallsAWorker() {
        Gantry idle = worker("stall-empty");
        idle.start();
        db.execute("INSERT INTO gantry.jobs (queue, kind, state, run_at) VALUES ('stall-paused', 'stall.job', 'available',"
                + " now() - interval '10 minutes')");
        db.execute("SELECT gantry.pause_queue('stall-paused')");
        Gantry paused = worker("stall-paused");
        paused.start();
        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(10)).until(() -> idle.health().healthy() && paused.health().healthy());
    }
}
