package dev.gantry.control;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.client.LogRecord;
import dev.gantry.lifecycle.Component;
import dev.gantry.lifecycle.PeriodicLoop;
import dev.gantry.lifecycle.Service;
import dev.gantry.store.LogStore;

/**
 * Ships a worker's log events to {@code gantry.worker_logs} in batches (thread
 * {@code gantry-log-shipper}), off the job path: {@link #offer} never blocks and never touches
 * the database. The buffer is bounded; when it is full the lowest levels go first (a new INFO
 * line evicts the oldest queued DEBUG line; a new DEBUG line is dropped if only INFO and above
 * are queued). Dropped events are counted, and the count is logged.
 */
public final class LogShipper implements Service {
    private static final Logger log = LoggerFactory.getLogger(LogShipper.class);
    public static final int DEFAULT_CAPACITY = 20_000;
    static final int BATCH = 1_000;
    /** TRACE, DEBUG, INFO, WARN, ERROR: lowest first. */
    static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR");

    private record Queued(long seq, LogRecord row) {
    }

    private final LogStore store;
    private final String workerId;
    private final int capacity;
    private final List<ArrayDeque<Queued>> byLevel = new ArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong shipped = new AtomicLong();
    private final PeriodicLoop loop;
    private long seq;
    private int size;
    private int highWater;
    private long droppedReported;

    public LogShipper(LogStore store, String workerId, int capacity, Duration flushInterval, Component component) {
        this.store = store;
        this.workerId = workerId;
        this.capacity = capacity;
        for (int i = 0; i < LEVELS.size(); i++) byLevel.add(new ArrayDeque<>());
        this.loop = new PeriodicLoop(component, flushInterval, this::flush);
    }

    /** Queues an event; when full, evicts a lower-level one or drops this one. Never blocks. */
    public void offer(LogRecord row) {
        int level = Math.max(0, LEVELS.indexOf(row.level()));
        boolean kick;
        synchronized (this) {
            if (size >= capacity) {
                int lowest = lowestQueuedLevel();
                if (lowest >= level) {
                    dropped.incrementAndGet();
                    return;
                }
                byLevel.get(lowest).pollFirst();
                size--;
                dropped.incrementAndGet();
            }
            byLevel.get(level).addLast(new Queued(seq++, row));
            size++;
            highWater = Math.max(highWater, size);
            kick = size == BATCH;
        }
        if (kick) loop.kick();
    }

    private int lowestQueuedLevel() {
        for (int i = 0; i < byLevel.size(); i++) if (!byLevel.get(i).isEmpty()) return i;
        return LEVELS.size();
    }

    /** Ships everything queued now, in the order it was logged. */
    public void flush() {
        while (true) {
            List<Queued> batch = new ArrayList<>();
            synchronized (this) {
                for (ArrayDeque<Queued> q : byLevel) {
                    while (!q.isEmpty() && batch.size() < BATCH * 5) batch.add(q.pollFirst());
                }
                size -= batch.size();
            }
            if (batch.isEmpty()) break;
            batch.sort(Comparator.comparingLong(Queued::seq));
            for (int from = 0; from < batch.size(); from += BATCH) {
                List<LogRecord> rows = batch.subList(from, Math.min(batch.size(), from + BATCH)).stream().map(Queued::row).toList();
                try {
                    store.insertMany(workerId, rows);
                    shipped.addAndGet(rows.size());
                } catch (RuntimeException e) {
                    // The database is unreachable: these lines are lost, counted, and the worker goes on.
                    dropped.addAndGet(rows.size());
                }
            }
        }
        reportDrops();
    }

    private void reportDrops() {
        long d = dropped.get();
        if (d > droppedReported) {
            log.atWarn().setMessage("dropped log events: the shipping buffer was full or the database unreachable")
                    .addKeyValue("dropped", d - droppedReported).addKeyValue("dropped_total", d).log();
            droppedReported = d;
        }
    }

    public long dropped() {
        return dropped.get();
    }

    public long shipped() {
        return shipped.get();
    }

    /** The most events ever queued at once (never above the capacity). */
    public synchronized int highWater() {
        return highWater;
    }

    public int capacity() {
        return capacity;
    }

    @Override
    public void start() {
        loop.start();
    }

    @Override
    public void stop(Duration timeout) {
        loop.stop(timeout);
        flush();
    }
}
