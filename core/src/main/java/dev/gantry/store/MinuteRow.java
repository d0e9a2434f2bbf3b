package dev.gantry.store;

import java.time.Instant;

/** The rollup of one minute for one queue, or for all queues when {@code queue} is null. */
public record MinuteRow(Instant minute, String queue, RollupSums sums) {
}
