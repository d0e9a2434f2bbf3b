package dev.gantry.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.error.StoreException;
import dev.gantry.event.GantryListener;
import dev.gantry.event.JobFinished;
import dev.gantry.event.OutcomeRejected;
import dev.gantry.lifecycle.Component;
import dev.gantry.lifecycle.RestartingLoop;
import dev.gantry.lifecycle.Service;
import dev.gantry.store.JobStore;
import dev.gantry.store.OutcomeRow;
import dev.gantry.time.TimeSource;

/**
 * Writes job outcomes in batches (thread {@code gantry-completer}): waits for the first, gathers
 * more for up to the flush interval or the batch size, and writes them in one fenced statement.
 * An outcome the fence rejects came from a zombie (the job was rescued meanwhile): it is logged
 * and reported, and the job is left as it is. A failed write (the database away, or a bug) goes
 * to the error boundary ({@link RestartingLoop}, component {@code completer}) and the same batch
 * is written again after a backoff; its jobs stay leased meanwhile because they remain in the
 * running set until written. Outcomes waiting longer than the stall timeout make the component
 * STALLED on {@code /health}.
 */
final class BatchCompleter implements Service {
    private static final Logger log = LoggerFactory.getLogger(BatchCompleter.class);
    static final int CAPACITY = 10_000;
    /** Longest pause between attempts to write a batch: outcomes should reach the database soon after it is back. */
    static final long MAX_BACKOFF_MS = 5_000;

    private final JobStore store;
    private final String workerId;
    private final Duration flushInterval;
    private final int batchSize;
    private final Map<Long, RunningJob> running;
    private final GantryListener listener;
    private final TimeSource time;
    private final Component component;
    private final Duration stallTimeout;
    private final BlockingQueue<PendingOutcome> queue = new ArrayBlockingQueue<>(CAPACITY);
    /** The batch being written; kept across a failure so the restarted loop writes it first. */
    private final List<PendingOutcome> batch;
    private volatile long inFlightSince = Long.MIN_VALUE;
    private volatile boolean accepting;
    private volatile boolean abandoned;
    private final AtomicLong processed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private Thread thread;

    BatchCompleter(JobStore store, String workerId, Duration flushInterval, int batchSize,
                   Map<Long, RunningJob> running, GantryListener listener, TimeSource time, Component component,
                   Duration stallTimeout) {
        this.time = time;
        this.store = store;
        this.workerId = workerId;
        this.flushInterval = flushInterval;
        this.batchSize = batchSize;
        this.batch = new ArrayList<>(batchSize);
        this.running = running;
        this.listener = listener;
        this.component = component;
        this.stallTimeout = stallTimeout;
        component.stallProbe(this::stall);
    }

