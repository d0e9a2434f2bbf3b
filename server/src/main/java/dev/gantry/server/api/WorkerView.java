package dev.gantry.server.api;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.gantry.store.WorkerRecord;

/**
 * A worker as the API shows it. {@code liveness} is derived, never stored: {@code dead} when the
 * last heartbeat is older than the worker's dead timeout, whatever its status says.
 */
public record WorkerView(String id, String host, long pid, String version, String status, String liveness,
                         boolean alive, @JsonRawValue String queues, Instant startedAt, Instant lastHeartbeatAt,
                         long heartbeatAgeMs, int heartbeatIntervalMs, int deadTimeoutMs, long jobsProcessed,
                         long jobsFailed, int runningJobs, @JsonRawValue String config, String error) {

    public static WorkerView of(WorkerRecord w, Instant now) {
        return new WorkerView(w.id(), w.host(), w.pid(), w.version(), w.status(), w.alive() ? w.status() : "dead",
                w.alive(), w.queues(), w.startedAt(), w.lastHeartbeatAt(),
                Math.max(0, Duration.between(w.lastHeartbeatAt(), now).toMillis()), w.heartbeatIntervalMs(),
                w.deadTimeoutMs(), w.jobsProcessed(), w.jobsFailed(), w.runningJobs(), w.config(), w.error());
    }
}
