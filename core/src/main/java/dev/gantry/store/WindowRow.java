package dev.gantry.store;

import java.time.Instant;

/**
 * The rollup of one window for one queue, or for all queues when {@code queue} is null: the
 * minute buckets from {@code start} (the one holding now - window) up to {@code now}.
 */
public record WindowRow(long windowSeconds, String queue, Instant start, Instant now, RollupSums sums) {
}
