package dev.gantry.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.event.GantryListener;
import dev.gantry.job.Job;
import dev.gantry.lifecycle.Component;
import dev.gantry.lifecycle.RestartingLoop;
import dev.gantry.lifecycle.Service;
import dev.gantry.store.JobStore;
import dev.gantry.time.TimeSource;

/**
 * Claims jobs of one queue (threads {@code gantry-fetcher-<queue>-<n>}) up to the free slots, in
 * one statement, and hands them to the executor. A busy queue of short jobs also claims ahead:
 * up to the jobs its slots finish in {@link #PREFETCH_HORIZON} at the measured run time, held in
 * a local buffer (leased and renewed like running jobs) and started as slots free, so that one
 * claim serves many slots instead of one round trip per freed slot (docs/adr/0013). It claims
 * when woken (NOTIFY, or a slot freed after a full claim suggested more work) and otherwise every
 * poll interval, jittered. Never blocks on a job. Its error boundary is {@link RestartingLoop}: a
 * failed claim (the database away, or a bug) gives its reserved slots back, is reported as
 * component {@code fetcher-<queue>}, and claiming resumes after a backoff of at most
 * {@link #MAX_BACKOFF_MS}.
 */
final class QueueFetcher implements Service {
    private static final Logger log = LoggerFactory.getLogger(QueueFetcher.class);
    /** Most jobs one claim takes, however many slots are free. */
    static final int MAX_CLAIM = 500;
    /**
     * Claiming threads per queue. With one, slots sit idle during each claim's round trip when
     * jobs are short; two overlap claims and keep the slots busy. Slots are reserved before a
     * claim, so together they never exceed the queue's concurrency.
     */
    static final int CLAIMERS = 2;
    /** Longest a busy queue waits for more free slots before claiming (see awaitTurn). */
    static final Duration GATHER = Duration.ofMillis(2);
    /**
     * How far ahead a queue claims: the jobs its slots are expected to finish within this time
     * wait in the buffer. Short, so a claimed job waits little and other workers are not starved;
     * a queue of jobs that run for seconds claims no more than its free slots.
     */
    static final Duration PREFETCH_HORIZON = Duration.ofMillis(100);
    /** Longest pause after a failed claim: short, so claiming resumes soon after an outage. */
    static final long MAX_BACKOFF_MS = 5_000;

    private final String queue;
    private final String workerId;
    private final Slots slots;
    private final JobStore store;
    private final JobExecutor executor;
    private final Duration lease;
    private final GantryListener listener;
    private final TimeSource time;
    private final Component component;
    private volatile Duration pollInterval;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private boolean signalled = true;
    private boolean paused;
    private boolean pausedGlobally;
    private boolean halted;
    private boolean stopping;
    private List<Thread> threads = List.of();
    /** Claimed jobs waiting for a slot, oldest first; guarded by lock. */
    private final ArrayDeque<RunningJob> buffered = new ArrayDeque<>();
    /** Buffer places taken by claims in flight; guarded by lock. */
    private int bufferReserved;
    /** Moving average of this queue's job run time, 0 until a job finished. */
    private volatile double avgRunNanos;
    /** When this fetcher last claimed a job, or started (monotonic): the stall check's clock. */
    private volatile long lastClaimNanos;

