package dev.gantry.maintenance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.event.GantryListener;
import dev.gantry.store.JobStore;

/**
 * Makes due scheduled and retryable jobs available, which wakes their workers. Keeping them
 * out of the claim index until due keeps the claim path small. Safe to run on every worker at
 * once: it locks with SKIP LOCKED.
 */
public final class JobStager {
    private static final Logger log = LoggerFactory.getLogger(JobStager.class);
    static final int BATCH = 1000;

    private final JobStore store;
    private final GantryListener listener;

    public JobStager(JobStore store, GantryListener listener) {
        this.store = store;
        this.listener = listener;
    }

    /** Stages due jobs, in batches until none are left; returns how many. */
    public int runOnce() {
        int total = 0;
        int n;
        do {
            n = store.stageDue(BATCH);
            total += n;
        } while (n == BATCH);
        if (total > 0) {
            log.atDebug().setMessage("staged due jobs").addKeyValue("jobs", total).log();
            listener.jobsStaged(total);
        }
        return total;
    }
}
