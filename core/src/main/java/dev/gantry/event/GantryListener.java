package dev.gantry.event;

import java.util.List;

/**
 * Observability hook: components report what they did. Production uses it for metrics and
 * tests await these events instead of sleeping. Methods are called on Gantry's own threads and
 * must return quickly; an exception thrown here is logged and ignored, never allowed to stop the
 * component that called.
 */
public interface GantryListener {
    GantryListener NONE = new GantryListener() { };

    /** A fetcher claimed these jobs. */
    default void jobsClaimed(String queue, List<Long> jobIds) {
    }

    /** One claim statement ran: how many jobs it took and how long it took. */
    default void claimTimed(String queue, int count, java.time.Duration latency) {
    }

    /** A job's outcome was written (completed, retryable, discarded, cancelled or released). */
    default void jobFinished(JobFinished event) {
    }

    /** A late outcome was rejected by the fence: the worker no longer held the job. */
    default void outcomeRejected(OutcomeRejected event) {
    }

    /** The rescuer made jobs of dead workers retryable or discarded them. */
    default void jobsRescued(int retried, int discarded) {
    }

    /** The stager made due scheduled and retryable jobs available. */
    default void jobsStaged(int count) {
    }

    /** Retention deleted {@code count} finished jobs in {@code state} (docs/retention.md). */
    default void jobsDeleted(dev.gantry.job.JobState state, long count) {
    }

    /**
     * A component's loop failed (a database error, or a bug) and restarts after a backoff; named
     * as on {@code /health} ({@code completer}, {@code fetcher-mail}, ...).
     */
    default void componentFailed(String component, Throwable error) {
    }
}
