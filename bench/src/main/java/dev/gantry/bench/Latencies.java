package dev.gantry.bench;

import java.util.Arrays;

/** Nearest-rank percentiles of a set of durations, in milliseconds. */
record Latencies(double p50, double p95, double p99, double max) {
    static Latencies of(long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        return new Latencies(rank(sorted, 50), rank(sorted, 95), rank(sorted, 99), sorted[sorted.length - 1] / 1e6);
    }

    private static double rank(long[] sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }
}
