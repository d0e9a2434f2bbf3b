package dev.gantry.stats;

import java.time.Instant;

/**
 * One minute of the chart series: what happened from {@code minute} to a minute later (the
 * current minute so far). Counts as in {@link WindowStats}; latencies null when nothing ran.
 */
public record MinutePoint(Instant minute, long claimed, long completed, long failed, long discarded, long cancelled,
                          Double pickupLatencyAvgMs, Double pickupLatencyP95Ms, Double runTimeAvgMs) {
}
