package dev.gantry.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A row of {@code gantry.jobs}. {@code args} and {@code result} are JSON text, decoded by the
 * handler's argument type when the job runs. {@code limitKey}: the key whose limit it runs
 * under; {@code limitedAt}: when it last began to wait for that limit (pending while it waits).
 */
public record Job(
        long id,
        String queue,
        String kind,
        String args,
        JobState state,
        int priority,
        int attempt,
        int maxAttempts,
        Instant runAt,
        Instant createdAt,
        Instant attemptedAt,
        Instant finishedAt,
        String workerId,
        Instant leaseExpiresAt,
        Duration timeout,
        List<AttemptError> errors,
        String result,
        String uniqueKey,
        List<String> tags,
        boolean cancelRequested,
        String limitKey,
        Instant limitedAt) {

    public Job {
        errors = List.copyOf(errors);
        tags = List.copyOf(tags);
    }

    /** A job without a limit key. */
    public Job(long id, String queue, String kind, String args, JobState state, int priority, int attempt,
               int maxAttempts, Instant runAt, Instant createdAt, Instant attemptedAt, Instant finishedAt,
               String workerId, Instant leaseExpiresAt, Duration timeout, List<AttemptError> errors, String result,
               String uniqueKey, List<String> tags, boolean cancelRequested) {
        this(id, queue, kind, args, state, priority, attempt, maxAttempts, runAt, createdAt, attemptedAt, finishedAt,
                workerId, leaseExpiresAt, timeout, errors, result, uniqueKey, tags, cancelRequested, null, null);
    }
}
