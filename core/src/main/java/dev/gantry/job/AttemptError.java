package dev.gantry.job;

import java.time.Instant;

/** One failed attempt in a job's error history: stored as an element of {@code gantry.jobs.errors}. */
public record AttemptError(int attempt, Instant at, String error, String errorClass, String trace, String workerId) {
}
