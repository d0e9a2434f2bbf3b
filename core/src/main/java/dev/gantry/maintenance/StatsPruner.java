package dev.gantry.maintenance;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.store.StatsStore;

/**
 * Deletes the per-minute statistics rollup ({@code gantry.job_stats}) older than the retention
 * (default 7 days). Idempotent, so every worker may run it.
 */
public final class StatsPruner {
    private static final Logger log = LoggerFactory.getLogger(StatsPruner.class);

    private final StatsStore store;
    private final Duration retention;

    public StatsPruner(StatsStore store, Duration retention) {
        if (store == null) throw new NullPointerException("store");
        if (retention == null || !retention.isPositive()) throw new IllegalArgumentException("retention: must be > 0");
        this.store = store;
        this.retention = retention;
    }

    /** Prunes once; returns the rows deleted. */
    public int runOnce() {
        int deleted = store.prune(retention);
        if (deleted > 0) log.atInfo().setMessage("pruned old job statistics").addKeyValue("rows", deleted).log();
        return deleted;
    }
}
