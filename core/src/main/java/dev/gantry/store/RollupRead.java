package dev.gantry.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One read of the statistics that are cheap enough for every call, all at the same {@code now}:
 * each window's start (by its length in seconds) and per-queue sums, the per-minute series per
 * queue, and each queue's oldest available job. Queues without activity in a window or minute
 * have no row there.
 */
public record RollupRead(Instant now, Map<Long, Instant> windowStarts, List<WindowRow> windows,
                         List<MinuteRow> minutes, Map<String, Double> oldestAvailableSeconds) {
    public RollupRead {
        windowStarts = Map.copyOf(windowStarts);
        windows = List.copyOf(windows);
        minutes = List.copyOf(minutes);
        oldestAvailableSeconds = Map.copyOf(oldestAvailableSeconds);
    }
}
