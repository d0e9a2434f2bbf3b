package dev.gantry.health;

import java.util.Map;

/**
 * Counters of this process's worker for metrics: jobs, log shipping and queue depth.
 *
 * @param jobsProcessed      outcomes written since start (releases at shutdown excepted)
 * @param jobsFailed         of those, failed attempts (retryable or discarded)
 * @param logsShipped        log events written to {@code gantry.worker_logs}
 * @param logsDropped        log events dropped (buffer full, or the database away)
 * @param logBufferHighWater the most log events ever waiting at once
 * @param availableByQueue   available jobs per queue at the last queue monitor run
 */
public record WorkerStats(String workerId, int runningJobs, long jobsProcessed, long jobsFailed, long logsShipped,
                          long logsDropped, int logBufferHighWater, Map<String, Long> availableByQueue) {
    public WorkerStats {
        availableByQueue = Map.copyOf(availableByQueue);
    }
}
