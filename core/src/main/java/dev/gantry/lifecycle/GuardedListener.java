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

    private void call(String callback, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | LinkageError | AssertionError e) {
            log.atWarn().setMessage("listener failed").addKeyValue("callback", callback).setCause(e).log();
        }
    }

    @Override
    public void jobsClaimed(String queue, List<Long> jobIds) {
        call("jobsClaimed", () -> delegate.jobsClaimed(queue, jobIds));
    }

    @Override
    public void claimTimed(String queue, int count, Duration latency) {
        call("claimTimed", () -> delegate.claimTimed(queue, count, latency));
    }

    @Override
    public void jobFinished(JobFinished event) {
        call("jobFinished", () -> delegate.jobFinished(event));
    }

    @Override
    public void outcomeRejected(OutcomeRejected event) {
        call("outcomeRejected", () -> delegate.outcomeRejected(event));
    }

    @Override
    public void jobsRescued(int retried, int discarded) {
        call("jobsRescued", () -> delegate.jobsRescued(retried, discarded));
    }

    @Override
    public void jobsStaged(int count) {
        call("jobsStaged", () -> delegate.jobsStaged(count));
    }

    @Override
    public void componentFailed(String component, Throwable error) {
        call("componentFailed", () -> delegate.componentFailed(component, error));
    }
}
