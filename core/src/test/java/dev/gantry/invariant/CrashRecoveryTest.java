package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.client.JobRequest;
import dev.gantry.config.WorkerConfig;
import dev.gantry.job.Job;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.testing.WorkerProcess;
import dev.gantry.time.SystemTimeSource;

/** Invariant 1: a worker killed with SIGKILL mid-job loses nothing; its jobs are rescued and completed elsewhere. */
@ExtendWith(PostgresExtension.class)
class CrashRecoveryTest {

    @Test
    void jobsOfAKilledWorkerAreRescuedAndCompletedElsewhere(TestDatabase db) throws Exception {
        Gantry producer = db.client();
        producer.client().declareKind("test.block", "test.noop");
        List<Job> jobs = producer.client().enqueueMany(List.of(
                new JobRequest("test.block", Map.of("n", 1), EnqueueOptions.defaults().withQueue("crash")),
                new JobRequest("test.block", Map.of("n", 2), EnqueueOptions.defaults().withQueue("crash")),
                new JobRequest("test.block", Map.of("n", 3), EnqueueOptions.defaults().withQueue("crash"))));

        Process victim = WorkerProcess.start(db, "victim", "crash", 3, 3);
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> db.count("state = 'running' AND worker_id = 'victim'") == 3);
            victim.destroyForcibly();   // SIGKILL: no shutdown hook, no release, no outcome
            assertThat(victim.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            victim.destroyForcibly();
        }
        assertThat(db.count("state = 'running' AND worker_id = 'victim'")).as("still held by the dead worker").isEqualTo(3);

        Map<Long, Integer> rescuedRuns = new ConcurrentHashMap<>();
        RecordingListener events = new RecordingListener();
        Gantry survivor = db.gantry(WorkerConfig.builder().workerId("survivor").queue("crash", 3)
                .rescueInterval(Duration.ofMillis(500)).stageInterval(Duration.ofMillis(200)).build(),
                SystemTimeSource.INSTANCE, events);
        survivor.register("test.block", Map.class, (args, ctx) -> {
            rescuedRuns.merge(ctx.jobId(), 1, Integer::sum);
            return null;
        });
        survivor.start();

        for (Job j : jobs) events.awaitFinished(j.id());
        for (Job j : jobs) {
            Job done = producer.client().get(j.id()).orElseThrow();
            assertThat(done.state().dbName()).isEqualTo("completed");
            assertThat(done.attempt()).isEqualTo(2);
            assertThat(done.errors()).singleElement().satisfies(e -> {
                assertThat(e.error()).contains("lease expired").contains("victim");
                assertThat(e.workerId()).isEqualTo("victim");
            });
        }
        assertThat(rescuedRuns).containsOnlyKeys(jobs.stream().map(Job::id).toList());
        assertThat(rescuedRuns.values()).containsOnly(1);
    }
}
