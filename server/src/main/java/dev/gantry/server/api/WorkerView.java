package dev.gantry.server.api;

import java.time.Instant;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.gantry.client.Worker;

/**
 * A worker as the API, the event stream and {@code gantry workers list --json} show it.
 * {@code liveness} is {@link Worker#liveness()}: {@code dead} once the last heartbeat is older
 * than the worker's dead timeout (by the database clock), else its status; the heartbeat age is
 * measured with this machine's clock.
 */
public record WorkerView(String id, String host, long pid, String version, String status, String liveness,
                         boolean alive, @JsonRawValue String queues, Instant startedAt, Instant lastHeartbeatAt,
                         long heartbeatAgeMs, int heartbeatIntervalMs, int deadTimeoutMs, long jobsProcessed,
                         long jobsFailed, int runningJobs, @JsonRawValue String config, String error) {

    public static WorkerView of(Worker w, Instant now) {
        return new WorkerView(w.id(), w.host(), w.pid(), w.version(), w.status(), w.liveness(), w.alive(),
                w.queuesJson(), w.startedAt(), w.lastHeartbeatAt(), w.heartbeatAge(now).toMillis(),
                w.heartbeatIntervalMs(), w.deadTimeoutMs(), w.jobsProcessed(), w.jobsFailed(), w.runningJobs(),
                w.configJson(), w.error());
    }
}
