package dev.gantry.job;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A row of {@code gantry.jobs}. {@code args} and {@code result} are JSON text, decoded by the
 * handler's argument type when the job runs.
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
        boolean cancelRequested) {

    public Job {
        errors = List.copyOf(errors);
        tags = List.copyOf(tags);
    }
}
