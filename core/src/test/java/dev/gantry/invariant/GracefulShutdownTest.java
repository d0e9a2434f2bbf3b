package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.config.WorkerConfig;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** Graceful shutdown: stop fetching, let jobs finish within the timeout, release the rest without counting an attempt. */
@ExtendWith(PostgresExtension.class)
class GracefulShutdownTest {
    private final RecordingListener events = new RecordingListener();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch finish = new CountDownLatch(1);
    private Gantry gantry;

    @AfterEach
    void tearDown() {
        gantry.close();
    }

    @BeforeEach
    void setUp(TestDatabase db) {
        db.reset();
        gantry = db.gantry(WorkerConfig.builder().queue("shutdown", 2).shutdownTimeout(Duration.ofSeconds(1)).build(),
                SystemTimeSource.INSTANCE, events);
        gantry.register("stubborn", Map.class, (a, ctx) -> {
            started.countDown();
            Thread.sleep(Duration.ofMinutes(10));
            return null;
        });
        gantry.register("polite", Map.class, (a, ctx) -> {
            started.countDown();
            finish.await();
            return "done";
        });
        gantry.start();
    }

    @Test
    void releasesJobsStillRunningAtTheShutdownTimeout(TestDatabase db) throws Exception {
        Job job = gantry.client().enqueue("stubborn", Map.of(), EnqueueOptions.defaults().withQueue("shutdown"));
        started.await();

        gantry.stop();

        Job released = gantry.client().get(job.id()).orElseThrow();
        assertThat(released.state()).isEqualTo(JobState.AVAILABLE);
        assertThat(released.attempt()).as("the attempt is not counted").isZero();
        assertThat(released.errors()).isEmpty();
        assertThat(released.workerId()).isNull();
        assertThat(released.leaseExpiresAt()).isNull();
    }

    @Test
    void aReleasedJobWhoseCancelWasRequestedIsCancelledNotRunAgain(TestDatabase db) throws Exception {
        Job job = gantry.client().enqueue("stubborn", Map.of(), EnqueueOptions.defaults().withQueue("shutdown"));
        started.await();
        gantry.client().cancel(job.id());   // flagged; the worker would see it at its next lease renewal

        gantry.stop();

        Job after = gantry.client().get(job.id()).orElseThrow();
        assertThat(after.state()).isEqualTo(JobState.CANCELLED);
        assertThat(after.finishedAt()).isNotNull();
        assertThat(after.workerId()).isNull();
    }

    @Test
    void letsRunningJobsFinishAndClaimsNothingNew(TestDatabase db) throws Exception {
        Job job = gantry.client().enqueue("polite", Map.of(), EnqueueOptions.defaults().withQueue("shutdown"));
        started.await();

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(gantry::stop);
        await().atMost(Duration.ofSeconds(5)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("gantry-fetcher-shutdown-")));
        Job late = gantry.client().enqueue("polite", Map.of(), EnqueueOptions.defaults().withQueue("shutdown"));
        finish.countDown();
        stopping.get();

        assertThat(gantry.client().get(job.id()).orElseThrow().state()).isEqualTo(JobState.COMPLETED);
        assertThat(gantry.client().get(late.id()).orElseThrow().state()).as("claimed after stop").isEqualTo(JobState.AVAILABLE);
        assertThat(events.claimed).containsExactly(job.id());
    }
}
