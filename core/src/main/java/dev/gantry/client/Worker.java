package dev.gantry.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A worker process as its row in {@code gantry.workers} shows it. Whether it is alive is decided
 * by the database clock when the row is read ({@code gantry.worker_alive}): a worker whose last
 * heartbeat is older than its dead timeout is dead, whatever its status says.
 *
 * @param queuesJson the queues as the worker reported them: a JSON array of
 *                   {@code {"name", "concurrency", "paused", "paused_locally", "paused_globally", "running"}}
 * @param configJson its live settings as a JSON object ({@code poll_interval_ms}, {@code log_level}, ...)
 * @param status     what it says it does: running, paused, stopping, stopped or error
 * @param alive      its heartbeat is younger than its dead timeout
 */
public record Worker(String id, String host, long pid, String version, String queuesJson, String status,
                     Instant startedAt, Instant lastHeartbeatAt, int heartbeatIntervalMs, int deadTimeoutMs,
                     long jobsProcessed, long jobsFailed, int runningJobs, String configJson, String error,
                     boolean alive) {
    /** The one definition of liveness shown anywhere: "dead" when not alive, else the status it reports. */
    public String liveness() {
        return alive ? status : "dead";
    }

    /** How long ago the last heartbeat was written, by the given clock (never negative). */
    public Duration heartbeatAge(Instant now) {
        Duration age = Duration.between(lastHeartbeatAt, now);
        return age.isNegative() ? Duration.ZERO : age;
    }
}
