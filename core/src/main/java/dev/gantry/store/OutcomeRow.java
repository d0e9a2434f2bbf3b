package dev.gantry.store;

/**
 * One job outcome in a batch write. {@code release} puts a job back as available without
 * counting the attempt (graceful shutdown). {@code delayMs} is added to the database's now for
 * retryable jobs. {@code errorJson} and {@code resultJson} may be null.
 */
public record OutcomeRow(long jobId, int attempt, String state, long delayMs, String errorJson,
                         String resultJson, boolean release) {
}
