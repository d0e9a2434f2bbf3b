package dev.gantry.client;

import java.time.Duration;

/**
 * What a key's limit allows: at most {@code maxRunning} jobs running at once, and/or at most
 * {@code maxPerPeriod} attempts started in any window of {@code period}. Give one or both.
 *
 * <pre>{@code
 * gantry.limits().set("acct-1", LimitRequest.running(4));
 * gantry.limits().set("meta-api", LimitRequest.perPeriod(200, Duration.ofHours(1)).andRunning(10));
 * }</pre>
 */
public record LimitRequest(Integer maxRunning, Integer maxPerPeriod, Duration period) {
    /** At most {@code n} running at once (0 holds every job of the key). */
    public static LimitRequest running(int n) {
        return new LimitRequest(n, null, null);
    }

    /** At most {@code n} starts in any window of {@code period}. */
    public static LimitRequest perPeriod(int n, Duration period) {
        return new LimitRequest(null, n, period);
    }

    public LimitRequest andRunning(int n) {
        return new LimitRequest(n, maxPerPeriod, period);
    }

    public LimitRequest andPerPeriod(int n, Duration period) {
        return new LimitRequest(maxRunning, n, period);
    }
}
