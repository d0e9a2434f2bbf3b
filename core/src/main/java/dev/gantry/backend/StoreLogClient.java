package dev.gantry.backend;

import java.util.List;

import dev.gantry.client.LogClient;
import dev.gantry.client.LogEntry;
import dev.gantry.client.LogFollower;
import dev.gantry.client.LogQuery;
import dev.gantry.client.Subscription;
import dev.gantry.store.LogStore;

/** {@link LogClient} on the log store; followers are woken by the shipper's NOTIFY. Thread-safe. */
public final class StoreLogClient implements LogClient {
    private final LogStore store;
    private final NotificationHub notifications;

    public StoreLogClient(LogStore store, NotificationHub notifications) {
        this.store = store;
        this.notifications = notifications;
    }

    @Override
    public List<LogEntry> query(LogQuery query) {
        return store.query(query);
    }

    @Override
    public long latestId() {
        return store.latestId();
    }

    @Override
    public Subscription follow(LogQuery filter, long afterId, LogFollower follower) {
        if (afterId < 0) throw new dev.gantry.error.InvalidInputException("after_id", "must be >= 0, got " + afterId);
        LogFollowing following = new LogFollowing(store, filter, afterId, follower);
        Subscription wakeUps = notifications.subscribe(store.channel(), payload -> following.wake());
        following.start(wakeUps);
        return following;
    }
}
