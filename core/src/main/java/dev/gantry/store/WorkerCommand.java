package dev.gantry.store;

import java.time.Instant;

/** A row of {@code gantry.worker_commands}. */
public record WorkerCommand(long id, String workerId, Long broadcastId, String command, String payload,
                            String status, String error, Instant createdAt, Instant processedAt) {
}
