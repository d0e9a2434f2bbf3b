package dev.gantry.client;

import java.time.Instant;
import java.util.List;

/**
 * A queue as an operator sees it: paused for every worker or not (since when, by whom), and
 * the live workers that serve it, each with its concurrency and its own pause.
 *
 * @param paused   paused for every worker (gantry.pause_queue); no worker claims from it
 * @param pausedAt when, or null when not paused
 * @param pausedBy who (a token name, "cli", "sql", ...), or null when not paused or not given
 * @param workers  the live workers whose configuration lists the queue, by id
 */
public record QueueSummary(String name, boolean paused, Instant pausedAt, String pausedBy, List<Worker> workers) {
    public QueueSummary {
        workers = List.copyOf(workers);
    }

    /**
     * One worker's view of the queue, from its last heartbeat.
     *
     * @param pausedLocally paused on this worker alone by the pause_queue command
     * @param running       jobs of the queue the worker runs now
     */
    public record Worker(String workerId, int concurrency, boolean pausedLocally, int running) {
    }
}
