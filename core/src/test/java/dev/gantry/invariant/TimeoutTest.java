package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.config.WorkerConfig;
import dev.gantry.job.HandlerOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;
import dev.gantry.time.SystemTimeSource;

/** Invariant 6: a job that runs past its timeout is interrupted and counted as a failed attempt. */
@ExtendWith(PostgresExtension.class)
class TimeoutTest {

    @Test
    void interruptsAJobPastItsTimeoutAndRecordsTheFailure(TestDatabase db) {
        AtomicReference<String> seen = new AtomicReference<>();
        RecordingListener events = new RecordingListener();
        Gantry gantry = db.gantry(WorkerConfig.builder().queue("slow", 2).build(), SystemTimeSource.INSTANCE, events);
        gantry.register("slow.job", Map.class, (a, ctx) -> {
            try {
                Thread.sleep(Duration.ofMinutes(5));
                seen.set("not interrupted");
            } catch (InterruptedException e) {
                seen.set("interrupted, cancelled=" + ctx.isCancelled() + ", reason=" + ctx.cancelReason());
                throw e;
            }
            return null;
        });
        gantry.start();

        Job job = gantry.client().enqueue("slow.job", Map.of(),
                EnqueueOptions.defaults().withQueue("slow").withTimeout(Duration.ofSeconds(1)).withMaxAttempts(2));
        events.awaitFinished(job.id());

        Job failed = gantry.client().get(job.id()).orElseThrow();
        assertThat(seen.get()).isEqualTo("interrupted, cancelled=true, reason=timed out");
        assertThat(failed.state()).isEqualTo(JobState.RETRYABLE);
        assertThat(failed.errors()).singleElement().satisfies(e -> {
            assertThat(e.error()).isEqualTo("job timed out after 1000 ms");
            assertThat(e.errorClass()).isEqualTo("java.util.concurrent.TimeoutException");
        });
    }

    @Test
    void perKindTimeoutAppliesWhenTheJobSetsNone(TestDatabase db) {
        RecordingListener events = new RecordingListener();
        Gantry gantry = db.gantry(WorkerConfig.builder().queue("kind-timeout", 1).build(), SystemTimeSource.INSTANCE, events);
        gantry.register("slow.kind", Map.class, (a, ctx) -> {
            Thread.sleep(Duration.ofMinutes(5));
            return null;
        }, HandlerOptions.DEFAULTS.withTimeout(Duration.ofMillis(300)));
        gantry.start();

        Job job = gantry.client().enqueue("slow.kind", Map.of(),
                EnqueueOptions.defaults().withQueue("kind-timeout").withMaxAttempts(1));
        events.awaitFinished(job.id());

        Job failed = gantry.client().get(job.id()).orElseThrow();
        assertThat(failed.state()).isEqualTo(JobState.DISCARDED);
        assertThat(failed.errors()).singleElement()
                .satisfies(e -> assertThat(e.error()).isEqualTo("job timed out after 300 ms"));
    }
}
