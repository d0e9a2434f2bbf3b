package dev.gantry.client;

import java.util.List;

import dev.gantry.error.InvalidInputException;

/**
 * Lists queues and pauses or resumes them for every worker. Thread-safe; get it from
 * {@code Gantry.queues()}.
 *
 * <pre>{@code
 * gantry.queues().pause("mail", "alice");   // no worker claims from "mail", including workers started later
 * gantry.queues().list();                   // every known queue, paused or not, with the workers serving it
 * gantry.queues().resume("mail");
 * }</pre>
 *
 * A pause is stored in {@code gantry.queues}, so it outlives worker restarts; running jobs
 * finish. It is separate from a worker's own pause (the {@code pause_queue} command): resuming
 * one leaves the other. A name no job or worker uses yet may be paused (ahead of a deploy). A
 * bad name throws {@link InvalidInputException} (field {@code queue}) before anything is written.
 */
public interface QueueClient {
    /**
     * Every known queue, by name: queues with jobs waiting, scheduled, retrying or running,
     * queues a live worker serves, and queues that were ever paused. Queues whose jobs have all
     * finished and that no worker serves are not listed.
     */
    List<QueueSummary> list();

    /** One queue, known or not (an unknown one is not paused and has no workers). */
    QueueSummary get(String name);

    /**
     * Pauses the queue for every worker and wakes them, and returns it. Idempotent: pausing a
     * paused queue keeps its original {@code pausedAt} and {@code pausedBy}.
     *
     * @param by who pauses (an API token's name, "cli", ...), shown to operators; may be null
     */
    QueueSummary pause(String name, String by);

    /** Resumes the queue for every worker, and returns it; a queue that was not paused is left as it is. */
    QueueSummary resume(String name);
}
