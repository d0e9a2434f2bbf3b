package dev.gantry.lifecycle;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.event.GantryListener;
import dev.gantry.event.JobFinished;
import dev.gantry.event.OutcomeRejected;

/**
 * Calls the application's listener and keeps its exceptions away from the caller: a throwing
 * listener must not stop a fetcher or lose a batch of outcomes. Each failure is logged at WARN
 * with the callback's name.
 */
public final class GuardedListener implements GantryListener {
    private static final Logger log = LoggerFactory.getLogger(GuardedListener.class);

    private final GantryListener delegate;

    private GuardedListener(GantryListener delegate) {
        this.delegate = delegate;
    }

    public static GantryListener of(GantryListener listener) {
        if (listener == null || listener == GantryListener.NONE) return GantryListener.NONE;
        return listener instanceof GuardedListener ? listener : new GuardedListener(listener);
    }

    private static void failed(String callback, Throwable e) {
        log.atWarn().setMessage("listener failed").addKeyValue("callback", callback).setCause(e).log();
    }

    // Each callback catches in place rather than through a lambda: these run once per job on the hot path.

    @Override
    public void jobsClaimed(String queue, List<Long> jobIds) {
        try {
            delegate.jobsClaimed(queue, jobIds);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed("jobsClaimed", e);
        }
    }

    @Override
    public void claimTimed(String queue, int count, Duration latency) {
        try {
            delegate.claimTimed(queue, count, latency);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed("claimTimed", e);
        }
    }

    @Override
    public void jobFinished(JobFinished event) {
        try {
            delegate.jobFinished(event);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed("jobFinished", e);
        }
    }

    @Override
    public void outcomeRejected(OutcomeRejected event) {
        try {
            delegate.outcomeRejected(event);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed("outcomeRejected", e);
        }
    }

    @Override
    public void jobsRescued(int retried, int discarded) {
        try {
            delegate.jobsRescued(retried, discarded);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed("jobsRescued", e);
        }
    }

    @Override
    public void jobsStaged(int count) {
        try {
            delegate.jobsStaged(count);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed("jobsStaged", e);
        }
    }

    @Override
    public void jobsDeleted(dev.gantry.job.JobState state, long count) {
        try {
            delegate.jobsDeleted(state, count);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed("jobsDeleted", e);
        }
    }

    @Override
    public void componentFailed(String component, Throwable error) {
        try {
            delegate.componentFailed(component, error);
        } catch (RuntimeException | LinkageError | AssertionError e) {
            failed("componentFailed", e);
        }
    }
}
