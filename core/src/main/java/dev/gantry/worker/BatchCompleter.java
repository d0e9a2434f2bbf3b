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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.gantry.error.StoreException;
import dev.gantry.event.GantryListener;
import dev.gantry.event.JobFinished;
import dev.gantry.event.OutcomeRejected;
import dev.gantry.lifecycle.Service;
import dev.gantry.store.JobStore;
import dev.gantry.store.OutcomeRow;
import dev.gantry.time.TimeSource;

/**
 * Writes job outcomes in batches (thread {@code gantry-completer}): waits for the first, gathers
 * more for up to the flush interval or the batch size, and writes them in one fenced statement.
 * An outcome the fence rejects came from a zombie (the job was rescued meanwhile): it is logged
 * and reported, and the job is left as it is. A failed write is retried; the jobs stay leased
 * meanwhile because they remain in the running set until written.
 */
final class BatchCompleter implements Service {
    private static final Logger log = LoggerFactory.getLogger(BatchCompleter.class);
    static final int CAPACITY = 10_000;

    private final JobStore store;
    private final String workerId;
    private final Duration flushInterval;
    private final int batchSize;
    private final Map<Long, RunningJob> running;
    private final GantryListener listener;
    private final TimeSource time;
    private final BlockingQueue<PendingOutcome> queue = new ArrayBlockingQueue<>(CAPACITY);
    private volatile boolean accepting;
    private final java.util.concurrent.atomic.AtomicLong processed = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failed = new java.util.concurrent.atomic.AtomicLong();
    private Thread thread;

    BatchCompleter(JobStore store, String workerId, Duration flushInterval, int batchSize,
                   Map<Long, RunningJob> running, GantryListener listener, TimeSource time) {
        this.time = time;
        this.store = store;
        this.workerId = workerId;
        this.flushInterval = flushInterval;
        this.batchSize = batchSize;
        this.running = running;
        this.listener = listener;
    }

    /** Queues an outcome; blocks when the queue is full (back-pressure), never drops one. */
    void submit(PendingOutcome outcome) {
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
        thread = Thread.ofPlatform().daemon().name("gantry-completer").start(this::run);
    }

    private void run() {
        long flushNanos = flushInterval.toNanos();
        List<PendingOutcome> batch = new ArrayList<>(batchSize);
        while (accepting || !queue.isEmpty()) {
            try {
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
                flush(batch);
                batch.clear();
            } catch (InterruptedException e) {
                if (!accepting) break;
            }
        }
    }

    private void flush(List<PendingOutcome> batch) throws InterruptedException {
        List<OutcomeRow> rows = new ArrayList<>(batch.size());
        for (PendingOutcome p : batch) rows.add(p.row());
        Set<Long> applied = null;
        long backoffMs = 50;
        while (applied == null) {
            try {
                applied = store.applyOutcomes(workerId, rows);
            } catch (StoreException e) {
                log.atWarn().setMessage("writing job outcomes failed, retrying")
                        .addKeyValue("outcomes", rows.size()).addKeyValue("retry_in_ms", backoffMs)
                        .addKeyValue("error", e.getMessage()).log();
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
        Set<String> releasedQueues = new HashSet<>();
        for (PendingOutcome p : batch) {
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

    /** Stops after writing everything queued, waiting up to the timeout. */
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
                        .addKeyValue("outcomes", queue.size()).log();
                t.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
