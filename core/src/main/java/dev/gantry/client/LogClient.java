package dev.gantry.client;

import java.util.List;

/**
 * Reads the log lines that workers shipped to {@code gantry.worker_logs}, and follows them live.
 * Thread-safe; get it from {@code Gantry.logs()}.
 *
 * <pre>{@code
 * List<LogEntry> latest = gantry.logs().query(LogQuery.latest().withMinLevel("WARN"));
 * try (Subscription s = gantry.logs().follow(LogQuery.latest().withJob(42L), 0, lines -> lines.forEach(show))) { ... }
 * }</pre>
 */
public interface LogClient {
    /** Lines by the query's filter and order (see {@link LogQuery}). */
    List<LogEntry> query(LogQuery query);

    /** The id of the newest line, or 0 when there is none: where to follow from for new lines only. */
    long latestId();

    /**
     * Follows the lines matching the filter that come after {@code afterId}, oldest first, on a
     * virtual thread of its own: woken when a worker ships a batch, and every second otherwise.
     * It reads each line at most once however selective the filter, and keeps trying while the
     * database is away. Ends when the subscription is closed or the follower throws.
     */
    Subscription follow(LogQuery filter, long afterId, LogFollower follower);
}
