package dev.gantry.server.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import dev.gantry.store.CommandStore;
import dev.gantry.store.WorkerCommand;

/**
 * Waits for the acknowledgements of one sent command (one row, or one per worker for "*"):
 * polls its rows until none is pending or the wait is over. Workers acknowledge within a
 * second when NOTIFY reaches them, so a short poll keeps the CLI responsive without LISTEN.
 */
final class CommandDelivery {
    static final Duration POLL = Duration.ofMillis(100);

    private final CommandStore commands;

    CommandDelivery(CommandStore commands) {
        this.commands = commands;
    }

    /** The command's rows once none is pending, or as they are when {@code wait} runs out. */
    List<WorkerCommand> await(long commandId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        List<WorkerCommand> rows = commands.get(commandId);
        while (rows.stream().anyMatch(CommandDelivery::pending) && System.nanoTime() < deadline) {
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            rows = commands.get(commandId);
        }
        return rows;
    }

    static boolean pending(WorkerCommand c) {
        return c.status().equals("pending");
    }

    /** What --json prints for one worker's copy of the command. */
    record Ack(String workerId, String status, String error, Instant createdAt, Instant processedAt, Long tookMs) {
        static Ack of(WorkerCommand c) {
            return new Ack(c.workerId(), c.status(), c.error(), c.createdAt(), c.processedAt(),
                    c.processedAt() == null ? null : Duration.between(c.createdAt(), c.processedAt()).toMillis());
        }
    }
}
