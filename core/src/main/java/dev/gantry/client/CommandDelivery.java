package dev.gantry.client;

import java.time.Duration;
import java.time.Instant;

/**
 * One worker's copy of a command (a row of {@code gantry.worker_commands}): a command to one
 * worker has one, a command to all has one per live worker, each pointing at the first by
 * {@code broadcastId}.
 *
 * @param status pending, processed, failed or expired (the worker died before answering)
 */
public record CommandDelivery(long id, String workerId, Long broadcastId, String command, String payloadJson,
                              String status, String error, Instant createdAt, Instant processedAt) {
    public boolean pending() {
        return status.equals("pending");
    }

    /** From sending to the worker's answer, or null while pending. */
    public Duration took() {
        return processedAt == null ? null : Duration.between(createdAt, processedAt);
    }
}
