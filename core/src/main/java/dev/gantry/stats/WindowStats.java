package dev.gantry.stats;

import java.time.Instant;

/**
 * What the workers did in a recent window (docs/stats.md). The window covers whole minutes: from
 * {@code from}, the start of the minute holding now minus the window, up to now; rates divide by
 * that span, so they are exact for the counts they report.
 *
 * @param window              the window's name: {@code 1m}, {@code 5m}, {@code 1h}, {@code 24h}
 * @param seconds             its nominal length
 * @param claimed             attempts started (transitions into running)
 * @param completed           jobs completed
 * @param failed              attempts failed with attempts left (running to retryable)
 * @param discarded           jobs discarded (out of attempts, permanent failure, lease lost on the last attempt)
 * @param cancelled           jobs cancelled, whatever their state was
 * @param throughputPerSecond (completed + discarded) per second: jobs that reached a final outcome by running
 * @param successRate         completed / (completed + discarded); null when neither happened
 * @param pickupLatencyAvgMs  mean of attempted_at - run_at over the claims; null without claims
 * @param pickupLatencyP95Ms  approximate 95th percentile of the same (from a histogram, within about 20 %)
 * @param runTimeAvgMs        mean run time of the attempts that ended; null when none ended
 */
public record WindowStats(String window, long seconds, Instant from,
                          long claimed, long completed, long failed, long discarded, long cancelled,
                          double throughputPerSecond, Double successRate,
                          Double pickupLatencyAvgMs, Double pickupLatencyP95Ms, Double pickupLatencyP99Ms,
                          Double runTimeAvgMs, Double runTimeP95Ms, Double runTimeP99Ms) {
}
