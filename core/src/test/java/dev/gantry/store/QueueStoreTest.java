package dev.gantry.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.config.SchemaName;
import dev.gantry.client.QueueSummary;
import dev.gantry.client.QueueClient;
import dev.gantry.error.InvalidInputException;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** QueueStore and QueueClient: which queues are known, what they show, and the claim's pause check. */
@ExtendWith(PostgresExtension.class)
class QueueStoreTest {
    private final TestDatabase db;
    private final QueueStore store;
    private final QueueClient queues;

    QueueStoreTest(TestDatabase db) {
        this.db = db;
        this.store = new QueueStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
        this.queues = db.client().queues();
    }

    @BeforeEach
    void reset() {
        db.reset();
        db.execute("TRUNCATE gantry.queues, gantry.workers");
    }

    @Test
    void emptyDatabaseHasNoQueues() {
        assertThat(store.list()).isEmpty();
    }

    @Test
    void queuesWithUnfinishedJobsAreListedAndFinishedOnesAreNot() {
        job("a", "available");
        job("p", "pending");
        job("s", "scheduled");
        job("r", "retryable");
        db.execute("INSERT INTO gantry.jobs (queue, kind, state, worker_id, lease_expires_at, attempt) "
                + "VALUES ('run', 'k', 'running', 'sql-1', now() + interval '1 minute', 1)");
        job("done", "completed");
        job("dead", "discarded");
        job("gone", "cancelled");
        job("a", "scheduled");

        assertThat(store.list()).extracting(QueueSummary::name).containsExactly("a", "p", "r", "run", "s");
        assertThat(store.list()).allSatisfy(q -> {
            assertThat(q.paused()).isFalse();
            assertThat(q.pausedAt()).isNull();
            assertThat(q.workers()).isEmpty();
        });
    }

    @Test
    void queuesOfLiveWorkersAreListedWithEachWorkersConcurrencyAndOwnPause() {
        worker("w1", "now()", """
                [{"name": "mail", "concurrency": 4, "paused": true, "paused_locally": false, "paused_globally": true, "running": 0},
                 {"name": "work", "concurrency": 8, "paused": true, "paused_locally": true, "paused_globally": false, "running": 3}]""");
        worker("w0", "now()", """
                [{"name": "mail", "concurrency": 2, "paused": true, "running": 1}]""");   // a row written before paused_locally existed
        worker("ghost", "now() - interval '1 hour'", """
                [{"name": "haunted", "concurrency": 1, "paused": false, "running": 0}]""");

        assertThat(store.list()).extracting(QueueSummary::name).containsExactly("mail", "work");
        assertThat(store.get("mail").workers()).containsExactly(
                new QueueSummary.Worker("w0", 2, true, 1), new QueueSummary.Worker("w1", 4, false, 0));
        assertThat(store.get("work").workers()).containsExactly(new QueueSummary.Worker("w1", 8, true, 3));
        assertThat(store.get("haunted").workers()).as("dead workers serve nothing").isEmpty();
    }

    @Test
    void aQueuePausedAheadOfAnyJobOrWorkerIsListedAndStaysListedAfterResume() {
        QueueSummary paused = queues.pause("later", "cli");

        assertThat(paused.name()).isEqualTo("later");
        assertThat(paused.paused()).isTrue();
        assertThat(paused.pausedBy()).isEqualTo("cli");
        assertThat(paused.pausedAt()).isNotNull();
        assertThat(store.list()).containsExactly(paused);
        assertThat(store.paused()).containsExactly("later");

        QueueSummary resumed = queues.resume("later");

        assertThat(resumed).isEqualTo(new QueueSummary("later", false, null, null, List.of()));
        assertThat(store.list()).containsExactly(resumed);
        assertThat(store.paused()).isEmpty();
    }

    @Test
    void everySourceTogetherGivesEachQueueOnceInNameOrder() {
        job("mail", "available");
        job("mail", "scheduled");
        worker("w1", "now()", """
                [{"name": "mail", "concurrency": 1, "paused": false, "running": 0},
                 {"name": "b-only-worker", "concurrency": 1, "paused": false, "running": 0}]""");
        store.pause("mail", null);
        store.pause("a-only-paused", "ops");

        assertThat(store.list()).extracting(q -> q.name() + ":" + q.paused() + ":" + q.workers().size())
                .containsExactly("a-only-paused:true:0", "b-only-worker:false:1", "mail:true:1");
    }

    @Test
    void anUnknownQueueIsNotPausedAndHasNoWorkers() {
        assertThat(queues.get("nothing.here")).isEqualTo(new QueueSummary("nothing.here", false, null, null, List.of()));
    }

    @Test
    void javaClaimTakesNothingFromAQueuePausedForAllWorkers() {
        long id = db.queryLong("INSERT INTO gantry.jobs (queue, kind) VALUES ('mail', 'k') RETURNING id");
        JobStore jobs = new JobStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE, true);
        store.pause("mail", "test");

        assertThat(jobs.claim("mail", "w1", 10, Duration.ofSeconds(30))).isEmpty();

        store.resume("mail");
        assertThat(jobs.claim("mail", "w1", 10, Duration.ofSeconds(30))).extracting(j -> j.id()).containsExactly(id);
    }

    @Test
    void badNamesAndByAreRejectedWithTheFieldAndWriteNothing() {
        assertInvalid(() -> queues.pause("mail box", "cli"), "queue",
                "must be at most 128 letters, digits or _ . : - (not starting with . : -), got \"mail box\"");
        assertInvalid(() -> queues.pause(null, "cli"), "queue", "must not be empty");
        assertInvalid(() -> queues.resume(""), "queue", "must not be empty");
        assertInvalid(() -> queues.get("-x"), "queue",
                "must be at most 128 letters, digits or _ . : - (not starting with . : -), got \"-x\"");
        assertInvalid(() -> queues.pause("mail", ""), "by", "must be 1 to 200 characters or null, got 0 characters");
        assertInvalid(() -> store.pause("mail box", null), "queue",
                "must be at most 128 letters, digits or _ . : - (not starting with . : -), got \"mail box\"");

        assertThat(db.queryLong("SELECT count(*) FROM gantry.queues")).isZero();
    }

    private static void assertInvalid(ThrowingCallable call, String field, String reason) {
        assertThatThrownBy(call).isInstanceOf(InvalidInputException.class).satisfies(e -> {
            assertThat(((InvalidInputException) e).field()).isEqualTo(field);
            assertThat(((InvalidInputException) e).reason()).isEqualTo(reason);
        });
    }

    private void job(String queue, String state) {
        db.execute("INSERT INTO gantry.jobs (queue, kind, state, finished_at) VALUES ('" + queue + "', 'k', '" + state
                + "', CASE WHEN '" + state + "' IN ('completed', 'discarded', 'cancelled') THEN now() END)");
    }

    private void worker(String id, String lastHeartbeat, String queuesJson) {
        db.execute("INSERT INTO gantry.workers (id, host, pid, version, status, last_heartbeat_at, heartbeat_interval_ms,"
                + " dead_timeout_ms, queues) VALUES ('" + id + "', 'h', 1, 'v', 'running', " + lastHeartbeat
                + ", 5000, 30000, '" + queuesJson + "')");
    }
}
