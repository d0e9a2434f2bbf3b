package dev.gantry.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.GantryInternals;
import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.JobRequest;
import dev.gantry.config.QueueConfig;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.event.JobFinished;
import dev.gantry.job.Job;
import dev.gantry.store.CommandStore;
import dev.gantry.store.Db;
import dev.gantry.config.SchemaName;
import dev.gantry.client.QueueSummary;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;
import dev.gantry.worker.WorkerRuntime;

/**
 * A queue paused for all workers (gantry.queues) holds for running workers and for workers
 * started later, combines with a worker's own pause, and reaches workers without LISTEN by
 * their heartbeats. Each "nothing was claimed" check runs while the same worker demonstrably
 * keeps claiming from another queue, so it cannot pass because the worker was idle.
 */
@ExtendWith(PostgresExtension.class)
class QueuePauseTest {
    /** How long a paused queue must stay untouched while the worker polls every 50 ms. */
    private static final Duration HOLD = Duration.ofMillis(1500);

    private final TestDatabase db;
    private final Events events = new Events();
    private final List<Gantry> started = new ArrayList<>();
    private Gantry admin;
    private CommandStore commands;

    QueuePauseTest(TestDatabase db) {
        this.db = db;
    }

    @BeforeEach
    void setUp() {
        db.reset();
        db.execute("TRUNCATE gantry.queues, gantry.workers, gantry.worker_commands");
        admin = db.client();
        admin.client().declareKind("quick");
        commands = new CommandStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
    }

    @AfterEach
    void tearDown() {
        started.forEach(Gantry::close);
        admin.close();
    }

