package dev.gantry.store;

/** Subscriptions to job events (V007); only {@link EventSubscriptionStore} uses them. */
final class EventSubscriptionSql {
    private EventSubscriptionSql() {
    }

    /** Registers or renews a subscription through the SQL API, which validates; returns when it expires. */
    static final String SUBSCRIBE = "SELECT gantry.subscribe_job_events(:subscriber, :ttl_seconds)";

    /** Ends it (gantry.unsubscribe_job_events). */
    static final String UNSUBSCRIBE = "SELECT gantry.unsubscribe_job_events(:subscriber)";
}
