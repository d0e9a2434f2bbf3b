package dev.gantry.store;

import java.time.Instant;
import java.util.List;

/** A validated job ready to insert; {@code runAt} null means now. */
public record NewJob(String queue, String kind, String args, int priority, int maxAttempts, Instant runAt,
                     Integer timeoutMs, String uniqueKey, List<String> tags) {
    public NewJob {
        tags = List.copyOf(tags);
    }
}
