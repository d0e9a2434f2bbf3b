package dev.gantry.store;

import java.time.Instant;

/** A row of {@code gantry.workers} with derived liveness; queues and config are JSON text. */
public record WorkerRecord(String id, String host, long pid, String version, String queues, String status,
                           Instant startedAt, Instant lastHeartbeatAt, int heartbeatIntervalMs, int deadTimeoutMs,
                           long jobsProcessed, long jobsFailed, int runningJobs, String config, String error,
                           boolean alive) {
}
