package dev.gantry.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A row of {@code gantry.schedules}: a named spec and the jobs it makes (docs/schedules.md).
 * {@code args} is JSON text. {@code nextRunAt} is the next tick (computed from the spec when the
 * scheduler has not stored it yet; null while paused or when the spec never runs again).
 *
 * @param catchUp   missed ticks (more than a minute late, after downtime) that still run: 0
 *                  skips them, n runs the n latest
 * @param lastRunAt the latest tick enqueued, {@code lastJobId} its job
 * @param lastError why the latest tick could not be enqueued; null after one that could
 */
public record Schedule(String name, String spec, String timezone, String kind, String args, String queue,
                       int priority, Integer maxAttempts, Duration timeout, List<String> tags, int catchUp,
                       boolean paused, Instant nextRunAt, Instant lastRunAt, Long lastJobId, String lastError,
                       Instant createdAt, Instant updatedAt) {
    public Schedule {
        tags = List.copyOf(tags);
    }

    /** The tag every job of the schedule carries. */
    public static String tag(String name) {
        return "schedule:" + name;
    }
}
