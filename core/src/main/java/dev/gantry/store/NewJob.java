package dev.gantry.store;

import java.time.Instant;
import java.util.List;

/**
 * A validated job ready to insert; {@code runAt} null means now. {@code uniqueWhile}: null
 * (forever), {@code waiting}, {@code active} or {@code period}, with {@code uniqueSeconds} the
 * period (V011). {@code limitKey}: the key whose limit it runs under, null for none (V012).
 */
public record NewJob(String queue, String kind, String args, int priority, int maxAttempts, Instant runAt,
                     Integer timeoutMs, String uniqueKey, List<String> tags, String uniqueWhile, Long uniqueSeconds,
                     String limitKey) {
    public NewJob {
        tags = List.copyOf(tags);
    }

    public NewJob(String queue, String kind, String args, int priority, int maxAttempts, Instant runAt,
                  Integer timeoutMs, String uniqueKey, List<String> tags) {
        this(queue, kind, args, priority, maxAttempts, runAt, timeoutMs, uniqueKey, tags, null, null, null);
    }
}
