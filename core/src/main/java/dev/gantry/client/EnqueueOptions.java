package dev.gantry.client;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Options of one enqueue; every field is optional. Immutable: each {@code with*} returns a copy.
 *
 * <pre>{@code
 * client.enqueue("email.send", args, EnqueueOptions.defaults().withQueue("mail").withPriority(1)
 *         .withDelay(Duration.ofMinutes(5)).withUniqueKey("welcome:" + userId));
 * }</pre>
 *
 * @param priority    0 (most urgent, the default) to 32767; lower runs first
 * @param runAt       run no earlier than this; {@code delay} is the relative form (set one of them)
 * @param maxAttempts attempts before the job is discarded (default 20)
 * @param timeout     how long one attempt may run; overrides the kind's and the worker's default
 * @param uniqueKey   idempotency key: while a job with this key is not cancelled or discarded,
 *                    enqueueing again returns that job instead of a new one
 */
public record EnqueueOptions(String queue, int priority, Instant runAt, Duration delay, Integer maxAttempts,
                             Duration timeout, List<String> tags, String uniqueKey) {
    public static final String DEFAULT_QUEUE = "default";
    public static final int DEFAULT_MAX_ATTEMPTS = 20;
    private static final EnqueueOptions DEFAULTS =
            new EnqueueOptions(DEFAULT_QUEUE, 0, null, null, null, null, List.of(), null);

    public EnqueueOptions {
        tags = tags == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tags));
    }

    public static EnqueueOptions defaults() {
        return DEFAULTS;
    }

    public EnqueueOptions withQueue(String v) {
        return new EnqueueOptions(v, priority, runAt, delay, maxAttempts, timeout, tags, uniqueKey);
    }

    public EnqueueOptions withPriority(int v) {
        return new EnqueueOptions(queue, v, runAt, delay, maxAttempts, timeout, tags, uniqueKey);
    }

    public EnqueueOptions withRunAt(Instant v) {
        return new EnqueueOptions(queue, priority, v, delay, maxAttempts, timeout, tags, uniqueKey);
    }

    public EnqueueOptions withDelay(Duration v) {
        return new EnqueueOptions(queue, priority, runAt, v, maxAttempts, timeout, tags, uniqueKey);
    }

    public EnqueueOptions withMaxAttempts(int v) {
        return new EnqueueOptions(queue, priority, runAt, delay, v, timeout, tags, uniqueKey);
    }

    public EnqueueOptions withTimeout(Duration v) {
        return new EnqueueOptions(queue, priority, runAt, delay, maxAttempts, v, tags, uniqueKey);
    }

    public EnqueueOptions withTags(String... v) {
        return new EnqueueOptions(queue, priority, runAt, delay, maxAttempts, timeout, java.util.Arrays.asList(v), uniqueKey);
    }

    public EnqueueOptions withUniqueKey(String v) {
        return new EnqueueOptions(queue, priority, runAt, delay, maxAttempts, timeout, tags, v);
    }
}