    QueueFetcher(String queue, String workerId, Slots slots, JobStore store, JobExecutor executor, Duration lease,
                 Duration pollInterval, GantryListener listener, TimeSource time, Component component) {
        this.queue = queue;
        this.workerId = workerId;
        this.slots = slots;
        this.store = store;
        this.executor = executor;
        this.lease = lease;
        this.pollInterval = pollInterval;
        this.listener = listener;
        this.time = time;
        this.component = component;
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

    /** Stops or resumes claiming on this worker (the pause_queue command); running jobs are not touched. */
    void paused(boolean value) {
        lock.lock();
        try {
            paused = value;
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (value) giveBackBuffered();
    }

    /**
     * The queue is paused for every worker (gantry.queues), or no longer; independent of this
     * worker's own pause, so resuming one does not undo the other.
     */
    void pausedGlobally(boolean value) {
        lock.lock();
        try {
            pausedGlobally = value;
            signalled = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
        if (value) giveBackBuffered();
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
        if (value) giveBackBuffered();
    }

    boolean paused() {
        lock.lock();
        try {
            return paused;
        } finally {
            lock.unlock();
        }
    }

    boolean pausedGlobally() {
        lock.lock();
        try {
            return pausedGlobally;
        } finally {
            lock.unlock();
        }
    }

    /** Claiming is allowed: neither paused (here or for all workers) nor halted. Call with the lock held. */
    private boolean claiming() {
        return !paused && !pausedGlobally && !halted;
    }

    Duration pollInterval() {
        return pollInterval;
    }

    /** Since this fetcher last claimed a job (or started). */
    Duration sinceLastClaim() {
        return Duration.ofNanos(time.monotonicNanos() - lastClaimNanos);
    }

    void pollInterval(Duration interval) {
        pollInterval = interval;
        wake();
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (!threads.isEmpty()) return;
            lastClaimNanos = time.monotonicNanos();
            stopping = false;
            signalled = true;
            List<Thread> started = new ArrayList<>();
            for (int i = 1; i <= CLAIMERS; i++) {
                started.add(Thread.ofPlatform().daemon().name("gantry-fetcher-" + queue + "-" + i)
                        .start(() -> RestartingLoop.run(component, this::stopping, this::run, MAX_BACKOFF_MS)));
            }
            threads = List.copyOf(started);
            component.up();
        } finally {
            lock.unlock();
        }
    }

    /** Claims until stopping; a failed claim throws (after giving its slots back) into the error boundary. */
    private void run() {
        boolean moreLikely = false;
        while (awaitTurn(moreLikely)) {
            int forSlots = slots.reserve(MAX_CLAIM);
            int ahead = reserveBuffer(MAX_CLAIM - forSlots);
            int want = forSlots + ahead;
            if (want == 0) continue;
            long started = time.monotonicNanos();
            List<Job> jobs;
            try {
                jobs = store.claim(queue, workerId, want, lease);
            } catch (RuntimeException e) {
                slots.unreserve(forSlots);
                unreserveBuffer(ahead);
                throw e;
            }
            int now = Math.min(jobs.size(), forSlots);
            slots.unreserve(forSlots - now);   // jobs started now keep their reserved slots
            component.up();
            listener.claimTimed(queue, jobs.size(), Duration.ofNanos(time.monotonicNanos() - started));
            moreLikely = jobs.size() == want;
            if (!jobs.isEmpty()) {
                lastClaimNanos = time.monotonicNanos();
                listener.jobsClaimed(queue, jobs.stream().map(Job::id).toList());
            }
            List<RunningJob> held = new ArrayList<>(jobs.size());
            for (Job job : jobs) held.add(executor.hold(job));
            lock.lock();
            try {
                bufferReserved -= ahead;
                buffered.addAll(held.subList(now, held.size()));
            } finally {
                lock.unlock();
            }
            for (RunningJob rj : held.subList(0, now)) executor.start(rj, () -> slotFreed(rj));
            if (now < held.size()) {
                startBuffered();   // slots may have freed during the claim
                boolean blocked;
                lock.lock();
                try {
                    blocked = !claiming() || stopping;
                } finally {
                    lock.unlock();
                }
                if (blocked) giveBackBuffered();   // paused or stopped while the claim ran
            }
        }
    }

    /**
     * Reserves buffer places for a claim ahead of free slots: the jobs this queue's slots finish
     * within the horizon at the measured run time, less those buffered or being claimed.
     */
    private int reserveBuffer(int max) {
        long target = prefetchTarget();
        if (target == 0 || max <= 0) return 0;
        lock.lock();
        try {
            int n = (int) Math.max(0, Math.min(max, target - buffered.size() - bufferReserved));
            bufferReserved += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    /** Jobs to hold ahead: what the slots finish within the horizon at the average run time, at most MAX_CLAIM. */
    private long prefetchTarget() {
        double run = avgRunNanos;
        if (run <= 0) return 0;
        return (long) Math.min(MAX_CLAIM, slots.limit() * (PREFETCH_HORIZON.toNanos() / run));
    }

    private void unreserveBuffer(int n) {
        lock.lock();
        try {
            bufferReserved -= n;
        } finally {
            lock.unlock();
        }
    }

    /** Starts buffered jobs while slots are free and claiming is allowed. */
    private void startBuffered() {
        while (true) {
            RunningJob rj;
            lock.lock();
            try {
                if (buffered.isEmpty() || !claiming() || stopping || slots.reserve(1) == 0) return;
                rj = buffered.pollFirst();
            } finally {
                lock.unlock();
            }
            executor.start(rj, () -> slotFreed(rj));
        }
    }

    /** Gives back every buffered job (paused, halted or stopping): available again, the attempt not counted. */
    private void giveBackBuffered() {
        List<RunningJob> back;
        lock.lock();
        try {
            back = new ArrayList<>(buffered);
            buffered.clear();
        } finally {
            lock.unlock();
        }
        for (RunningJob rj : back) executor.giveBack(rj);
    }

    private boolean stopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    private void slotFreed(RunningJob rj) {
        // Real time, whatever the TimeSource: this only sizes claims, and a manual clock in
        // tests would make every job look instant.
        long ran = System.nanoTime() - rj.startedRealNanos();
        double avg = avgRunNanos;
        avgRunNanos = avg <= 0 ? Math.max(1, ran) : avg + (ran - avg) * 0.05;
        slots.release();
        startBuffered();
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
        long now = time.monotonicNanos();
        long deadline = now + base + (long) (base * 0.1 * ThreadLocalRandom.current().nextDouble());
        long gatherLeft = GATHER.toNanos();   // real time, whatever the TimeSource: a micro-wait
        lock.lock();
        try {
            while (!stopping) {
                boolean due = signalled || moreLikely || time.monotonicNanos() >= deadline;
                int free = slots.free();
                if (free > 0 && !buffered.isEmpty() && claiming()) {
                    // a slot is free and a buffered job waits for it: start it before claiming
                    lock.unlock();
                    try {
                        startBuffered();
                    } finally {
                        lock.lock();
                    }
                    continue;
                }
                // Claim ahead once half the buffer is free, so that it refills before it runs dry.
                long target = prefetchTarget();
                boolean bufferLow = target > 0 && buffered.size() + bufferReserved <= target / 2;
                if (due && claiming() && (free > 0 || bufferLow)) {
                    // A busy queue claims again as soon as a slot frees, one slot at a time, each
                    // claim a round trip; wait a moment for half the slots so claims stay large.
                    if (moreLikely && !bufferLow && free < (slots.limit() + 1) / 2 && gatherLeft > 0) {
                        gatherLeft = wake.awaitNanos(gatherLeft);
                        continue;
                    }
                    signalled = false;
                    return true;
                }
                long wait = (slots.free() > 0 || bufferLow) && claiming() ? Math.max(1, deadline - time.monotonicNanos()) : base;
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

    /** Stops claiming; running jobs are not touched. */
    @Override
    public void stop(Duration timeout) {
        List<Thread> running;
        lock.lock();
        try {
            stopping = true;
            wake.signalAll();
            running = threads;
            threads = List.of();
        } finally {
            lock.unlock();
        }
        try {
            for (Thread t : running) t.join(timeout.plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        giveBackBuffered();
        component.stopped();
    }
}
