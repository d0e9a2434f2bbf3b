package dev.gantry.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.GantryInternals;
import dev.gantry.Gantry;
import dev.gantry.config.QueueConfig;
import dev.gantry.config.WorkerConfig;
import dev.gantry.event.GantryListener;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/**
 * Worker commands against a real in-process worker ("live"), a registry row whose heartbeat is
 * old ("ghost", dead), and a fresh row with no process behind it ("mute", alive but never
 * answering).
 */
@ExtendWith(PostgresExtension.class)
class WorkersCommandTest {
    private Cli cli;
    private Gantry worker;

    @BeforeEach
    void setUp(TestDatabase db) {
        db.execute("TRUNCATE gantry.workers, gantry.worker_commands");
        worker = db.gantry(WorkerConfig.builder().workerId("live").queues(QueueConfig.parseList("q", "default:2,mail:1", 1))
                .heartbeatInterval(Duration.ofMillis(500)).deadTimeout(Duration.ofSeconds(5)).build(),
                SystemTimeSource.INSTANCE, GantryListener.NONE);
        worker.start();
        cli = new Cli(db);
    }

    @AfterEach
    void tearDown() {
        worker.close();
    }

    private static void ghost(TestDatabase db) {
        db.execute("""
                INSERT INTO gantry.workers (id, host, pid, version, queues, status, started_at, last_heartbeat_at,
                                            heartbeat_interval_ms, dead_timeout_ms)
                VALUES ('ghost', 'old-host', 1, '0.0.1', '[{"name": "default", "concurrency": 4, "paused": false}]',
                        'running', now() - interval '2 hours', now() - interval '1 hour', 5000, 30000)""");
    }

    private static void mute(TestDatabase db) {
        db.execute("""
                INSERT INTO gantry.workers (id, host, pid, version, queues, status, heartbeat_interval_ms, dead_timeout_ms)
                VALUES ('mute', 'h', 2, 'dev', '[{"name": "default", "concurrency": 1, "paused": false}]', 'running',
                        5000, 600000)""");
    }

    private JsonNode workerJson(String id) {
        assertThat(cli.run("workers", "list", "--json")).isZero();
        for (JsonNode w : cli.json()) if (w.get("id").asText().equals(id)) return w;
        throw new AssertionError("no worker " + id + " in " + cli.out());
    }

    @Nested
    class ListWorkers {
        @Test
        void showsLivenessStatusHeartbeatAndQueues(TestDatabase db) {
            ghost(db);

            int code = cli.run("workers", "list");

            assertThat(code).isZero();
            List<String> lines = cli.out().lines().toList();
            assertThat(lines.getFirst()).startsWith("ID").contains("LIVENESS", "STATUS", "HEARTBEAT", "QUEUES", "RUNNING",
                    "PROCESSED", "FAILED");
            assertThat(lines.get(1)).startsWith("ghost ").contains(" dead ", "running", "1h ago", "default:4");
            assertThat(lines.get(2)).startsWith("live ").contains(" running ", "default:2 mail:1");
        }

        @Test
        void jsonHasDerivedLivenessAndHeartbeatAge(TestDatabase db) {
            ghost(db);

            JsonNode ghost = workerJson("ghost");
            JsonNode live = workerJson("live");

            assertThat(ghost.get("liveness").asText()).isEqualTo("dead");
            assertThat(ghost.get("heartbeat_age_ms").asLong()).isGreaterThan(3_000_000);
            assertThat(live.get("liveness").asText()).as("the API's liveness: its status while alive").isEqualTo("running");
            assertThat(live.get("alive").asBoolean()).isTrue();
            assertThat(live.get("queues").get(1).get("name").asText()).isEqualTo("mail");
            assertThat(live.get("dead_timeout_ms").asInt()).isEqualTo(5000);
            assertThat(live.get("jobs_processed").asLong()).isZero();
        }

        @Test
        void aliveLeavesTheDeadOut(TestDatabase db) {
            ghost(db);

            cli.run("workers", "list", "--alive", "--json");

            assertThat(cli.json()).hasSize(1);
            assertThat(cli.json().get(0).get("id").asText()).isEqualTo("live");
        }
    }

    @Nested
    class Commands {
        @Test
        void stopWaitsForTheAcknowledgement() {
            int code = cli.run("workers", "stop", "live");

            assertThat(code).isZero();
            assertThat(cli.out().lines().toList().get(1)).startsWith("live").contains("stop", "processed");
            await().atMost(Duration.ofSeconds(10)).until(() -> workerJson("live").get("status").asText().equals("stopped"));
        }

        @Test
        void startToAllPrintsEveryAckAsJson() {
            cli.run("workers", "stop", "live");

            int code = cli.run("workers", "start", "--all", "--json");

            assertThat(code).isZero();
            JsonNode result = cli.json();
            assertThat(result.get("command").asText()).isEqualTo("start");
            assertThat(result.get("status").asText()).isEqualTo("processed");
            assertThat(result.get("complete").asBoolean()).isTrue();
            assertThat(result.get("workers")).as("the same shape as the API's command").hasSize(1);
            assertThat(result.get("workers").get(0).get("worker_id").asText()).isEqualTo("live");
            assertThat(result.get("workers").get(0).get("status").asText()).isEqualTo("processed");
            assertThat(result.get("workers").get(0).get("took_ms").asLong()).isNotNegative();
        }

