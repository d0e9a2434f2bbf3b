package dev.gantry.server.cli;

import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.JsonNode;

import dev.gantry.server.cli.output.JsonOutput;
import dev.gantry.store.WorkerRecord;

/**
 * A worker as {@code workers list --json} prints it. {@code liveness} is derived, never stored:
 * {@code dead} once the last heartbeat is older than the worker's dead timeout (decided by the
 * database clock); {@code heartbeat_age_ms} is measured with this machine's clock.
 */
record WorkerView(String id, String liveness, String status, String host, long pid, String version,
                  JsonNode queues, int runningJobs, long jobsProcessed, long jobsFailed, Instant startedAt,
                  Instant lastHeartbeatAt, long heartbeatAgeMs, int heartbeatIntervalMs, int deadTimeoutMs,
                  JsonNode config, String error) {

    static WorkerView of(WorkerRecord w, Instant now) {
        return new WorkerView(w.id(), w.alive() ? "alive" : "dead", w.status(), w.host(), w.pid(), w.version(),
                JsonOutput.tree(w.queues()), w.runningJobs(), w.jobsProcessed(), w.jobsFailed(), w.startedAt(),
                w.lastHeartbeatAt(), Math.max(0, Duration.between(w.lastHeartbeatAt(), now).toMillis()),
                w.heartbeatIntervalMs(), w.deadTimeoutMs(), JsonOutput.tree(w.config()), w.error());
    }

    /** "default:16 mail:4(paused)": each queue's concurrency, and whether it is paused. */
    String queuesText() {
        if (queues == null || !queues.isArray() || queues.isEmpty()) return "-";
        StringBuilder sb = new StringBuilder();
        for (JsonNode q : queues) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(q.path("name").asText()).append(':').append(q.path("concurrency").asText());
            if (q.path("paused").asBoolean()) sb.append("(paused)");
        }
        return sb.toString();
    }
}
