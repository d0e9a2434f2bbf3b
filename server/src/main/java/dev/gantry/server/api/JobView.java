package dev.gantry.server.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.gantry.job.AttemptError;
import dev.gantry.job.Job;

/** A job as the API shows it; args and result are the stored JSON, embedded as is. */
public record JobView(long id, String queue, String kind, @JsonRawValue String args, String state, int priority,
                      int attempt, int maxAttempts, Instant runAt, Instant createdAt, Instant attemptedAt,
                      Instant finishedAt, String workerId, Instant leaseExpiresAt, Long timeoutMs,
                      List<AttemptError> errors, @JsonRawValue String result, String uniqueKey, List<String> tags,
                      boolean cancelRequested, String limitKey, Instant limitedAt) {

    public static JobView of(Job j) {
        return new JobView(j.id(), j.queue(), j.kind(), j.args(), j.state().dbName(), j.priority(), j.attempt(),
                j.maxAttempts(), j.runAt(), j.createdAt(), j.attemptedAt(), j.finishedAt(), j.workerId(),
                j.leaseExpiresAt(), j.timeout() == null ? null : j.timeout().toMillis(), j.errors(), j.result(),
                j.uniqueKey(), j.tags(), j.cancelRequested(), j.limitKey(), j.limitedAt());
    }

    /** A page of jobs and the cursor of the next one (null on the last page). */
    public record Page(List<JobView> jobs, Long nextCursor) {
    }
}
