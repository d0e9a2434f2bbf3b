package dev.gantry.client;

import java.time.Duration;
import java.time.Instant;

/**
 * A row of {@code gantry.limits} and what it holds now (docs/limits.md).
 *
 * @param maxRunning      at most this many jobs with the key run at once; null: no such limit
 * @param maxPerPeriod    at most this many attempts start in any {@code period}; null: no such limit
 * @param running         jobs with the key running now
 * @param waiting         jobs with the key waiting for room (pending, {@code Job.limitedAt} set)
 * @param startedInPeriod attempts started in the last {@code period} (0 without a rate limit)
 * @param wakeAt          when the full period frees a start and waiting jobs go; null when not full
 */
public record Limit(String key, Integer maxRunning, Integer maxPerPeriod, Duration period, long running,
                    long waiting, long startedInPeriod, Instant wakeAt, Instant createdAt, Instant updatedAt) {
}
