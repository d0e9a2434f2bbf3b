package dev.gantry.backend;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.client.LogEntry;
import dev.gantry.client.LogFollower;
import dev.gantry.client.LogQuery;
import dev.gantry.client.Subscription;
import dev.gantry.error.StoreException;
import dev.gantry.store.LogGap;
import dev.gantry.store.LogStore;

/**
 * One follower of the log, on its own virtual thread. Each round reads the newest id, then the
 * matching lines between its position and that id, and moves its position past them: a filter
 * that matches nothing walks each new id once, never rescanning what it read before.
 *
 * <p>Lines are delivered in id order and none is skipped. Two workers shipping at once can commit
 * out of id order: the batch with the lower ids becomes visible after the higher ones. So the
 * position only moves over ids that are all present; at a hole it stops and delivers nothing past
 * it until the hole fills (the late batch commits and its NOTIFY wakes the follower) or is known to
 * be for good (no write to the log is in flight, so the batch rolled back or was pruned). A
 * client that resumes after the last id it received therefore misses nothing.
 */
final class LogFollowing implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(LogFollowing.class);
    static final int BATCH = 500;
    static final Duration IDLE_WAKE = Duration.ofSeconds(1);
    /** Ids checked for holes per step, so a follower far behind settles in bounded queries. */
    static final int SETTLE_WINDOW = 10_000;
    /** Past this, a hole is passed even while writes are in flight (a shipper stuck mid-commit). */
    static final Duration HOLE_PATIENCE = Duration.ofSeconds(10);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final LogStore store;
    private final LogQuery filter;
    private final LogFollower follower;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean closed;
    private volatile Subscription wakeUps = () -> { };
    private volatile long position;
    private long holeAt = -1;
    private long holeSince;
    private Thread thread;

    LogFollowing(LogStore store, LogQuery filter, long afterId, LogFollower follower) {
        this.store = store;
        this.filter = filter;
        this.position = afterId;
        this.follower = follower;
    }

    void start(Subscription wakeUps) {
        this.wakeUps = wakeUps;
        thread = Thread.ofVirtual().name("gantry-log-follower").start(this::run);
    }

    /** The id up to which the log was read: the next round reads after it. */
    long position() {
        return position;
    }

    void wake() {
        wake.release();
    }

    private void run() {
        long backoffMs = 100;
        try {
            while (!closed) {
                try {
                    boolean any = readUpToHead();
                    backoffMs = 100;
                    if (!wake.tryAcquire(IDLE_WAKE.toMillis(), TimeUnit.MILLISECONDS) && !any && !closed) follower.idle();
                    wake.drainPermits();
                } catch (StoreException e) {
                    // The database is away: keep the position and try again; the follower sees a pause.
                    log.atDebug().setMessage("reading the log failed, retrying").addKeyValue("retry_in_ms", backoffMs)
                            .addKeyValue("error", e.getMessage()).log();
                    wake.tryAcquire(backoffMs, TimeUnit.MILLISECONDS);
                    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The follower stopped following (its client went away); that ends this subscription.
            log.atDebug().setMessage("log follower ended").addKeyValue("reason", String.valueOf(e.getMessage())).log();
        } finally {
            closed = true;
            wakeUps.close();
        }
    }

    /** Delivers the matching lines up to the newest id now, stopping at a hole that may still fill; true when there were any. */
    private boolean readUpToHead() throws Exception {
        long head = store.latestId();
        boolean any = false;
        while (!closed && position < head) {
            long through = Math.min(head, position + SETTLE_WINDOW);
            LogGap hole = store.firstGap(position, through);
            long settled = hole == null ? through : hole.before();
            if (settled > position) {
                any |= deliver(position, settled);
                position = settled;
                continue;
            }
            // A hole right after the position. Checked for writes first, then again: a hole still
            // there once none is in flight never fills.
            if (!store.writeInFlight()) {
                hole = store.firstGap(position, through);
                if (hole != null && hole.before() == position) position = hole.after() - 1;
                continue;
            }
            if (holeAt != position) {
                holeAt = position;
                holeSince = System.nanoTime();
            } else if (System.nanoTime() - holeSince > HOLE_PATIENCE.toNanos()) {
                log.atDebug().setMessage("passing a hole in the log ids that did not fill")
                        .addKeyValue("after_id", position).addKeyValue("next_id", hole.after()).log();
                position = hole.after() - 1;
                continue;
            }
            break;
        }
        return any;
    }

    private boolean deliver(long from, long through) throws Exception {
        boolean any = false;
        while (!closed && from < through) {
            List<LogEntry> batch = store.queryRange(filter, from, through, BATCH);
            if (!batch.isEmpty()) {
                any = true;
                follower.lines(batch);
            }
            from = batch.size() < BATCH ? through : batch.getLast().id();
        }
        return any;
    }

    @Override
    public void close() {
        closed = true;
        wake.release();
        wakeUps.close();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) t.interrupt();
    }
}
