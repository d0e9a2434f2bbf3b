package dev.gantry.worker;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The concurrency of one queue: how many of its jobs may run at once. The limit can change while
 * running (update_config); lowering it lets running jobs finish and claims no more until below.
 */
final class Slots {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int limit;
    private int used;

    Slots(int limit) {
        this.limit = limit;
    }

    int free() {
        lock.lock();
        try {
            return Math.max(0, limit - used);
        } finally {
            lock.unlock();
        }
    }

    int used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    int limit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Reserves up to {@code max} free slots for a claim in flight and returns how many; the
     * caller gives them back with {@link #unreserve} once the claimed jobs hold their own.
     */
    int reserve(int max) {
        lock.lock();
        try {
            int n = Math.min(max, Math.max(0, limit - used));
            used += n;
            return n;
        } finally {
            lock.unlock();
        }
    }

    void unreserve(int n) {
        lock.lock();
        try {
            used -= n;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** A running job finished: its slot is free. */
    void release() {
        unreserve(1);
    }

    void limit(int newLimit) {
        lock.lock();
        try {
            limit = newLimit;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no job of this queue runs, or the deadline passes; true when idle. */
    /**
     * Waits until no slot is used or the deadline ({@link System#nanoTime()}) passes. Real time, not
     * the TimeSource: a shutdown must end even under a manual clock that nobody advances.
     */
    boolean awaitIdle(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (used > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) return false;
                changed.awaitNanos(Math.min(left, 50_000_000L));
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
