package dev.gantry.maintenance;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.store.StatsStore;

/**
 * Upkeep of the statistics rollup: compacts per-minute rows ({@code gantry.job_stats}) older
 * than two hours into hourly rows ({@code gantry.job_stats_hourly}), so long windows read few
 * rows, and deletes rows older than the retention (default 7 days). Safe to run on every worker
 * at once: a minute row is moved by exactly one run.
 */
public final class StatsCompactor {
    private static final Logger log = LoggerFactory.getLogger(StatsCompactor.class);
    static final int BATCH = 10_000;

    private final StatsStore store;
    private final Duration retention;

    public StatsCompactor(StatsStore store, Duration retention) {
        if (store == null) throw new NullPointerException("store");
        if (retention == null || !retention.isPositive()) throw new IllegalArgumentException("retention: must be > 0");
        this.store = store;
        this.retention = retention;
    }

    /** What one run did: minute rows moved into hours, rows deleted for age. */
    public record Result(int compacted, int pruned) {
    }

    public Result runOnce() {
        int compacted = 0;
        int n;
        do {
            n = store.compact(BATCH);
            compacted += n;
        } while (n == BATCH);
        int pruned = store.prune(retention);
        if (compacted + pruned > 0) {
            log.atDebug().setMessage("compacted job statistics").addKeyValue("compacted", compacted)
                    .addKeyValue("pruned", pruned).log();
        }
        return new Result(compacted, pruned);
    }
}
