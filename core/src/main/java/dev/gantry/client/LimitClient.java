package dev.gantry.client;

import java.util.List;
import java.util.Optional;

import dev.gantry.error.InvalidInputException;

/**
 * Concurrency and rate limits by key, enforced by every worker's claim in the database (docs/limits.md).
 * A job runs under a key's limit when it is enqueued with {@code EnqueueOptions.withLimitKey};
 * a key without a limit runs unlimited. Thread-safe; get it from {@code Gantry.limits()}. Bad
 * input throws {@link InvalidInputException} naming the field, and writes nothing.
 */
public interface LimitClient {
    /** The limit as stored, and whether {@link #set} created it (false: replaced). */
    record Upserted(Limit limit, boolean created) {
    }

    /**
     * Creates or replaces the limit of {@code key}. Room it makes lets waiting jobs go at once;
     * jobs already running go on even when a lower limit is now exceeded.
     */
    Upserted set(String key, LimitRequest request);

    Optional<Limit> get(String key);

    /** Every limit, by key. */
    List<Limit> list();

    /** Deletes it and lets every job waiting for it go; false when there was none. */
    boolean delete(String key);
}
