package dev.gantry.store;

/** The rollup of one window for one queue, from the window's start (see {@link RollupRead}) up to now. */
public record WindowRow(long windowSeconds, String queue, RollupSums sums) {
}
