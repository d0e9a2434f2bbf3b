package dev.gantry.event;

/** An outcome the database refused because the job was no longer running under this worker and attempt. */
public record OutcomeRejected(long jobId, int attempt, String workerId, String attemptedState) {
}
