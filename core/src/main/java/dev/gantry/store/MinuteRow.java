package dev.gantry.store;

import java.time.Instant;

/** The rollup of one minute for one queue. */
public record MinuteRow(Instant minute, String queue, RollupSums sums) {
}
