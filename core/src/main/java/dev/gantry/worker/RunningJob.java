package dev.gantry.worker;

import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;

import dev.gantry.job.Job;
import dev.gantry.job.JobContext;

/**
 * A job this worker holds, from claim until its outcome is written. Shared by the executor
 * (which runs it), the lease renewer (which may cancel it) and shutdown (which may release it).
 */
final class RunningJob implements JobContext {
    enum Stop { TIMEOUT, CANCELLED_BY_OPERATOR, LEASE_LOST, RELEASED }

    private final Job job;
    private final String workerId;
    private final Logger logger;
    private volatile long startedNanos;
    private volatile long startedRealNanos;
    private final AtomicReference<Stop> stop = new AtomicReference<>();
    private volatile Thread thread;
    private volatile boolean outcomeSubmitted;

    RunningJob(Job job, String workerId, Logger logger, long startedNanos) {
        this.job = job;
        this.workerId = workerId;
        this.logger = logger;
        this.startedNanos = startedNanos;
    }

    @Override
    public Job job() {
        return job;
    }

    @Override
    public String workerId() {
        return workerId;
    }

    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public boolean isCancelled() {
        return stop.get() != null;
    }

    @Override
    public String cancelReason() {
        Stop s = stop.get();
        return s == null ? null : switch (s) {
            case TIMEOUT -> "timed out";
            case CANCELLED_BY_OPERATOR -> "cancelled by an operator";
            case LEASE_LOST -> "lease lost: the job was taken back from this worker";
            case RELEASED -> "worker shutting down";
        };
    }

    /** When its handler started; the claim time until then. */
    long startedNanos() {
        return startedNanos;
    }

    /** {@link System#nanoTime()} when its handler started, for sizing claims (QueueFetcher). */
    long startedRealNanos() {
        return startedRealNanos;
    }

    void started(long nanos) {
        startedNanos = nanos;
        startedRealNanos = System.nanoTime();
    }

    void thread(Thread t) {
        thread = t;
    }

    Stop stopReason() {
        return stop.get();
    }

    /** Asks the handler to stop; the first reason wins. Returns true if this call set it. */
    boolean stop(Stop reason) {
        boolean first = stop.compareAndSet(null, reason);
        if (first) {
            Thread t = thread;
            if (t != null) t.interrupt();
        }
        return first;
    }

    /** True once the outcome is on its way to the database; the job is then only waiting to be written. */
    synchronized boolean outcomeSubmitted() {
        return outcomeSubmitted;
    }

    /** Marks that the outcome went to the completer; the first of executor and shutdown wins. */
    synchronized boolean claimOutcome() {
        if (outcomeSubmitted) return false;
        outcomeSubmitted = true;
        return true;
    }
}
