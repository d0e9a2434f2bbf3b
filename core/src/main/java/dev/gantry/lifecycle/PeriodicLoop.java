package dev.gantry.lifecycle;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a task every interval on a named platform thread, with 0-10% jitter so that many
 * processes do not synchronise, and an error boundary: a failing iteration is logged and the
 * loop goes on. Composed into services rather than inherited; tests call the task directly.
 */
public final class PeriodicLoop implements Service {
    private static final Logger log = LoggerFactory.getLogger(PeriodicLoop.class);

    private final String name;
    private volatile Duration interval;
    private final Runnable task;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Thread thread;
    private boolean stopping;
    private boolean kicked;

    public PeriodicLoop(String name, Duration interval, Runnable task) {
        if (!interval.isPositive()) throw new IllegalArgumentException("interval must be > 0");
        this.name = name;
        this.interval = interval;
        this.task = task;
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (thread != null) return;
            stopping = false;
            thread = Thread.ofPlatform().daemon().name(name).start(this::run);
        } finally {
            lock.unlock();
        }
    }

    /** Runs the task as soon as possible instead of waiting for the interval. */
    public void kick() {
        lock.lock();
        try {
            kicked = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public void interval(Duration newInterval) {
        this.interval = newInterval;
        kick();
    }

    private void run() {
        while (waitForNextTick()) {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.atWarn().setMessage("periodic task failed").addKeyValue("loop", name).setCause(e).log();
            }
        }
    }

    private boolean waitForNextTick() {
        long base = interval.toNanos();
        long nanos = base + (long) (base * 0.1 * ThreadLocalRandom.current().nextDouble());
        lock.lock();
        try {
            while (!stopping && !kicked && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
            }
            kicked = false;
            return !stopping;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void stop(Duration timeout) {
        Thread t;
        lock.lock();
        try {
            stopping = true;
            changed.signalAll();
            t = thread;
            thread = null;
        } finally {
            lock.unlock();
        }
        if (t == null || t == Thread.currentThread()) return;
        try {
            if (!t.join(timeout.plusSeconds(1))) {
                t.interrupt();
                t.join(TimeUnit.SECONDS.toMillis(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
