package dev.gantry.event;

import java.time.Duration;

/** A job outcome that was applied: the job's new state and how long the handler ran. */
public record JobFinished(long jobId, String queue, String kind, int attempt, String state, Duration runTime) {
}
