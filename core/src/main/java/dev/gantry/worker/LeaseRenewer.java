package dev.gantry.worker;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.store.JobStore;
import dev.gantry.store.LeaseRenewal;

/**
 * Keeps the leases of this worker's jobs alive while they run, in one statement per round. A
 * job whose lease is no longer held was taken back (this worker was presumed dead): its handler
 * is stopped, since its outcome would be rejected anyway. A job an operator cancelled is
 * stopped too and recorded as cancelled.
 */
final class LeaseRenewer {
    private static final Logger log = LoggerFactory.getLogger(LeaseRenewer.class);

    private final JobStore store;
    private final String workerId;
    private final Duration lease;
    private final Map<Long, RunningJob> running;

    LeaseRenewer(JobStore store, String workerId, Duration lease, Map<Long, RunningJob> running) {
        this.store = store;
        this.workerId = workerId;
        this.lease = lease;
        this.running = running;
    }

    static Duration interval(Duration lease) {
        return lease.dividedBy(3);
    }

    void runOnce() {
        Set<Long> ids = new HashSet<>(running.keySet());
        if (ids.isEmpty()) return;
        LeaseRenewal renewal = store.renewLeases(workerId, ids, lease);
        for (Long id : ids) {
            RunningJob rj = running.get(id);
            // A job whose outcome is being written may already be finished in the database.
            if (rj == null || rj.outcomeSubmitted()) continue;
            if (!renewal.held().contains(id)) {
                if (rj.stop(RunningJob.Stop.LEASE_LOST)) {
                    log.atWarn().setMessage("lost the lease of a running job, stopping it")
                            .addKeyValue("job_id", id).log();
                }
            } else if (renewal.cancelRequested().contains(id) && rj.stop(RunningJob.Stop.CANCELLED_BY_OPERATOR)) {
                log.atInfo().setMessage("cancelling running job on request").addKeyValue("job_id", id).log();
            }
        }
    }
}
