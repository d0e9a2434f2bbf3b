package dev.gantry.server.api;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonRawValue;

import dev.gantry.client.Command;

/**
 * A command and its acknowledgements, as the API and {@code gantry workers <command> --json}
 * show it: one entry per worker it went to (a command to all workers is one copy per live
 * worker). {@code status} is pending until every copy is processed, failed or expired; then
 * failed if any copy failed or expired, else processed.
 */
public record CommandView(long id, String command, @JsonRawValue String payload, String status, boolean complete,
                          Instant createdAt, List<Ack> workers) {

    /** One worker's answer; {@code took_ms} from sending to answering, null while pending. */
    public record Ack(long id, String workerId, String status, String error, Instant processedAt, Long tookMs) {
    }

    public static CommandView of(Command c) {
        List<Ack> acks = c.deliveries().stream().map(d -> new Ack(d.id(), d.workerId(), d.status(), d.error(),
                d.processedAt(), d.took() == null ? null : d.took().toMillis())).toList();
        return new CommandView(c.id(), c.command(), c.payloadJson(), c.status(), c.complete(), c.createdAt(), acks);
    }
}
