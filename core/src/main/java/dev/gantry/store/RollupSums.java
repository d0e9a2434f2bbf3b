package dev.gantry.store;

/**
 * Sums of {@code gantry.job_stats} rows over some minutes: transition counts, wait (pickup)
 * and run time sums and maxima in milliseconds, and the two histograms (12 counts each, bounds
 * in V004). The arrays are owned by this value; do not modify them.
 */
public record RollupSums(long claimed, long completed, long failed, long discarded, long cancelled,
                         double waitMsSum, double waitMsMax, long runCount, double runMsSum, double runMsMax,
                         long[] waitHistogram, long[] runHistogram) {
}
