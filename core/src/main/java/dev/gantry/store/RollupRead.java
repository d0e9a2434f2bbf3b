package dev.gantry.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One read of the statistics that are cheap enough for every call, all at the same {@code now}:
 * the windows and the per-minute series from job_stats, and each queue's oldest available job.
 */
public record RollupRead(Instant now, List<WindowRow> windows, List<MinuteRow> minutes,
                         Map<String, Double> oldestAvailableSeconds) {
    public RollupRead {
        windows = List.copyOf(windows);
        minutes = List.copyOf(minutes);
        oldestAvailableSeconds = Map.copyOf(oldestAvailableSeconds);
    }
}
