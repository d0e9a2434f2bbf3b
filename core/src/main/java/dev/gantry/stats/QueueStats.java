package dev.gantry.stats;

import java.util.List;

/**
 * The statistics of one queue.
 *
 * @param counts                    jobs per state, as of {@link JobStats#countsAsOf()}
 * @param oldestAvailableAgeSeconds how long the oldest available job has been due; null when none is available
 * @param windows                   one per window, in the order of {@link JobStats#windows()}
 * @param minutes                   the last 60 minutes, oldest first
 */
public record QueueStats(String queue, StateCounts counts, Double oldestAvailableAgeSeconds,
                         List<WindowStats> windows, List<MinutePoint> minutes) {
    public QueueStats {
        windows = List.copyOf(windows);
        minutes = List.copyOf(minutes);
    }
}