    /** Queues an outcome; blocks when the queue is full (back-pressure), never drops one. */
    void submit(RunningJob job, OutcomeRow row) {
        PendingOutcome outcome = new PendingOutcome(job, row, time.monotonicNanos() - job.startedNanos(),
                time.monotonicNanos());
        boolean interrupted = false;
        while (true) {
            try {
                queue.put(outcome);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    @Override
    public synchronized void start() {
        if (thread != null) return;
        accepting = true;
        abandoned = false;
        component.up();
        thread = Thread.ofPlatform().daemon().name("gantry-completer")
                .start(() -> RestartingLoop.run(component, this::finished, this::run, MAX_BACKOFF_MS));
    }

    /** Done: stopped and everything written, or given up on at the stop timeout. */
    private boolean finished() {
        return abandoned || !accepting && queue.isEmpty() && batch.isEmpty();
    }

    /** Writes until stopped and drained; a failed write throws, keeping its batch for the next run. */
    private void run() throws InterruptedException {
        long flushNanos = flushInterval.toNanos();
        while (accepting || !queue.isEmpty() || !batch.isEmpty()) {
            if (batch.isEmpty()) {
                PendingOutcome first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                batch.add(first);
                long deadline = time.monotonicNanos() + flushNanos;
                while (batch.size() < batchSize) {
                    queue.drainTo(batch, batchSize - batch.size());
                    long left = deadline - time.monotonicNanos();
                    if (batch.size() >= batchSize || left <= 0) break;
                    PendingOutcome next = queue.poll(left, TimeUnit.NANOSECONDS);
                    if (next == null) break;
                    batch.add(next);
                }
            }
            inFlightSince = batch.getFirst().queuedNanos();
            List<OutcomeRow> rows = new ArrayList<>(batch.size());
            for (PendingOutcome p : batch) rows.add(p.row());
            Set<Long> applied = store.applyOutcomes(workerId, rows);
            // Written: from here on a failure must not write the batch again.
            List<PendingOutcome> written = List.copyOf(batch);
            batch.clear();
            inFlightSince = Long.MIN_VALUE;
            component.up();
            settle(written, applied);
        }
    }

    /** Non-null when the oldest outcome has waited longer than the stall timeout. */
    private String stall() {
        long oldest = inFlightSince;
        if (oldest == Long.MIN_VALUE) {
            PendingOutcome head = queue.peek();
            if (head == null) return null;
            oldest = head.queuedNanos();
        }
        Duration waited = Duration.ofNanos(time.monotonicNanos() - oldest);
        return waited.compareTo(stallTimeout) > 0
                ? "job outcomes waiting " + waited.toSeconds() + " s to be written (" + (queue.size() + batch.size())
                  + " waiting)"
                : null;
    }

    /** After a batch was written: frees its jobs, counts, reports, and wakes the queues of released jobs. */
    private void settle(List<PendingOutcome> outcomes, Set<Long> applied) {
        Set<String> releasedQueues = new HashSet<>();
        for (PendingOutcome p : outcomes) {
            OutcomeRow row = p.row();
            var job = p.job().job();
            running.remove(row.jobId());
            if (applied.contains(row.jobId())) {
                if (row.release()) {
                    releasedQueues.add(job.queue());
                } else {
                    processed.incrementAndGet();
                    if (row.state().equals("retryable") || row.state().equals("discarded")) failed.incrementAndGet();
                }
                listener.jobFinished(new JobFinished(row.jobId(), job.queue(), job.kind(), row.attempt(), row.state(),
                        Duration.ofNanos(p.runNanos())));
            } else {
                log.atWarn().setMessage("rejected late job outcome: the worker no longer holds the job")
                        .addKeyValue("job_id", row.jobId()).addKeyValue("attempt", row.attempt())
                        .addKeyValue("worker_id", workerId).addKeyValue("outcome", row.state()).log();
                listener.outcomeRejected(new OutcomeRejected(row.jobId(), row.attempt(), workerId, row.state()));
            }
        }
        if (!releasedQueues.isEmpty()) {
            try {
                store.notifyQueues(releasedQueues);
            } catch (StoreException e) {
                log.atWarn().setMessage("could not announce released jobs; other workers will poll for them")
                        .addKeyValue("error", e.getMessage()).log();
            }
        }
    }

    /** Outcomes written since start, releases excepted. */
    long processed() {
        return processed.get();
    }

    /** Failed attempts written since start (retryable or discarded). */
    long failed() {
        return failed.get();
    }

    /**
     * Stops after writing everything queued, waiting up to the timeout; then gives up, and the
     * jobs whose outcomes were not written are rescued once their leases expire.
     */
    @Override
    public void stop(Duration timeout) {
        Thread t;
        synchronized (this) {
            accepting = false;
            t = thread;
            thread = null;
        }
        if (t == null) return;
        try {
            if (!t.join(timeout)) {
                log.atError().setMessage("job outcomes not written before shutdown; their jobs will be rescued")
                        .addKeyValue("outcomes", queue.size() + batch.size()).log();
                abandoned = true;
                t.interrupt();
                t.join(1_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        component.stopped();
    }
}
