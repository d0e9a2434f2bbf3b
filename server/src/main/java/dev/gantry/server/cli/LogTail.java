package dev.gantry.server.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

import dev.gantry.client.LogClient;
import dev.gantry.client.LogEntry;
import dev.gantry.client.LogFollower;
import dev.gantry.client.LogQuery;
import dev.gantry.client.Subscription;

/**
 * {@code gantry logs --follow}: prints the lines after the last one printed as the library's
 * {@link LogClient#follow} delivers them (woken by each shipped batch, and every second without
 * LISTEN). Stops, returning normally, when its thread is interrupted, when Ctrl-C shuts the JVM
 * down (a shutdown hook stops the follower), or when the output is closed (piped into
 * {@code head}).
 */
final class LogTail {
    private final LogClient logs;
    private final LogQuery query;
    private final Consumer<LogEntry> printer;

    LogTail(LogClient logs, LogQuery query, Consumer<LogEntry> printer) {
        this.logs = logs;
        this.query = query;
        this.printer = printer;
    }

    /** Prints every matching line after {@code lastId} as it arrives, until stopped. */
    void follow(long lastId, PrintWriter out) {
        CountDownLatch ended = new CountDownLatch(1);
        Subscription following = logs.follow(query, lastId, new LogFollower() {
            @Override
            public void lines(List<LogEntry> lines) {
                for (LogEntry e : lines) printer.accept(e);
                out.flush();
                stopIfClosed();
            }

            @Override
            public void idle() {
                stopIfClosed();
            }

            private void stopIfClosed() {
                if (!out.checkError()) return;
                ended.countDown();
                throw new IllegalStateException("the output was closed");
            }
        });
        Thread hook = new Thread(() -> {
            following.close();
            ended.countDown();
        }, "gantry-logs-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            ended.await();
        } catch (InterruptedException e) {
            // the caller stopped following: a normal end
        } finally {
            following.close();
            out.flush();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down (Ctrl-C): the hook is running
            }
        }
    }
}