    @Test
    void pauseStopsClaimsOfARunningWorkerAtOnceAndResumeLetsTheJobsComplete() {
        // Heartbeats 30 s apart: whatever changes within seconds came by NOTIFY.
        Gantry worker = worker("w1", true, Duration.ofSeconds(30));
        events.awaitFinished(enqueue("mail").id());   // the worker serves mail before the pause

        QueueSummary paused = admin.queues().pause("mail", "alice");

        assertThat(paused.paused()).isTrue();
        assertThat(paused.pausedBy()).isEqualTo("alice");
        await().atMost(Duration.ofSeconds(5)).until(() -> state(worker, "mail").pausedGlobally());
        await().atMost(Duration.ofSeconds(5)).until(() -> registry("w1", "mail").contains("\"paused_globally\": true"));
        int claimsAtPause = events.claimStatements("mail");
        List<Job> mail = enqueueMany("mail", 5);
        assertNothingClaimedWhileOtherQueuesWork(mail);
        // A fetcher that was inside a claim when the pause arrived may finish that one claim.
        assertThat(events.claimStatements("mail")).as("claim statements on the paused queue")
                .isLessThanOrEqualTo(claimsAtPause + claimersPerQueue(worker));

        admin.queues().resume("mail");

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("queue = 'mail' AND state = 'completed'") == 6);
        assertThat(state(worker, "mail").paused()).isFalse();
    }

    @Test
    void workerStartedWhileTheQueueIsPausedClaimsNothingFromItUntilResumed() {
        admin.queues().pause("mail", "cli");
        List<Job> mail = enqueueMany("mail", 3);

        Gantry worker = worker("late", true, Duration.ofMillis(500));

        assertThat(state(worker, "mail").pausedGlobally()).as("known before the first claim").isTrue();
        assertNothingClaimedWhileOtherQueuesWork(mail);
        assertThat(events.claimStatements("mail")).as("claim statements on the paused queue").isZero();
        assertThat(events.claimStatements("work")).as("the other queue was claimed from").isPositive();
        assertThat(registry("late", "mail")).contains("\"paused\": true").contains("\"paused_globally\": true")
                .contains("\"paused_locally\": false");

        admin.queues().resume("mail");

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("queue = 'mail' AND state = 'completed'") == 3);
    }

    @Test
    void globalResumeLeavesTheWorkersOwnPause() {
        Gantry worker = worker("w2", true, Duration.ofMillis(500));
        assertThat(ack(commands.send("w2", "pause_queue", "{\"queue\":\"mail\"}"))).isEqualTo("processed");
        admin.queues().pause("mail", null);
        await().atMost(Duration.ofSeconds(5)).until(() -> state(worker, "mail").pausedGlobally());

        admin.queues().resume("mail");

        await().atMost(Duration.ofSeconds(5)).until(() -> !state(worker, "mail").pausedGlobally());
        assertThat(state(worker, "mail").pausedLocally()).isTrue();
        assertNothingClaimedWhileOtherQueuesWork(enqueueMany("mail", 2));
        await().atMost(Duration.ofSeconds(5)).until(() -> registry("w2", "mail").contains("\"paused_globally\": false"));
        assertThat(registry("w2", "mail")).contains("\"paused\": true").contains("\"paused_locally\": true");
        assertThat(admin.queues().get("mail").workers()).singleElement()
                .satisfies(w -> assertThat(w.pausedLocally()).isTrue());

        ack(commands.send("w2", "resume_queue", "{\"queue\":\"mail\"}"));

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("queue = 'mail' AND state = 'completed'") == 2);
    }

    @Test
    void theWorkersOwnResumeAndARestartLeaveTheGlobalPause() {
        Gantry worker = worker("w3", true, Duration.ofMillis(500));
        ack(commands.send("w3", "pause_queue", "{\"queue\":\"mail\"}"));
        admin.queues().pause("mail", "ops");
        await().atMost(Duration.ofSeconds(5)).until(() -> state(worker, "mail").pausedGlobally());

        assertThat(ack(commands.send("w3", "resume_queue", "{\"queue\":\"mail\"}"))).isEqualTo("processed");
        assertThat(ack(commands.send("w3", "restart", "{}"))).isEqualTo("processed");

        assertThat(state(worker, "mail").pausedLocally()).isFalse();
        assertThat(state(worker, "mail").pausedGlobally()).isTrue();
        assertNothingClaimedWhileOtherQueuesWork(enqueueMany("mail", 2));

        admin.queues().resume("mail");

        await().atMost(Duration.ofSeconds(10)).until(() -> db.count("queue = 'mail' AND state = 'completed'") == 2);
    }

    @Test
    void withoutListenPauseAndResumeReachTheWorkerWithinAHeartbeat() {
        Gantry worker = worker("polled", false, Duration.ofMillis(500));
        events.awaitFinished(enqueue("mail").id());

        admin.queues().pause("mail", "cli");
        List<Job> mail = enqueueMany("mail", 3);

        await().atMost(Duration.ofSeconds(5)).until(() -> state(worker, "mail").pausedGlobally());
        await().atMost(Duration.ofSeconds(5)).until(() -> registry("polled", "mail").contains("\"paused_globally\": true"));
        assertNothingClaimedWhileOtherQueuesWork(mail);

        admin.queues().resume("mail");

        // No NOTIFY reaches this worker: only its heartbeat (every 500 ms) can lift the pause.
        await().atMost(Duration.ofSeconds(5)).until(() -> db.count("queue = 'mail' AND state = 'completed'") == 4);
    }

    /**
     * The paused queue's jobs stay available for {@link #HOLD}, during which the worker runs jobs
     * of its other queue, enqueued after them.
     */
    private void assertNothingClaimedWhileOtherQueuesWork(List<Job> paused) {
        List<Long> ids = paused.stream().map(Job::id).toList();
        String idList = ids.stream().map(String::valueOf).collect(Collectors.joining(","));
        Job other = enqueue("work");
        events.awaitFinished(other.id());
        await().during(HOLD).atMost(HOLD.multipliedBy(2)).until(() ->
                db.count("state = 'available' AND id IN (" + idList + ")") == ids.size());
        assertThat(events.recorded.claimed).doesNotContainAnyElementsOf(ids);
        events.awaitFinished(enqueue("work").id());
    }

    private Gantry worker(String id, boolean listen, Duration heartbeat) {
        Gantry g = db.gantry(WorkerConfig.builder().workerId(id).queues(QueueConfig.parseList("q", "mail:2,work:2", 1))
                .listen(listen).pollInterval(Duration.ofMillis(50)).heartbeatInterval(heartbeat)
                .deadTimeout(heartbeat.multipliedBy(4)).build(), SystemTimeSource.INSTANCE, events);
        g.register("quick", Map.class, (a, ctx) -> null);
        started.add(g);
        g.start();
        return g;
    }

    private static int claimersPerQueue(Gantry worker) {
        WorkerConfig config = GantryInternals.worker(worker).config();
        return WorkerRuntime.claimConnections(config) / config.queues().size();
    }

    private Job enqueue(String queue) {
        return admin.client().enqueue("quick", Map.of(), EnqueueOptions.defaults().withQueue(queue));
    }

    private List<Job> enqueueMany(String queue, int n) {
        return admin.client().enqueueMany(IntStream.range(0, n)
                .mapToObj(i -> new JobRequest("quick", Map.of("i", i), EnqueueOptions.defaults().withQueue(queue))).toList());
    }

    private static WorkerRuntime.QueueState state(Gantry worker, String queue) {
        return GantryInternals.worker(worker).queues().stream().filter(q -> q.name().equals(queue)).findFirst().orElseThrow();
    }

    /** The queue's entry in the worker's registry row, as JSON text. */
    private String registry(String workerId, String queue) {
        return db.queryString("SELECT q::text FROM gantry.workers w, jsonb_array_elements(w.queues) q "
                + "WHERE w.id = ? AND q->>'name' = ?", workerId, queue);
    }

    private String ack(long id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !commands.get(id).getFirst().status().equals("pending"));
        return commands.get(id).getFirst().status();
    }

    /** Records claims and finishes like RecordingListener, and counts claim statements per queue. */
    static final class Events implements GantryListener {
        final RecordingListener recorded = new RecordingListener();
        private final Map<String, AtomicInteger> claimStatements = new ConcurrentHashMap<>();

        int claimStatements(String queue) {
            return claimStatements.computeIfAbsent(queue, q -> new AtomicInteger()).get();
        }

        void awaitFinished(long jobId) {
            recorded.awaitFinished(jobId);
        }

        @Override
        public void claimTimed(String queue, int count, Duration latency) {
            claimStatements.computeIfAbsent(queue, q -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void jobsClaimed(String queue, List<Long> jobIds) {
            recorded.jobsClaimed(queue, jobIds);
        }

        @Override
        public void jobFinished(JobFinished event) {
            recorded.jobFinished(event);
        }
    }
}
