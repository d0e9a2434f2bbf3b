package dev.gantry.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    private static long[] counts(int bucket, long n) {
        long[] c = new long[LatencyHistogram.BUCKETS];
        c[bucket] = n;
        return c;
    }

    @Test
    void nothingCountedHasNoQuantile() {
        assertThat(LatencyHistogram.quantile(new long[12], 0, 0.95)).isNull();
    }

    @Test
    void interpolatesGeometricallyWithinABucket() {
        // 100 durations between 10 and 30 ms (bucket 3), the largest 30 ms.
        double p50 = LatencyHistogram.quantile(counts(3, 100), 30, 0.5);

        assertThat(p50).isCloseTo(Math.sqrt(10 * 30), within(1e-9));
    }

    @Test
    void neverExceedsTheLargestDurationSeen() {
        assertThat(LatencyHistogram.quantile(counts(6, 10), 400, 0.99)).isLessThanOrEqualTo(400);
        assertThat(LatencyHistogram.quantile(counts(11, 10), 250_000, 0.99)).isBetween(100_000.0, 250_000.0);
    }

    @Test
    void findsTheBucketHoldingTheRank() {
        long[] c = new long[12];
        c[0] = 90;    // under 1 ms
        c[8] = 10;    // 3 to 10 s
        assertThat(LatencyHistogram.quantile(c, 9_000, 0.90)).isLessThanOrEqualTo(1.0);
        assertThat(LatencyHistogram.quantile(c, 9_000, 0.95)).isBetween(3_000.0, 9_000.0);
        assertThat(LatencyHistogram.quantile(c, 9_000, 0.0)).isLessThanOrEqualTo(1.0);
    }

    @Test
    void theFirstBucketIsLinearFromZero() {
        assertThat(LatencyHistogram.quantile(counts(0, 4), 0.8, 0.5)).isCloseTo(0.4, within(1e-9));
    }
}
