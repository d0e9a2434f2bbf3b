package dev.gantry.maintenance;

import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.config.RetentionPolicy;
import dev.gantry.event.GantryListener;
import dev.gantry.job.JobState;
import dev.gantry.store.RetentionStore;
import dev.gantry.time.TimeSource;

/**
 * Deletes finished jobs past their retention (docs/retention.md): for each rule with a period,
 * the oldest first, {@link #BATCH} per transaction (row locks held for one batch only, jobs a
 * worker holds skipped), resting after each full batch as long as it took, until none is left. One worker prunes at a time (an advisory lock held
 * for the run); the others find it taken and skip their turn. Each run logs one line and tells
 * the listener how many jobs it deleted per state.
 */
public final class JobPruner {
    private static final Logger log = LoggerFactory.getLogger(JobPruner.class);
    static final int BATCH = 1000;

    private final RetentionStore store;
    private final RetentionPolicy policy;
    private final boolean archive;
    private final GantryListener listener;
    private final TimeSource time;

    public JobPruner(RetentionStore store, RetentionPolicy policy, boolean archive, GantryListener listener, TimeSource time) {
        this.store = store;
        this.policy = policy;
        this.archive = archive;
        this.listener = listener;
        this.time = time;
    }

    private static void rest(long nanos) {
        try {
            Thread.sleep(java.time.Duration.ofNanos(Math.min(nanos, 1_000_000_000L)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pruning", e);
        }
    }

    /** Jobs deleted per final state; empty when another worker was pruning. */
    public Optional<Map<JobState, Long>> runOnce() {
        long start = time.monotonicNanos();
        Optional<Map<JobState, Long>> result = store.whileLocked(batches -> {
            Map<JobState, Long> deleted = new EnumMap<>(JobState.class);
            for (JobState s : JobState.values()) if (s.isFinal()) deleted.put(s, 0L);
            for (RetentionPolicy.Rule rule : policy.rules()) {
                if (rule.keep() == null) continue;
                var overriding = policy.overriding(rule);
                int n;
                do {
                    long batchStart = time.monotonicNanos();
                    n = batches.delete(rule, overriding, BATCH, archive);
                    deleted.merge(rule.state(), (long) n, Long::sum);
                    // Half the time deleting, half resting: a backlog of old jobs is worked off
                    // without taking the database from the queue (docs/benchmarks.md, retention).
                    if (n == BATCH) rest(time.monotonicNanos() - batchStart);
                } while (n == BATCH);
            }
            return deleted;
        });
        result.ifPresent(deleted -> {
            var line = log.atInfo().setMessage("retention run");
            deleted.forEach((state, n) -> line.addKeyValue("deleted_" + state.dbName(), n));
            line.addKeyValue("archived", archive).addKeyValue("took_ms", (time.monotonicNanos() - start) / 1_000_000).log();
            deleted.forEach((state, n) -> {
                if (n > 0) listener.jobsDeleted(state, n);
            });
        });
        return result;
    }
}
