package dev.gantry.stats;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of job statistics, overall and per queue (sorted by name). Serializes as it is
 * (plain accessors; snake_case with the server's mapper).
 *
 * @param generatedAt               the time of the windows, series and oldest ages (the database's clock)
 * @param countsAsOf                the time of the counts, which are cached and may be older (docs/stats.md)
 * @param totals                    jobs per state over all queues
 * @param oldestAvailableAgeSeconds the largest of the queues' ages; null when no job is available
 * @param windows                   1m, 5m, 1h and 24h over all queues
 * @param minutes                   the last 60 minutes over all queues, oldest first
 * @param queues                    every queue with jobs, or with activity in the last 24 hours
 */
public record JobStats(Instant generatedAt, Instant countsAsOf, StateCounts totals, Double oldestAvailableAgeSeconds,
                       List<WindowStats> windows, List<MinutePoint> minutes, List<QueueStats> queues) {
    public JobStats {
        windows = List.copyOf(windows);
        minutes = List.copyOf(minutes);
        queues = List.copyOf(queues);
    }
}