        @Test
        void pauseAndResumeAQueue() {
            assertThat(cli.run("workers", "pause", "live", "--queue", "mail")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> workerJson("live").get("queues").get(1).get("paused").asBoolean());

            assertThat(cli.run("workers", "resume", "--all", "--queue", "mail")).isZero();
            await().atMost(Duration.ofSeconds(10)).until(() -> !workerJson("live").get("queues").get(1).get("paused").asBoolean());
        }

        @Test
        void configChangesConcurrencyLive() {
            int code = cli.run("workers", "config", "live", "--concurrency", "mail=3", "--poll-interval-ms", "250", "--json");

            assertThat(code).isZero();
            assertThat(cli.json().get("payload").toString())
                    .isEqualTo("{\"concurrency\":{\"mail\":3},\"poll_interval_ms\":250}");
            await().atMost(Duration.ofSeconds(10)).until(() -> workerJson("live").get("queues").get(1).get("concurrency").asInt() == 3);
            assertThat(GantryInternals.worker(worker).pollInterval()).isEqualTo(Duration.ofMillis(250));
        }

        @Test
        void aCommandTheWorkerFailsExitsSixWithItsError() {
            // An embedded worker leaves logging to its application, so it refuses log level changes.
            int code = cli.run("workers", "config", "live", "--log-level", "DEBUG");

            assertThat(code).isEqualTo(6);
            assertThat(cli.out().lines().toList().get(1)).startsWith("live").contains("update_config", "failed",
                    "does not let Gantry change its log level");
        }

        @Test
        void restartIsAcknowledged() {
            assertThat(cli.run("workers", "restart", "live")).isZero();

            assertThat(cli.out()).contains("restart", "processed");
        }

        @Test
        void shutdownStopsTheWorker() {
            assertThat(cli.run("workers", "shutdown", "live")).isZero();

            assertThat(cli.out()).contains("shutdown", "processed");
            await().atMost(Duration.ofSeconds(10)).until(() -> workerJson("live").get("status").asText().equals("stopped"));
        }

        @Test
        void noWaitReturnsAtOnce(TestDatabase db) {
            mute(db);

            int code = cli.run("workers", "stop", "mute", "--no-wait");

            assertThat(code).isZero();
            assertThat(cli.out()).matches("sent stop to mute \\(command \\d+\\)\\n");
        }

        @Test
        void aWorkerThatDoesNotAnswerInTimeExitsSeven(TestDatabase db) {
            mute(db);

            int code = cli.run("workers", "stop", "mute", "--wait-ms", "300");

            assertThat(code).isEqualTo(7);
            assertThat(cli.out()).contains("mute", "no answer within 300ms");
        }

        @Test
        void aCommandToADeadWorkerExpiresAndExitsSix(TestDatabase db) {
            ghost(db);

            int code = cli.run("workers", "stop", "ghost");

            assertThat(code).isEqualTo(6);
            assertThat(cli.out()).contains("ghost", "expired", "worker ghost is dead");
        }

        @Test
        void anUnknownWorkerExitsThreeAndWritesNothing(TestDatabase db) {
            assertThat(cli.run("workers", "stop", "nobody")).isEqualTo(3);

            assertThat(cli.err()).isEqualTo("gantry workers stop: worker nobody not found\n");
            assertThat(db.queryLong("SELECT count(*) FROM gantry.worker_commands")).isZero();
        }

        @Test
        void anUnknownQueueIsBadInputAndWritesNothing(TestDatabase db) {
            assertThat(cli.run("workers", "pause", "live", "--queue", "nope")).isEqualTo(5);

            assertThat(cli.err()).startsWith("gantry workers pause: payload.queue: worker live has no queue \"nope\"");
            assertThat(db.queryLong("SELECT count(*) FROM gantry.worker_commands")).isZero();
        }

        @Test
        void aConcurrencyOutOfRangeIsBadInput(TestDatabase db) {
            assertThat(cli.run("workers", "config", "live", "--concurrency", "mail=0")).isEqualTo(5);

            assertThat(db.queryLong("SELECT count(*) FROM gantry.worker_commands")).isZero();
        }

        @Test
        void configWithNothingToChangeIsAUsageError() {
            assertThat(cli.run("workers", "config", "live")).isEqualTo(2);

            assertThat(cli.err()).startsWith("gantry workers config: nothing to change");
        }

        @Test
        void bothOrNeitherTargetIsAUsageError() {
            assertThat(cli.run("workers", "stop")).isEqualTo(2);
            assertThat(cli.run("workers", "stop", "live", "--all")).isEqualTo(2);
            assertThat(cli.run("workers", "pause", "live")).as("--queue is required").isEqualTo(2);
        }

        @Test
        void allWithNoLiveWorkerExitsThree(TestDatabase db) {
            worker.close();
            db.execute("UPDATE gantry.workers SET last_heartbeat_at = now() - interval '1 hour'");

            assertThat(cli.run("workers", "start", "--all")).isEqualTo(3);

            assertThat(cli.err()).isEqualTo("gantry workers start: no live worker to send start to\n");
        }
    }
}
