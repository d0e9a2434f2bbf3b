package dev.gantry.client;

import java.time.Instant;
import java.util.List;

/**
 * A command and every worker's answer to it.
 *
 * @param id         the id {@link WorkerClient#send} returned (for a command to all workers, the first copy's)
 * @param deliveries one per worker it went to
 */
public record Command(long id, String command, String payloadJson, Instant createdAt,
                      List<CommandDelivery> deliveries) {
    public Command {
        deliveries = List.copyOf(deliveries);
    }

    /** Every worker answered (processed, failed, or expired because it died). */
    public boolean complete() {
        return deliveries.stream().noneMatch(CommandDelivery::pending);
    }

    /** pending until every copy is answered; then processed when all were, else failed. */
    public String status() {
        if (!complete()) return "pending";
        return deliveries.stream().allMatch(d -> d.status().equals("processed")) ? "processed" : "failed";
    }
}
