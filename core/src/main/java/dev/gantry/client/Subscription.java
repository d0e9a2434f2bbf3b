package dev.gantry.client;

/** A live subscription (to changes, or to a log); closing it stops the deliveries. Idempotent. */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
