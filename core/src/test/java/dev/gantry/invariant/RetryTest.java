package dev.gantry.invariant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import dev.gantry.Gantry;
import dev.gantry.client.EnqueueOptions;
import dev.gantry.config.WorkerConfig;
import dev.gantry.job.ExponentialBackoff;
import dev.gantry.job.HandlerOptions;
import dev.gantry.job.Job;
import dev.gantry.job.JobState;
import dev.gantry.job.PermanentJobFailure;
import dev.gantry.testing.ManualTimeSource;
import dev.gantry.testing.PostgresExtension;
import dev.gantry.testing.RecordingListener;
import dev.gantry.testing.TestDatabase;

/**
 * Invariant 5: failures retry after an exponential, jittered backoff (per-kind override, cap),
 * a permanent failure skips retries, and max_attempts ends in discarded. The clock is manual, so
 * minutes of backoff take no time.
 */
@ExtendWith(PostgresExtension.class)
class RetryTest {
    private final ManualTimeSource time = ManualTimeSource.at("2025-01-01T00:00:00Z");
    private final RecordingListener events = new RecordingListener();
    private Gantry gantry;

    @AfterEach
    void tearDown() {
        gantry.close();
    }

    @BeforeEach
    void setUp(TestDatabase db) {
        db.reset();
        // Long stage and rescue intervals: the test stages by hand after moving the clock.
        gantry = db.gantry(WorkerConfig.builder().queue("retry", 2).stageInterval(Duration.ofHours(1))
                .rescueInterval(Duration.ofHours(1)).build(), time, events);
        gantry.register("always.fails", Map.class, (a, ctx) -> {
            throw new IllegalStateException("boom on attempt " + ctx.attempt());
        });
        gantry.register("seed004.fails", Map.class, (a, ctx) -> {
            throw new IllegalStateException("slack is down");
        }, HandlerOptions.DEFAULTS.withRetryPolicy(
                new ExponentialBackoff(Duration.ofSeconds(30), 2.0, Duration.ofSeconds(900), 0)));
        gantry.register("permanent.fails", Map.class, (a, ctx) -> {
            throw new PermanentJobFailure("invalid address");
        });
        gantry.start();
    }

    @Test
    void retriesWithJitteredExponentialBackoffThenDiscards(TestDatabase db) {
        Job job = gantry.client().enqueue("always.fails", Map.of(),
                EnqueueOptions.defaults().withQueue("retry").withMaxAttempts(3));

        for (int attempt = 1; attempt <= 2; attempt++) {
            Instant failedAt = time.now();
            Job retryable = awaitAttempt(job.id(), attempt, JobState.RETRYABLE);
            long nominal = ExponentialBackoff.DEFAULT.nominal(attempt).toMillis();
            long waited = Duration.between(failedAt, retryable.runAt()).toMillis();
            assertThat(waited).as("backoff after attempt %d", attempt)
                    .isBetween(Math.round(nominal * 0.9), Math.round(nominal * 1.1));

            assertThat(gantry.stageDueJobs()).as("not due before its backoff").isZero();
            time.advance(Duration.ofMillis(waited));
            assertThat(gantry.stageDueJobs()).isEqualTo(1);
        }
        Job discarded = awaitAttempt(job.id(), 3, JobState.DISCARDED);

        assertThat(discarded.errors()).hasSize(3);
        assertThat(discarded.errors()).extracting(e -> e.error())
                .containsExactly("boom on attempt 1", "boom on attempt 2", "boom on attempt 3");
        assertThat(discarded.errors().getFirst().errorClass()).isEqualTo(IllegalStateException.class.getName());
        assertThat(discarded.errors().getFirst().trace()).contains("RetryTest");
        assertThat(discarded.finishedAt()).isEqualTo(time.now());
    }

    @Test
    void perKindBackoffOverridesTheDefault() {
        Job job = gantry.client().enqueue("seed004.fails", Map.of(),
                EnqueueOptions.defaults().withQueue("retry").withMaxAttempts(5));

        Job first = awaitAttempt(job.id(), 1, JobState.RETRYABLE);
        assertThat(first.runAt()).isEqualTo(time.now().plusSeconds(30));

        time.advance(Duration.ofSeconds(30));
        gantry.stageDueJobs();
        Job second = awaitAttempt(job.id(), 2, JobState.RETRYABLE);
        assertThat(second.runAt()).isEqualTo(time.now().plusSeconds(60));
    }

    @Test
    void permanentFailureSkipsRetries() {
        Job job = gantry.client().enqueue("permanent.fails", Map.of(),
                EnqueueOptions.defaults().withQueue("retry").withMaxAttempts(10));

        Job discarded = awaitAttempt(job.id(), 1, JobState.DISCARDED);

        assertThat(discarded.errors()).singleElement().satisfies(e -> {
            assertThat(e.error()).isEqualTo("invalid address");
            assertThat(e.errorClass()).isEqualTo(PermanentJobFailure.class.getName());
        });
    }

    private Job awaitAttempt(long id, int attempt, JobState state) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Job j = gantry.client().get(id).orElseThrow();
            return j.attempt() == attempt && j.state() == state;
        });
        return gantry.client().get(id).orElseThrow();
    }
}
