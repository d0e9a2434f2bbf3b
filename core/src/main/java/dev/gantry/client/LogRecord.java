package dev.gantry.client;

import java.time.Instant;

/**
 * One log event of this process to ship to {@code gantry.worker_logs} (see
 * {@code Gantry.shipLog}); {@code fieldsJson} holds the structured key-value pairs as a JSON
 * object, or null.
 */
public record LogRecord(Long jobId, String level, String logger, String message, String fieldsJson, String exception,
                        Instant createdAt) {
}
