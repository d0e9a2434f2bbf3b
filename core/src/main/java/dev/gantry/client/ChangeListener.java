package dev.gantry.client;

import java.util.List;

import dev.gantry.event.JobStateChange;

/**
 * Receives live changes from a {@link ChangeFeed}. Called on the feed's threads: return quickly
 * (queue the change for slow consumers); an exception is logged and the feed goes on.
 */
public interface ChangeListener {
    /** Job state changes, as the database announced them (one notification's worth). */
    default void jobs(List<JobStateChange> changes) {
    }

    /** A worker appeared or changed (a heartbeat, a status, a counter); liveness is re-derived each time. */
    default void worker(Worker worker) {
    }

    /** A worker's row is gone (pruned after it stopped for long). */
    default void workerRemoved(String workerId) {
    }

    /** A command copy was sent or answered. */
    default void command(CommandDelivery delivery) {
    }

    /**
     * Changes may have been missed (the feed's database connection was lost and is back): what a
     * consumer shows should be read again.
     */
    default void gap(String reason) {
    }
}
