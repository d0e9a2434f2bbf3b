package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;

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
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** Cancelling a running job flags it; its own worker interrupts the handler and writes "cancelled" (invariant 1). */
@ExtendWith(PostgresExtension.class)
class CancelRunningJobTest {

    @Test
    void workerStopsARunningJobAnOperatorCancelled(TestDatabase db) throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        RecordingListener events = new RecordingListener();
        Gantry gantry = db.gantry(WorkerConfig.builder().queue("cancel", 1).leaseDuration(Duration.ofSeconds(3)).build(),
                SystemTimeSource.INSTANCE, events);
        gantry.register("long.job", Map.class, (a, ctx) -> {
            started.countDown();
            Thread.sleep(Duration.ofMinutes(10));
            return null;
        });
        gantry.start();
        Job job = gantry.client().enqueue("long.job", Map.of(), EnqueueOptions.defaults().withQueue("cancel"));
        started.await();

        Job flagged = gantry.client().cancel(job.id());
        assertThat(flagged.state()).as("only its worker moves it out of running").isEqualTo(JobState.RUNNING);
        assertThat(flagged.cancelRequested()).isTrue();

        assertThat(events.awaitFinished(job.id()).state()).isEqualTo("cancelled");
        Job cancelled = gantry.client().get(job.id()).orElseThrow();
        assertThat(cancelled.state()).isEqualTo(JobState.CANCELLED);
        assertThat(cancelled.finishedAt()).isNotNull();
        assertThat(cancelled.errors()).singleElement().satisfies(e -> assertThat(e.error()).contains("cancelled"));
    }
}
