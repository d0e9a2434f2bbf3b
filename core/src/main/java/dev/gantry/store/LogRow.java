package dev.gantry.store;

import java.time.Instant;

/** One log event to ship; {@code fieldsJson} holds the structured key-value pairs. */
public record LogRow(Long jobId, String level, String logger, String message, String fieldsJson, String exception,
                     Instant createdAt) {
}
