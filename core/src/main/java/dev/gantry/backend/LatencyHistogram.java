package dev.gantry.backend;

/**
 * Approximate percentiles from the fixed histograms of {@code gantry.job_stats}: bucket 0 counts
 * durations under 1 ms, bucket i durations from {@code BOUNDS_MS[i-1]} to under
 * {@code BOUNDS_MS[i]}, bucket 11 the rest (V004, width_bucket). Within a bucket the value is
 * interpolated geometrically (linearly in the first), and never exceeds the observed maximum.
 */
final class LatencyHistogram {
    static final double[] BOUNDS_MS = {1, 3, 10, 30, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000};
    static final int BUCKETS = BOUNDS_MS.length + 1;

    private LatencyHistogram() {
    }

    /**
     * The {@code fraction} quantile (0.95 for p95) of the durations counted in {@code counts},
     * whose largest was {@code maxMs}; null when nothing was counted.
     */
    static Double quantile(long[] counts, double maxMs, double fraction) {
        if (counts.length != BUCKETS) throw new IllegalArgumentException("expected " + BUCKETS + " buckets, got " + counts.length);
        long total = 0;
        for (long c : counts) total += c;
        if (total == 0) return null;
        double rank = fraction * total;
        long before = 0;
        int i = 0;
        // The first non-empty bucket that reaches the rank; the last one holds the rest, so is not empty there.
        while (i < BUCKETS - 1 && (counts[i] == 0 || before + counts[i] < rank)) before += counts[i++];
        double lower = i == 0 ? 0 : BOUNDS_MS[i - 1];
        double upper = Math.max(lower, Math.min(i == BUCKETS - 1 ? maxMs : BOUNDS_MS[i], maxMs));
        double within = Math.min(1, Math.max(0, (rank - before) / counts[i]));
        double value = lower == 0 ? upper * within : lower * Math.pow(upper / lower, within);
        return Math.min(value, maxMs);
    }
}
