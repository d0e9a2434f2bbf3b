package dev.gantry.lifecycle;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs a task every interval on a platform thread named {@code gantry-<component>}, with 0-10%
 * jitter so that many processes do not synchronise, inside an error boundary: a failing
 * iteration is reported through the {@link Component} (logged with its name, counted, shown on
 * {@code /health}) and the task runs again after a backoff (100 ms doubling, at most the
 * interval) until an iteration succeeds. Composed into services rather than inherited; tests
 * call the task directly.
 */
public final class PeriodicLoop implements Service {
    private final Component component;
    private volatile Duration interval;
    private final Runnable task;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private Thread thread;
    private boolean stopping;
    private boolean kicked;

    public PeriodicLoop(Component component, Duration interval, Runnable task) {
        if (!interval.isPositive()) throw new IllegalArgumentException("interval must be > 0");
        this.component = component;
        this.interval = interval;
        this.task = task;
    }

    public Component component() {
        return component;
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (thread != null) return;
            stopping = false;
            component.up();
            thread = Thread.ofPlatform().daemon().name("gantry-" + component.name()).start(this::run);
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
        Backoff backoff = new Backoff(Long.MAX_VALUE);
        long waitNanos = jittered(interval);
        while (waitForNextTick(waitNanos)) {
            try {
                task.run();
                component.up();
                backoff.reset();
                waitNanos = jittered(interval);
            } catch (RuntimeException | StackOverflowError | LinkageError | AssertionError e) {
                if (isStopping()) break;
                long retryMs = Math.min(backoff.next(), Math.max(1, interval.toMillis()));
                component.failed(e, retryMs);
                waitNanos = TimeUnit.MILLISECONDS.toNanos(retryMs);
            } catch (Error e) {
                component.down(e);
                throw e;
            }
        }
    }

    private static long jittered(Duration interval) {
        long base = interval.toNanos();
        return base + (long) (base * 0.1 * ThreadLocalRandom.current().nextDouble());
    }

    private boolean isStopping() {
        lock.lock();
        try {
            return stopping;
        } finally {
            lock.unlock();
        }
    }

    private boolean waitForNextTick(long nanos) {
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
        if (t == null) return;
        if (t != Thread.currentThread()) {
            try {
                if (!t.join(timeout.plusSeconds(1))) {
                    t.interrupt();
                    t.join(TimeUnit.SECONDS.toMillis(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        component.stopped();
    }
}
