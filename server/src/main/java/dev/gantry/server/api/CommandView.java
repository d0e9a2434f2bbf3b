package dev.gantry.server.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.gantry.store.WorkerCommand;

/**
 * A command and its acknowledgements: one entry per worker it went to (a command to all
 * workers is one copy per live worker). {@code status} is pending until every copy is
 * processed, failed or expired; then failed if any copy failed or expired, else processed.
 */
public record CommandView(long id, String command, @JsonRawValue String payload, String status, Instant createdAt,
                          List<Ack> workers) {

    public record Ack(long id, String workerId, String status, String error, Instant processedAt) {
    }

    public static CommandView of(long id, List<WorkerCommand> copies) {
        List<Ack> acks = copies.stream()
                .map(c -> new Ack(c.id(), c.workerId(), c.status(), c.error(), c.processedAt())).toList();
        String status = acks.stream().anyMatch(a -> a.status().equals("pending")) ? "pending"
                : acks.stream().allMatch(a -> a.status().equals("processed")) ? "processed" : "failed";
        WorkerCommand first = copies.getFirst();
        return new CommandView(id, first.command(), first.payload(), status, first.createdAt(), acks);
    }
}
