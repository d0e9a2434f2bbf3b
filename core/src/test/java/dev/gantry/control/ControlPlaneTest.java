package dev.gantry.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.GantryInternals;
import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.config.QueueConfig;
import dev.gantry.config.WorkerConfig;
import dev.gantry.error.InvalidInputException;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.store.CommandStore;
import dev.gantry.store.Db;
import dev.gantry.config.SchemaName;
import dev.gantry.client.CommandDelivery;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** Commands reach a live worker, take effect, and are acknowledged; bad ones are refused when written. */
@ExtendWith(PostgresExtension.class)
class ControlPlaneTest {
    private final RecordingListener events = new RecordingListener();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(1);
    private Gantry gantry;
    private CommandStore commands;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.reset();
        db.execute("TRUNCATE gantry.workers, gantry.worker_commands");
        gantry = db.gantry(WorkerConfig.builder().workerId("ctl").queues(QueueConfig.parseList("q", "work:2,mail:1", 1))
                .heartbeatInterval(Duration.ofMillis(500)).deadTimeout(Duration.ofSeconds(2)).build(),
                SystemTimeSource.INSTANCE, events);
        gantry.register("hold", Map.class, (a, ctx) -> {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            try {
                release.await();
            } finally {
                running.decrementAndGet();
            }
            return null;
        });
        gantry.register("quick", Map.class, (a, ctx) -> null);
        gantry.start();
        commands = new CommandStore(new Db(db.dataSource()), SchemaName.DEFAULT, SystemTimeSource.INSTANCE);
    }

    @AfterEach
    void tearDown() {
        release.countDown();
        gantry.close();
    }

    private CommandDelivery awaitAck(long id) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !commands.get(id).getFirst().status().equals("pending"));
        return commands.get(id).getFirst();
    }

    private Job enqueue(String kind, String queue) {
        return gantry.client().enqueue(kind, Map.of(), EnqueueOptions.defaults().withQueue(queue));
    }

    @Test
    void stopHaltsClaimsButLetsRunningJobsFinishAndStartResumes(TestDatabase db) {
        Job holding = enqueue("hold", "work");
        events.awaitClaimed(holding.id());

        CommandDelivery stop = awaitAck(commands.send("ctl", "stop", "{}"));
        Job waiting = enqueue("quick", "work");
        release.countDown();
        events.awaitFinished(holding.id());

        assertThat(stop.status()).isEqualTo("processed");
        assertThat(stop.processedAt()).isNotNull();
        assertThat(db.state(holding.id())).as("running job finished").isEqualTo(JobState.COMPLETED);
        assertThat(db.state(waiting.id())).as("nothing claimed after stop").isEqualTo(JobState.AVAILABLE);
        await().atMost(Duration.ofSeconds(5)).until(() -> "stopped".equals(db.queryString("SELECT status FROM gantry.workers WHERE id = 'ctl'")));

        awaitAck(commands.send("ctl", "start", "{}"));
        events.awaitFinished(waiting.id());
        assertThat(db.state(waiting.id())).isEqualTo(JobState.COMPLETED);
    }

    @Test
    void pauseQueueStopsOnlyThatQueue(TestDatabase db) {
        assertThat(awaitAck(commands.send("ctl", "pause_queue", "{\"queue\":\"mail\"}")).status()).isEqualTo("processed");

        Job mail = enqueue("quick", "mail");
        Job work = enqueue("quick", "work");
        events.awaitFinished(work.id());
        assertThat(db.state(mail.id())).isEqualTo(JobState.AVAILABLE);

        awaitAck(commands.send("ctl", "resume_queue", "{\"queue\":\"mail\"}"));
        events.awaitFinished(mail.id());
    }

    @Test
    void updateConfigChangesConcurrencyLive(TestDatabase db) {
        for (int i = 0; i < 6; i++) enqueue("hold", "work");
        await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 2);

        CommandDelivery ack = awaitAck(commands.send("ctl", "update_config", "{\"concurrency\":{\"work\":5},\"poll_interval_ms\":200}"));

        assertThat(ack.status()).isEqualTo("processed");
        await().atMost(Duration.ofSeconds(10)).until(() -> running.get() == 5);
        assertThat(GantryInternals.worker(gantry).queues()).anySatisfy(q -> {
            assertThat(q.name()).isEqualTo("work");
            assertThat(q.concurrency()).isEqualTo(5);
        });
        assertThat(GantryInternals.worker(gantry).pollInterval()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void logLevelChangeFailsCleanlyWhereTheProcessOwnsLogging() {
        CommandDelivery ack = awaitAck(commands.send("ctl", "update_config", "{\"log_level\":\"debug\"}"));

        assertThat(ack.status()).isEqualTo("failed");
        assertThat(ack.error()).contains("log level");
    }

    @Test
    void restartGoesBackToTheStartupConfiguration(TestDatabase db) {
        awaitAck(commands.send("ctl", "update_config", "{\"concurrency\":{\"work\":7}}"));
        awaitAck(commands.send("ctl", "pause_queue", "{\"queue\":\"mail\"}"));

        CommandDelivery ack = awaitAck(commands.send("ctl", "restart", "{}"));

        assertThat(ack.status()).isEqualTo("processed");
        assertThat(GantryInternals.worker(gantry).queues()).extracting(q -> q.name() + ":" + q.concurrency() + ":" + q.paused())
                .containsExactly("work:2:false", "mail:1:false");
        Job after = enqueue("quick", "mail");
        events.awaitFinished(after.id());
    }

    @Test
    void broadcastReachesEveryLiveWorker(TestDatabase db) {
        long id = commands.send("*", "stop", "{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> commands.get(id).stream().allMatch(c -> c.status().equals("processed")));
        assertThat(commands.get(id)).extracting(CommandDelivery::workerId).containsExactly("ctl");
    }

    @Test
    void commandToADeadWorkerExpiresWithTheReason(TestDatabase db) {
        db.execute("INSERT INTO gantry.workers (id, host, pid, version, status, last_heartbeat_at, heartbeat_interval_ms, dead_timeout_ms) "
                + "VALUES ('ghost', 'h', 1, 'v', 'running', now() - interval '1 hour', 5000, 30000)");

        CommandDelivery c = commands.get(commands.send("ghost", "stop", "{}")).getFirst();

        assertThat(c.status()).isEqualTo("expired");
        assertThat(c.error()).contains("worker ghost is dead");
    }

    @Test
    void pendingCommandOfAWorkerThatDiesExpires(TestDatabase db) {
        db.execute("INSERT INTO gantry.workers (id, host, pid, version, status, last_heartbeat_at, heartbeat_interval_ms, dead_timeout_ms) "
                + "VALUES ('dying', 'h', 1, 'v', 'running', now(), 500, 1000)");
        long id = commands.send("dying", "stop", "{}");

        await().atMost(Duration.ofSeconds(10)).until(() -> commands.get(id).getFirst().status().equals("expired"));
        assertThat(commands.get(id).getFirst().error()).contains("died before acknowledging");
    }

    @Test
    void badCommandsAreRejectedWhenWrittenAndWriteNothing(TestDatabase db) {
        String[][] bad = {
            {"ctl", "explode", "{}", "command"},
            {"nobody", "stop", "{}", "target"},
            {"", "stop", "{}", "target"},
            {"ctl", "stop", "{\"now\":true}", "payload"},
            {"ctl", "pause_queue", "{}", "payload"},
            {"ctl", "pause_queue", "{\"queue\":\"nope\"}", "payload.queue"},
            {"ctl", "pause_queue", "{\"queue\":7}", "payload.queue"},
            {"ctl", "update_config", "{}", "payload"},
            {"ctl", "update_config", "{\"colour\":\"red\"}", "payload.colour"},
            {"ctl", "update_config", "{\"concurrency\":{\"work\":0}}", "payload.concurrency"},
            {"ctl", "update_config", "{\"concurrency\":{\"nope\":3}}", "payload.concurrency"},
            {"ctl", "update_config", "{\"concurrency\":{\"work\":2.5}}", "payload.concurrency"},
            {"ctl", "update_config", "{\"poll_interval_ms\":-1}", "payload.poll_interval_ms"},
            {"ctl", "update_config", "{\"poll_interval_ms\":\"fast\"}", "payload.poll_interval_ms"},
            {"ctl", "update_config", "{\"log_level\":\"LOUD\"}", "payload.log_level"},
            {"ctl", "shutdown", "[]", "payload"},
        };
        for (String[] b : bad) {
            assertThatThrownBy(() -> commands.send(b[0], b[1], b[2])).as("%s %s %s", b[0], b[1], b[2])
                    .isInstanceOf(InvalidInputException.class)
                    .satisfies(e -> assertThat(((InvalidInputException) e).field()).isEqualTo(b[3]));
        }
        assertThat(db.queryLong("SELECT count(*) FROM gantry.worker_commands")).isZero();
    }

    @Test
    void workersGoneForLongerThanTheRetentionAreForgotten(TestDatabase db) {
        db.execute("INSERT INTO gantry.workers (id, host, pid, version, status, last_heartbeat_at, heartbeat_interval_ms, dead_timeout_ms) "
                + "VALUES ('ancient', 'h', 1, 'v', 'stopped', now() - interval '3 days', 5000, 30000)");

        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong("SELECT count(*) FROM gantry.workers WHERE id = 'ancient'") == 0);
        assertThat(db.queryLong("SELECT count(*) FROM gantry.workers WHERE id = 'ctl'")).isEqualTo(1);
    }

    @Test
    void registryShowsTheWorkerWithItsQueuesAndCounters(TestDatabase db) {
        Job job = enqueue("quick", "work");
        events.awaitFinished(job.id());

        await().atMost(Duration.ofSeconds(5)).until(() -> db.queryLong("SELECT jobs_processed FROM gantry.workers WHERE id = 'ctl'") == 1);
        assertThat(db.queryString("SELECT status FROM gantry.workers WHERE id = 'ctl'")).isEqualTo("running");
        assertThat(db.queryString("SELECT queues::text FROM gantry.workers WHERE id = 'ctl'"))
                .contains("\"name\": \"work\"").contains("\"concurrency\": 2");
        assertThat(db.queryLong("SELECT pid FROM gantry.workers WHERE id = 'ctl'")).isEqualTo(ProcessHandle.current().pid());
    }
}
