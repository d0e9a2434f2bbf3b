package dev.gantry.job;

import java.util.Locale;

/** The states of a job; {@link #dbName()} is the text stored in {@code gantry.jobs.state}. */
public enum JobState {
    /** Waits for dependencies (pipelines). */
    PENDING,
    /** run_at is in the future. */
    SCHEDULED,
    /** Ready to be claimed. */
    AVAILABLE,
    /** Claimed by a worker, which holds a lease on it. */
    RUNNING,
    /** Failed; will run again after its backoff. */
    RETRYABLE,
    COMPLETED,
    /** Out of attempts or failed permanently: the dead-letter state. */
    DISCARDED,
    CANCELLED;

    public String dbName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == COMPLETED || this == DISCARDED || this == CANCELLED;
    }

    public static JobState fromDb(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown job state \"" + name + "\"", e);
        }
    }
}
