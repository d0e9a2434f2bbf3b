package dev.gantry.worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.error.StoreException;
import dev.gantry.event.GantryListener;
import dev.gantry.job.Job;
import dev.gantry.lifecycle.Service;
import dev.gantry.store.JobStore;
import dev.gantry.time.TimeSource;

/**
 * Claims jobs of one queue (thread {@code gantry-fetcher-<queue>}) up to the free slots, in one
 * statement, and hands them to the executor. It claims when woken (NOTIFY, or a slot freed
 * after a full claim suggested more work) and otherwise every poll interval, jittered. Never
 * blocks on a job.
 */
final class QueueFetcher implements Service {
    private static final Logger log = LoggerFactory.getLogger(QueueFetcher.class);
    /** Most jobs one claim takes, however many slots are free. */
    static final int MAX_CLAIM = 500;

    private final String queue;
    private final String workerId;
    private final Slots slots;
    private final JobStore store;
    private final JobExecutor executor;
    private final Duration lease;
    private final GantryListener listener;
    private final TimeSource time;
    private volatile Duration pollInterval;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean signalled = true;
    private boolean paused;
    private boolean halted;
    private boolean stopping;
    private Thread thread;

    QueueFetcher(String queue, String workerId, Slots slots, JobStore store, JobExecutor executor, Duration lease,
                 Duration pollInterval, GantryListener listener, TimeSource time) {
        this.queue = queue;
        this.workerId = workerId;
        this.slots = slots;
        this.store = store;
        this.executor = executor;
        this.lease = lease;
        this.pollInterval = pollInterval;
        this.listener = listener;
        this.time = time;
    }

    String queue() {
        return queue;
    }

    Slots slots() {
        return slots;
    }

    /** Claim as soon as a slot is free (a job was announced or may have been missed). */
    void wake() {
        lock.lock();
        try {
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops or resumes claiming; running jobs are not touched. */
    void paused(boolean value) {
        lock.lock();
        try {
            paused = value;
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The whole worker stops (true) or resumes (false) fetching; independent of the queue's own pause. */
    void halted(boolean value) {
        lock.lock();
        try {
            halted = value;
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    boolean paused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    Duration pollInterval() {
        return pollInterval;
    }

    void pollInterval(Duration interval) {
        pollInterval = interval;
        wake();
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (thread != null) return;
            stopping = false;
            signalled = true;
            thread = Thread.ofPlatform().daemon().name("gantry-fetcher-" + queue).start(this::run);
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        boolean moreLikely = false;
        long backoffMs = 100;
        while (awaitTurn(moreLikely)) {
            int free = slots.free();
            int want = Math.min(free, MAX_CLAIM);
            try {
                long started = time.monotonicNanos();
                List<Job> jobs = store.claim(queue, workerId, want, lease);
                listener.claimTimed(queue, jobs.size(), Duration.ofNanos(time.monotonicNanos() - started));
                backoffMs = 100;
                moreLikely = jobs.size() == want;
                if (jobs.isEmpty()) continue;
                slots.take(jobs.size());
                listener.jobsClaimed(queue, jobs.stream().map(Job::id).toList());
                for (Job job : jobs) executor.execute(job, this::slotFreed);
            } catch (StoreException e) {
                log.atWarn().setMessage("claiming jobs failed").addKeyValue("queue", queue)
                        .addKeyValue("retry_in_ms", backoffMs).addKeyValue("error", e.getMessage()).log();
                moreLikely = false;
                if (!sleep(backoffMs)) return;
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private void slotFreed() {
        slots.release();
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until there is a free slot and a reason to claim: a wake-up, the previous claim came
     * back full, or the poll interval passed. Returns false when stopping.
     */
    private boolean awaitTurn(boolean moreLikely) {
        long base = pollInterval.toNanos();
        long deadline = time.monotonicNanos() + base + (long) (base * 0.1 * ThreadLocalRandom.current().nextDouble());
        lock.lock();
        try {
            while (!stopping) {
                boolean due = signalled || moreLikely || time.monotonicNanos() >= deadline;
                if (due && !paused && !halted && slots.free() > 0) {
                    signalled = false;
                    return true;
                }
                long wait = slots.free() > 0 && !paused && !halted ? Math.max(1, deadline - time.monotonicNanos()) : base;
                wake.awaitNanos(Math.min(wait, base));
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    private boolean sleep(long ms) {
        lock.lock();
        try {
            long nanos = ms * 1_000_000;
            while (!stopping && nanos > 0) nanos = wake.awaitNanos(nanos);
            return !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Stops claiming; running jobs are not touched. */
    @Override
    public void stop(Duration timeout) {
        Thread t;
        lock.lock();
        try {
            stopping = true;
            wake.signalAll();
            t = thread;
            thread = null;
        } finally {
            lock.unlock();
        }
        if (t == null) return;
        try {
            t.join(timeout.plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
