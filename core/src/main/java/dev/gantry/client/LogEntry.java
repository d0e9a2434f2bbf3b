package dev.gantry.client;

import java.time.Instant;

/**
 * One line read back from {@code gantry.worker_logs} ({@link LogRecord} is the shape shipped).
 * {@code fieldsJson} is the JSON object of structured key-value pairs and MDC; {@code jobId} is
 * null for lines written outside a job.
 */
public record LogEntry(long id, String workerId, Long jobId, String level, String logger, String message,
                       String fieldsJson, String exception, Instant createdAt) {
}
