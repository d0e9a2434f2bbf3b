package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import javax.sql.DataSource;

import dev.gantry.notify.PostgresNotifier;
import dev.gantry.store.LogEntry;
import dev.gantry.store.LogQuery;
import dev.gantry.store.LogStore;

/**
 * Follows gantry.worker_logs: reads the lines after the last id printed, oldest first. Each
 * shipped batch sends NOTIFY on the log channel, which wakes the tail at once; it also polls
 * every {@link #POLL} in case LISTEN is unavailable (PgBouncer) or a notification was lost.
 *
 * <p>Stops, returning normally, when its thread is interrupted, when Ctrl-C shuts the JVM down
 * (a shutdown hook interrupts it and waits briefly so the last lines are flushed), or when the
 * output is closed (piped into {@code head}). A batch that commits after a later one of
 * another worker can be missed by an id cursor; a tail accepts that, a full query does not.
 */
final class LogTail {
    static final Duration POLL = Duration.ofMillis(500);
    /** How long Ctrl-C waits for the tail to finish printing. */
    static final Duration STOP_WAIT = Duration.ofSeconds(2);

    private final LogStore logs;
    private final DataSource dataSource;
    private final LogQuery query;
    private final Consumer<LogEntry> printer;

    LogTail(LogStore logs, DataSource dataSource, LogQuery query, Consumer<LogEntry> printer) {
        this.logs = logs;
        this.dataSource = dataSource;
        this.query = query;
        this.printer = printer;
    }

    /** Prints every matching line after {@code lastId} as it arrives, until stopped. */
    void follow(long lastId, PrintWriter out) {
        Semaphore wake = new Semaphore(0);
        PostgresNotifier notifier = new PostgresNotifier(dataSource);
        notifier.subscribe(logs.channel(), payload -> wake.release());
        notifier.start();
        Thread follower = Thread.currentThread();
        AtomicBoolean stopping = new AtomicBoolean();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopping.set(true);
            follower.interrupt();
            try {
                stopped.await(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "gantry-logs-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            long last = lastId;
            LogQuery next = query.withLimit(LogQuery.MAX_LIMIT);
            while (!stopping.get() && !Thread.currentThread().isInterrupted() && !out.checkError()) {
                List<LogEntry> batch;
                try {
                    batch = logs.query(next.after(last));
                } catch (RuntimeException e) {
                    // An interrupt can surface as a failed query; that is a stop, not a database error.
                    if (stopping.get() || Thread.currentThread().isInterrupted()) break;
                    throw e;
                }
                for (LogEntry e : batch) printer.accept(e);
                out.flush();
                if (!batch.isEmpty()) last = batch.getLast().id();
                if (batch.size() < LogQuery.MAX_LIMIT) {
                    wake.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                }
            }
        } catch (InterruptedException e) {
            // Ctrl-C or the caller: a normal end of following.
        } finally {
            out.flush();
            stopped.countDown();
            notifier.stop(Duration.ZERO);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook is running
            }
        }
    }
}
