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
import dev.gantry.store.LogStore;

/**
 * One follower of the log, on its own virtual thread. Each round first reads the newest id, then
 * the matching lines between its position and that id, and moves its position to that id: a
 * filter that matches nothing costs one index probe per round, never a rescan of what it read
 * before. A batch that commits after a later one (two workers shipping at once) can be passed by
 * the position and missed; a live tail accepts that, a query does not.
 */
final class LogFollowing implements Subscription {
    private static final Logger log = LoggerFactory.getLogger(LogFollowing.class);
    static final int BATCH = 500;
    static final Duration IDLE_WAKE = Duration.ofSeconds(1);
    private static final long MAX_BACKOFF_MS = 5_000;

    private final LogStore store;
    private final LogQuery filter;
    private final LogFollower follower;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean closed;
    private volatile Subscription wakeUps = () -> { };
    private volatile long position;
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

    /** Delivers the matching lines up to the newest id now; true when there were any. */
    private boolean readUpToHead() throws Exception {
        long head = store.latestId();
        boolean any = false;
        while (!closed && position < head) {
            List<LogEntry> batch = store.queryRange(filter, position, head, BATCH);
            if (!batch.isEmpty()) {
                any = true;
                follower.lines(batch);
            }
            position = batch.size() < BATCH ? head : batch.getLast().id();
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
