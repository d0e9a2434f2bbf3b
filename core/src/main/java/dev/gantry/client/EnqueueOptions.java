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
 * @param uniqueKey   idempotency key: while a job holds this key, enqueueing again returns that
 *                    job instead of a new one
 * @param uniqueWhile how long the job holds its key: {@code forever} (null, the default: until it
 *                    is cancelled or discarded), {@code waiting} (while pending, scheduled,
 *                    available or retryable), {@code active} (waiting or running), or a period
 *                    after enqueue such as {@code 30s}, {@code 10m}, {@code 1h}, {@code 7d}
 * @param limitKey    the key whose concurrency and rate limit the job runs under (a tenant, an
 *                    account, an external API; see {@code Gantry.limits()} and docs/limits.md);
 *                    null: no limit
 */
public record EnqueueOptions(String queue, int priority, Instant runAt, Duration delay, Integer maxAttempts,
                             Duration timeout, List<String> tags, String uniqueKey, String uniqueWhile,
                             String limitKey) {
    public static final String DEFAULT_QUEUE = "default";
    public static final int DEFAULT_MAX_ATTEMPTS = 20;
    private static final EnqueueOptions DEFAULTS =
            new EnqueueOptions(DEFAULT_QUEUE, 0, null, null, null, null, List.of(), null, null, null);

    /** Constructor of the options before uniqueness windows (the key held until cancelled or discarded). */
    public EnqueueOptions(String queue, int priority, Instant runAt, Duration delay, Integer maxAttempts, Duration timeout,
                          List<String> tags, String uniqueKey) {
        this(queue, priority, runAt, delay, maxAttempts, timeout, tags, uniqueKey, null, null);
    }

    /** Constructor of the options before limits by key. */
    public EnqueueOptions(String queue, int priority, Instant runAt, Duration delay, Integer maxAttempts, Duration timeout,
                          List<String> tags, String uniqueKey, String uniqueWhile) {
        this(queue, priority, runAt, delay, maxAttempts, timeout, tags, uniqueKey, uniqueWhile, null);
    }

    public EnqueueOptions {
        tags = tags == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(tags));
    }

    public static EnqueueOptions defaults() {
        return DEFAULTS;
    }

    public EnqueueOptions withQueue(String v) {
        return new EnqueueOptions(v, priority, runAt, delay, maxAttempts, timeout, tags, uniqueKey, uniqueWhile, limitKey);
    }

    public EnqueueOptions withPriority(int v) {
        return new EnqueueOptions(queue, v, runAt, delay, maxAttempts, timeout, tags, uniqueKey, uniqueWhile, limitKey);
    }

    public EnqueueOptions withRunAt(Instant v) {
        return new EnqueueOptions(queue, priority, v, delay, maxAttempts, timeout, tags, uniqueKey, uniqueWhile, limitKey);
    }

    public EnqueueOptions withDelay(Duration v) {
        return new EnqueueOptions(queue, priority, runAt, v, maxAttempts, timeout, tags, uniqueKey, uniqueWhile, limitKey);
    }

    public EnqueueOptions withMaxAttempts(int v) {
        return new EnqueueOptions(queue, priority, runAt, delay, v, timeout, tags, uniqueKey, uniqueWhile, limitKey);
    }

    public EnqueueOptions withTimeout(Duration v) {
        return new EnqueueOptions(queue, priority, runAt, delay, maxAttempts, v, tags, uniqueKey, uniqueWhile, limitKey);
    }

    public EnqueueOptions withTags(String... v) {
        return new EnqueueOptions(queue, priority, runAt, delay, maxAttempts, timeout, java.util.Arrays.asList(v), uniqueKey, uniqueWhile, limitKey);
    }

    /** The key and how long the job holds it: waiting, active, forever, or a period such as 10m (see the record's comment). */
    public EnqueueOptions withUniqueKey(String key, String uniqueWhile) {
        return new EnqueueOptions(queue, priority, runAt, delay, maxAttempts, timeout, tags, key, uniqueWhile, limitKey);
    }

    public EnqueueOptions withUniqueKey(String v) {
        return new EnqueueOptions(queue, priority, runAt, delay, maxAttempts, timeout, tags, v, uniqueWhile, limitKey);
    }

    /** Runs the job under the limit of this key (null: none). */
    public EnqueueOptions withLimitKey(String v) {
        return new EnqueueOptions(queue, priority, runAt, delay, maxAttempts, timeout, tags, uniqueKey, uniqueWhile, v);
    }
}
