package dev.gantry.stats;

/**
 * Job statistics for dashboards and scripts. Windows and per-minute series are read on every
 * call; counts per queue and state come from a full count of the jobs table, cached and
 * recounted in the background (at most every second, and rarer the longer a count takes), so
 * {@link JobStats#countsAsOf()} may be a moment behind. Thread-safe; get it from
 * {@code Gantry.stats()}.
 *
 * <pre>{@code
 * JobStats now = gantry.stats().snapshot();
 * now.totals().available();
 * }</pre>
 */
public interface StatsReader {
    /** The minutes of the per-minute series. */
    int SERIES_MINUTES = 60;

    /** The statistics now, with counts as of {@link JobStats#countsAsOf()}. */
    JobStats snapshot();
}
