package dev.gantry.maintenance;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.event.GantryListener;
import dev.gantry.store.JobStore;
import dev.gantry.store.RescueResult;

/**
 * Takes back running jobs whose lease expired, which means their worker died, hung or lost the
 * database: retryable again, or discarded when out of attempts. Rescue is by lease, renewed
 * while the job runs, never by elapsed run time, so a long job on a live worker is left alone.
 * Safe to run on every worker at once.
 */
public final class JobRescuer {
    private static final Logger log = LoggerFactory.getLogger(JobRescuer.class);
    static final int BATCH = 1000;

    private final JobStore store;
    private final GantryListener listener;

    public JobRescuer(JobStore store, GantryListener listener) {
        this.store = store;
        this.listener = listener;
    }

    public RescueResult runOnce() {
        int retried = 0;
        int discarded = 0;
        RescueResult r;
        do {
            r = store.rescueExpired(BATCH);
            retried += r.retried();
            discarded += r.discarded();
        } while (r.total() == BATCH);
        if (retried + discarded > 0) {
            log.atInfo().setMessage("rescued jobs whose lease expired")
                    .addKeyValue("retried", retried).addKeyValue("discarded", discarded).log();
            listener.jobsRescued(retried, discarded);
        }
        return new RescueResult(retried, discarded);
    }
}
