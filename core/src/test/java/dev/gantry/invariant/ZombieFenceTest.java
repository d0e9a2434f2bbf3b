package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.config.WorkerConfig;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** Invariant 2: after a rescue, the late outcome of the worker that lost the job is rejected, not applied. */
@ExtendWith(PostgresExtension.class)
class ZombieFenceTest {
    private final ManualTimeSource time = ManualTimeSource.at("2025-01-01T00:00:00Z");

    @Test
    void rejectsLateOutcomeFromZombieWorker(TestDatabase db) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch letZombieFinish = new CountDownLatch(1);
        RecordingListener zombieEvents = new RecordingListener();
        // A long lease means the zombie never renews during the test: it behaves like a hung process.
        Gantry zombie = db.gantry(WorkerConfig.builder().workerId("zombie").queue("fence", 1)
                .leaseDuration(Duration.ofHours(1)).build(), time, zombieEvents);
        zombie.register("fence.job", Map.class, (args, ctx) -> {
            started.countDown();
            awaitUninterruptibly(letZombieFinish);
            return Map.of("by", "zombie");
        });
        zombie.start();
        // The handler ignores interrupts like a hung process: release it whatever happens, or a
        // failed assertion would leave the worker's shutdown waiting for it.
        try {
            Job job = zombie.client().enqueue("fence.job", Map.of(), EnqueueOptions.defaults().withQueue("fence"));
            started.await();

            time.advance(Duration.ofHours(2));
            zombie.rescueExpiredJobs();
            await().atMost(Duration.ofSeconds(10)).until(() -> db.state(job.id()) != JobState.RUNNING);

            RecordingListener heirEvents = new RecordingListener();
            Gantry heir = db.gantry(WorkerConfig.builder().workerId("heir").queue("fence", 1)
                    .stageInterval(Duration.ofMillis(100)).build(), SystemTimeSource.INSTANCE, heirEvents);
            heir.register("fence.job", Map.class, (args, ctx) -> Map.of("by", "heir"));
            heir.start();
            heirEvents.awaitFinished(job.id());

            letZombieFinish.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() -> !zombieEvents.rejected.isEmpty());

            assertThat(zombieEvents.rejected).singleElement().satisfies(r -> {
                assertThat(r.jobId()).isEqualTo(job.id());
                assertThat(r.attempt()).isEqualTo(1);
                assertThat(r.workerId()).isEqualTo("zombie");
            });
            assertThat(zombieEvents.finished).noneMatch(f -> f.jobId() == job.id());
            Job after = heir.client().get(job.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(JobState.COMPLETED);
            assertThat(after.attempt()).isEqualTo(2);
            assertThat(after.result()).contains("heir");
            assertThat(after.errors()).singleElement().satisfies(e -> assertThat(e.error()).contains("lease expired"));
    
        } finally {
            letZombieFinish.countDown();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // a hung handler that ignores interruption, as zombies do
            }
        }
    }
}
